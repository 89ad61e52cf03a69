import type { Context } from 'hono';
import { forbidden } from '../core/errors';

/** Methods that may change something: the ones a forged cross-site request would be after. */
const unsafeMethods: ReadonlySet<string> = new Set(['POST', 'PUT', 'PATCH', 'DELETE']);

export const isUnsafeMethod = (method: string): boolean => unsafeMethods.has(method.toUpperCase());

/**
 * Why a request must be refused as cross-site, or null when it comes from the app's own pages
 * (or from no browser at all). The session cookie is SameSite=Strict already; this is the
 * second lock, for browsers or set-ups where that alone does not hold (a sibling sub-domain
 * counts as "same site" to SameSite but is not our origin).
 *
 * - `Origin` is sent by browsers with every POST, PUT, PATCH and DELETE: it must be the
 *   deployment's public origin (`baseUrl`) or the origin the request was addressed to (the same
 *   server reached as 127.0.0.1 instead of localhost, or through the dev server's proxy). A
 *   browser never lets a page forge either header.
 * - Without `Origin`, `Sec-Fetch-Site` (sent by current browsers) must be `same-origin` or `none`
 *   (typed by the user).
 * - With neither, the caller is not a browser (curl, the CLI, a script): nothing ambient rides
 *   along with such a request, so there is nothing to forge.
 */
export function crossSiteReason(c: Context, baseUrl: string): string | null {
  const origin = c.req.header('origin');
  if (origin !== undefined) {
    const own = new Set([new URL(baseUrl).origin, new URL(c.req.url).origin]);
    return own.has(origin) ? null : `cross-site request refused: it came from ${origin === 'null' ? 'an opaque origin' : origin}, not from Timepoint's own pages`;
  }
  const site = c.req.header('sec-fetch-site');
  if (site !== undefined && site !== 'same-origin' && site !== 'none') {
    return `cross-site request refused: the browser marked it ${site}, not same-origin`;
  }
  return null;
}

/** Throws 403 for an unsafe request that a browser sent from another origin. */
export function assertSameOrigin(c: Context, baseUrl: string): void {
  if (!isUnsafeMethod(c.req.method)) return;
  const reason = crossSiteReason(c, baseUrl);
  if (reason !== null) throw forbidden(reason);
}
