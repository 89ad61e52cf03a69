/**
 * The request header that carries a participant's link or unsubscribe token. Links put the
 * token in the URL fragment (`/p/#<token>`), which browsers never send, and the participant page
 * hands it to the API in this header: a token then appears in no request line, so in no access
 * log (CloudFront, WAF, API Gateway, the local server). Headers are not logged; the WAF log
 * redacts this one by name (infra/lib/edge-stack.ts). Shared by the page, the API and the infra.
 */
export const LINK_TOKEN_HEADER = 'x-timepoint-link';
