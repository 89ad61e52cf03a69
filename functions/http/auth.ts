import type { Context, MiddlewareHandler } from 'hono';
import { getCookie } from 'hono/cookie';
import { canAccessStudy, sessionStillValid, type StaffRole } from '../core/auth/staff';
import { forbidden, unauthorized } from '../core/errors';
import { authenticate } from '../use-cases/sign-in';
import { assertSameOrigin } from './csrf';
import { FORWARDED_AUTHORIZATION_HEADER } from './edge-headers';
import type { AppDeps, AppEnv } from './env';

export const SESSION_COOKIE = 'tp_session';

/**
 * The session token a request carries and how: a bearer token (set deliberately by the caller's
 * code, so never ambient), else the session cookie (which the browser adds by itself, so a
 * forged cross-site request would carry it too).
 */
export function sessionCredential(c: Context): { token: string; via: 'bearer' | 'cookie' } | undefined {
  // Behind the export function's origin access control, `Authorization` holds CloudFront's signature
  // and the viewer's own header arrives as FORWARDED_AUTHORIZATION_HEADER (edge-headers.ts).
  const header = [c.req.header('authorization'), c.req.header(FORWARDED_AUTHORIZATION_HEADER)].find((value) => value?.startsWith('Bearer '));
  if (header !== undefined) return { token: header.slice('Bearer '.length).trim(), via: 'bearer' };
  const cookie = getCookie(c, SESSION_COOKIE);
  return cookie === undefined ? undefined : { token: cookie, via: 'cookie' };
}

/**
 * Requires a signed-in staff member (bearer token or session cookie) with one of `roles`. A
 * change made with the cookie must come from the app's own origin (CSRF); bearer requests are
 * exempt, since a page on another origin cannot add that header without a CORS grant we never give.
 */
export function requireStaff(deps: AppDeps, roles: readonly StaffRole[]): MiddlewareHandler<AppEnv> {
  return async (c, next) => {
    const credential = sessionCredential(c);
    if (credential?.via === 'cookie') assertSameOrigin(c, deps.baseUrl);
    const session = credential ? await authenticate(deps, credential.token) : null;
    if (session === null) throw unauthorized();
    // Role and studies come from the account as it is now: a change by an admin takes effect at once.
    const member = await deps.staff.get(session.email);
    if (member === null) throw unauthorized('this staff account no longer exists');
    // A demotion, a loss of studies or a removal ends every session the account had, at once.
    if (!sessionStillValid(session, member)) throw unauthorized('this session has ended: sign in again');
    const current = { ...session, role: member.role, studies: member.studies };
    if (!roles.includes(current.role)) throw forbidden();
    const studyId = c.req.param('studyId');
    if (studyId !== undefined && !canAccessStudy(current, studyId)) throw forbidden();
    c.set('session', current);
    await next();
  };
}
