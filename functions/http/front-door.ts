import { createHash, timingSafeEqual } from 'node:crypto';
import type { Context } from 'hono';

/**
 * In AWS the API has a public `execute-api` address of its own, next to the site's CloudFront
 * address. Two headers tie a request to CloudFront (infra/lib/app-stack.ts, docs/security.md):
 *
 * - the origin secret, which CloudFront adds to every request it sends to the API (an origin
 *   custom header whose value comes from Secrets Manager at deploy time): a request without it
 *   went around CloudFront and is refused;
 * - the viewer address, which a CloudFront Function on `/api/*` writes from the connection
 *   CloudFront itself accepted, overwriting whatever the client sent under that name.
 *
 * Only requests carrying the secret are served, so the viewer address is always CloudFront's own.
 */
export const ORIGIN_SECRET_HEADER = 'x-timepoint-origin-secret';
export const VIEWER_ADDRESS_HEADER = 'x-timepoint-viewer-address';

const digest = (value: string) => createHash('sha256').update(value).digest();

/** Shorter values are placeholders ("none": no rotation under way) and never match anything. */
export const MIN_ORIGIN_SECRET_LENGTH = 32;

/**
 * Whether a request carries one of the accepted origin secrets (the current one and, during a
 * rotation, the previous one). Compared in constant time; a placeholder shorter than
 * MIN_ORIGIN_SECRET_LENGTH never matches.
 */
export function carriesOriginSecret(c: Context, secrets: readonly string[]): boolean {
  const presented = c.req.header(ORIGIN_SECRET_HEADER);
  if (presented === undefined || presented === '') return false;
  const given = digest(presented);
  let match = false;
  for (const secret of secrets) if (secret.length >= MIN_ORIGIN_SECRET_LENGTH && timingSafeEqual(given, digest(secret))) match = true;
  return match;
}

/** The viewer's address as CloudFront saw it (trusted only behind the origin-secret check). */
export const viewerAddress = (c: Context): string | undefined => c.req.header(VIEWER_ADDRESS_HEADER)?.trim() || undefined;

/**
 * The CloudFront Function (viewer request, `/api/*`) that sets the viewer-address header from
 * the connection CloudFront accepted. It replaces any value the client sent, so the header can't
 * be forged through CloudFront; `X-Forwarded-For` is never read.
 */
export const viewerAddressFunctionCode = `function handler(event){var r=event.request;r.headers['${VIEWER_ADDRESS_HEADER}']={value:event.viewer.ip};return r;}`;
