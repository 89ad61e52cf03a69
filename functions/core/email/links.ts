/**
 * The URLs participant emails carry. Page links put the token in the fragment (`#…`): browsers
 * never send a fragment, so the token is in no request line and no access log; the page reads
 * it and sends it to the API in a header. Links emailed before this form (`/p/<token>`,
 * `/u/<token>`) still open the same page, which moves the token into the fragment at once.
 */
export const participantLink = (baseUrl: string, token: string): string => `${baseUrl}/p/#${token}`;

/** The unsubscribe page linked at the foot of every participant email. */
export const unsubscribePageLink = (baseUrl: string, token: string): string => `${baseUrl}/u/#${token}`;

/**
 * The RFC 8058 one-click unsubscribe URL (the `List-Unsubscribe` header): the mail client POSTs
 * `List-Unsubscribe=One-Click` to it and sends nothing else, so the token has to be in the URL.
 * It is a token that can only stop emails, and request lines are kept out of every log the
 * platform writes (docs/security.md, "Tokens in logs").
 */
export const oneClickUnsubscribeUrl = (baseUrl: string, token: string): string => `${baseUrl}/api/u/${token}`;
