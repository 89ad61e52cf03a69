import { Hono } from 'hono';
import { deleteCookie, setCookie } from 'hono/cookie';
import { SESSION_HOURS } from '../../core/auth/staff';
import { requestSignIn, verifySignIn } from '../../use-cases/sign-in';
import { requireStaff, SESSION_COOKIE } from '../auth';
import type { AppDeps, AppEnv } from '../env';
import { readJson } from '../read-json';

export function authRoutes(deps: AppDeps) {
  return new Hono<AppEnv>()
    .post('/login', async (c) => {
      await requestSignIn(deps, await readJson(c));
      return c.json({ message: 'If this address belongs to a staff account, a sign-in link is on its way.' }, 202);
    })
    .post('/verify', async (c) => {
      const { token, session } = await verifySignIn(deps, await readJson(c));
      setCookie(c, SESSION_COOKIE, token, {
        httpOnly: true,
        secure: deps.secureCookies,
        sameSite: 'Strict',
        path: '/',
        maxAge: SESSION_HOURS * 3600,
      });
      return c.json({ token, role: session.role, email: session.email, studies: session.studies, expiresAt: session.expiresAt });
    })
    .post('/logout', async (c) => {
      deleteCookie(c, SESSION_COOKIE, { path: '/' });
      return c.body(null, 204);
    })
    .get('/me', requireStaff(deps, ['admin', 'coordinator', 'analyst']), (c) => {
      const { email, role, studies, expiresAt } = c.get('session');
      return c.json({ email, role, studies, expiresAt });
    });
}
