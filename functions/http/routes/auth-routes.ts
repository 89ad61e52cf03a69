import { deleteCookie, setCookie } from 'hono/cookie';
import { SESSION_HOURS } from '../../core/auth/staff';
import { requestSignIn, signInRequestBody, signInVerifyBody, signOut, verifySignIn, whoIsSignedIn } from '../../use-cases/sign-in';
import { SESSION_COOKIE, sessionCredential } from '../auth';
import { assertSameOrigin } from '../csrf';
import { defineRoute } from '../define-route';
import { atLeast, limitProbing } from '../probing';
import { readJson } from '../read-json';

const tag = 'Sign-in';

/** Sign-in by an emailed one-time code, the session, and signing out. */
export const authRoutes = [
  defineRoute(
    {
      method: 'post',
      path: '/api/auth/login',
      tag,
      summary: 'Email a one-time sign-in link (same answer for unknown addresses); at most 5 per address and 50 per client in 15 minutes',
      body: signInRequestBody,
      responses: { 202: 'Accepted', 429: 'Too many sign-in links for this address, or requests from this client (Retry-After)', 503: 'The email could not be sent just now' },
    },
    async (c, deps) => {
      // Another site must not make a visitor's browser mail sign-in links to staff (the answer says nothing about accounts).
      assertSameOrigin(c, deps.baseUrl);
      // Known and unknown addresses get the same answer in the same time (sending the email takes a while).
      await atLeast(deps.signInResponseMs, requestSignIn(deps, await readJson(c), deps.secrets.hash(deps.clientAddress?.(c) ?? 'unknown')));
      return c.json({ message: 'If this address belongs to a staff account, a sign-in link is on its way.' }, 202);
    },
  ),
  defineRoute(
    {
      method: 'post',
      path: '/api/auth/verify',
      tag,
      summary: 'Exchange the code for a session token (also set as an HttpOnly cookie)',
      body: signInVerifyBody,
      responses: { 200: '{token, role, email, studies, expiresAt}', 401: 'Invalid, used, expired or replaced code', 429: 'Too many invalid codes from this client (Retry-After)' },
    },
    async (c, deps) => {
      // Another site must not be able to sign a browser in to an account of its choosing (login CSRF).
      assertSameOrigin(c, deps.baseUrl);
      const { token, session } = await verifySignIn(deps, await readJson(c));
      setCookie(c, SESSION_COOKIE, token, {
        httpOnly: true,
        secure: deps.secureCookies,
        sameSite: 'Strict',
        path: '/',
        maxAge: SESSION_HOURS * 3600,
      });
      return c.json({ token, ...whoIsSignedIn(session) });
    },
    { before: (deps) => limitProbing(deps, 'sign-in-code', (status) => status === 401) },
  ),
  defineRoute({ method: 'post', path: '/api/auth/logout', tag, summary: 'End the session (on the server, and its cookie)', responses: { 204: 'Done' } }, async (c, deps) => {
    // The session itself ends on the server, not just the cookie in this browser.
    const credential = sessionCredential(c);
    if (credential?.via === 'cookie') assertSameOrigin(c, deps.baseUrl);
    if (credential) await signOut(deps, credential.token);
    deleteCookie(c, SESSION_COOKIE, { path: '/' });
    return c.body(null, 204);
  }),
  defineRoute({ method: 'get', path: '/api/auth/me', tag, summary: 'Who is signed in', capability: 'studies.read', responses: { 200: '{email, role, studies, expiresAt}' } }, (c) =>
    c.json(whoIsSignedIn(c.get('session'))),
  ),
] as const;
