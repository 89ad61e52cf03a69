import { createHash, timingSafeEqual } from 'node:crypto';
import type { Context } from 'hono';
import { ORIGIN_SECRET_HEADER, VIEWER_ADDRESS_HEADER } from './edge-headers';

export { ORIGIN_SECRET_HEADER, VIEWER_ADDRESS_HEADER, viewerAddressFunctionCode } from './edge-headers';

/**
 * In AWS the API has a public `execute-api` address of its own, next to the site's CloudFront
 * address. Two headers tie a request to CloudFront (functions/http/edge-headers.ts,
 * infra/lib/app-stack.ts, docs/security.md): the origin secret, without which a request went
 * around CloudFront and is refused, and the viewer address CloudFront set. Only requests carrying
 * the secret are served, so the viewer address is always CloudFront's own.
 */
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
