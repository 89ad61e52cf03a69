import type { Context, MiddlewareHandler } from 'hono';
import { getCookie } from 'hono/cookie';
import { canAccessStudy, type StaffRole } from '../core/auth/staff';
import { forbidden, unauthorized } from '../core/errors';
import { authenticate } from '../use-cases/sign-in';
import type { AppDeps, AppEnv } from './env';

export const SESSION_COOKIE = 'tp_session';

/** The session token a request carries: a bearer token, else the session cookie. */
export function sessionToken(c: Context): string | undefined {
  const header = c.req.header('authorization');
  return header?.startsWith('Bearer ') ? header.slice('Bearer '.length).trim() : getCookie(c, SESSION_COOKIE);
}

/** Requires a signed-in staff member (bearer token or session cookie) with one of `roles`. */
export function requireStaff(deps: AppDeps, roles: readonly StaffRole[]): MiddlewareHandler<AppEnv> {
  return async (c, next) => {
    const token = sessionToken(c);
    const session = token ? await authenticate(deps, token) : null;
    if (session === null) throw unauthorized();
    // Role and studies come from the account as it is now: a change by an admin takes effect at once.
    const member = await deps.staff.get(session.email);
    if (member === null) throw unauthorized('this staff account no longer exists');
    const current = { ...session, role: member.role, studies: member.studies };
    if (!roles.includes(current.role)) throw forbidden();
    const studyId = c.req.param('studyId');
    if (studyId !== undefined && !canAccessStudy(current, studyId)) throw forbidden();
    c.set('session', current);
    await next();
  };
}
