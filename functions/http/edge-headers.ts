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
 * Where a staff bearer token travels from CloudFront to the export function. That function's URL
 * only answers requests CloudFront signed (origin access control), and the signature takes the
 * `Authorization` header, so the token moves here first. A page on another origin cannot set this
 * header without a CORS grant we never give, so it is exactly as non-ambient as `Authorization`.
 */
export const FORWARDED_AUTHORIZATION_HEADER = 'x-timepoint-authorization';

/**
 * The CloudFront Function (viewer request) of the export behaviour: the viewer address as on
 * `/api/*`, and the viewer's `Authorization` header moved to FORWARDED_AUTHORIZATION_HEADER
 * (any value the client sent under that name is replaced or removed).
 */
export const exportViewerRequestFunctionCode =
  `function handler(event){var r=event.request;var h=r.headers;h['${VIEWER_ADDRESS_HEADER}']={value:event.viewer.ip};` +
  `delete h['${FORWARDED_AUTHORIZATION_HEADER}'];if(h.authorization){h['${FORWARDED_AUTHORIZATION_HEADER}']={value:h.authorization.value};delete h.authorization;}return r;}`;

/**
 * Request headers no log may keep: the participant link token, the origin secret, and staff
 * credentials (bearer token, session cookie). The WAF request log redacts them by name.
 */
export const secretRequestHeaders = [LINK_TOKEN_HEADER, ORIGIN_SECRET_HEADER, 'authorization', FORWARDED_AUTHORIZATION_HEADER, 'cookie'] as const;
