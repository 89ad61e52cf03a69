import { LINK_TOKEN_HEADER } from '../core/auth/link-token';

/**
 * What ties an API request to CloudFront, shared by the API (functions/http/front-door.ts) and
 * the CDK stacks (infra/), which is why it is plain data with no runtime code of the API's:
 *
 * - the origin secret header, which CloudFront adds to every request it sends to the API (an
 *   origin custom header whose value comes from Secrets Manager at deploy time);
 * - the viewer address header, which a CloudFront Function on `/api/*` writes from the connection
 *   CloudFront itself accepted, overwriting whatever the client sent under that name.
 */
export const ORIGIN_SECRET_HEADER = 'x-timepoint-origin-secret';
export const VIEWER_ADDRESS_HEADER = 'x-timepoint-viewer-address';

/**
 * The CloudFront Function (viewer request, `/api/*`) that sets the viewer-address header from
 * the connection CloudFront accepted. It replaces any value the client sent, so the header can't
 * be forged through CloudFront; `X-Forwarded-For` is never read.
 */
export const viewerAddressFunctionCode = `function handler(event){var r=event.request;r.headers['${VIEWER_ADDRESS_HEADER}']={value:event.viewer.ip};return r;}`;

/**
 * Request headers no log may keep: the participant link token, the origin secret, and staff
 * credentials (bearer token, session cookie). The WAF request log redacts them by name.
 */
export const secretRequestHeaders = [LINK_TOKEN_HEADER, ORIGIN_SECRET_HEADER, 'authorization', 'cookie'] as const;
