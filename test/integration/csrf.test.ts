import { beforeAll, describe, expect, it } from 'vitest';
import { runDispatch } from '../../functions/use-cases/dispatch';
import { BASE_URL, createTestContext, linkToken, type TestContext } from '../helpers/test-context';

/**
 * Cross-site request forgery: a change made with the session cookie must come from the app's own
 * origin. Bearer tokens are exempt (never ambient), and participant links and the one-click
 * unsubscribe (which mail providers POST from elsewhere) keep working.
 */
let t: TestContext;
let cookieToken: string;

beforeAll(async () => {
  t = await createTestContext();
  cookieToken = await t.signIn({ email: 'csrf@staff.test', role: 'coordinator', studies: ['demo'] });
});

/** A request as a browser sends it: the session cookie rides along, plus whatever origin headers it sets. */
const browser = (method: string, path: string, headers: Record<string, string>, body?: unknown) =>
  t.app.request(path, {
    method,
    headers: { cookie: `tp_session=${cookieToken}`, ...(body !== undefined ? { 'content-type': 'application/json' } : {}), ...headers },
    ...(body !== undefined ? { body: JSON.stringify(body) } : {}),
  });

const enrolment = () => ({ email: t.uniqueEmail('csrf'), arm: 'mbpm' });

describe('staff changes made with the session cookie', () => {
  it('refuses a cross-site POST with 403 naming the reason, and writes nothing', async () => {
    const [research, contacts] = [await t.scan('research'), await t.scan('contacts')];
    const response = await browser('POST', '/api/studies/demo/participants', { origin: 'https://evil.example' }, enrolment());
    expect(response.status).toBe(403);
    expect(await response.json()).toEqual({
      error: { code: 'forbidden', message: "cross-site request refused: it came from https://evil.example, not from Timepoint's own pages" },
    });
    expect(await t.scan('research')).toEqual(research);
    expect(await t.scan('contacts')).toEqual(contacts);
  });

  it('refuses a sibling sub-domain (same site, another origin) and an opaque origin', async () => {
    for (const origin of ['https://evil.timepoint.test', 'null', 'http://timepoint.test']) {
      const response = await browser('POST', '/api/studies/demo/participants', { origin }, enrolment());
      expect(response.status, origin).toBe(403);
    }
  });

  it('refuses PUT, PATCH and DELETE from another origin just the same', async () => {
    const cross = { origin: 'https://evil.example' };
    expect((await browser('PUT', '/api/studies/demo/settings', cross, { name: 'Hijacked' })).status).toBe(403);
    expect((await browser('PATCH', '/api/studies/demo/participants/P-0001', cross, { arm: 'waitlist' })).status).toBe(403);
    expect((await browser('DELETE', `/api/staff/${encodeURIComponent('csrf@staff.test')}`, cross)).status).toBe(403);
    expect((await t.deps.studies.get('demo'))?.name).not.toBe('Hijacked');
  });

  it('falls back to Sec-Fetch-Site when there is no Origin header', async () => {
    expect((await browser('POST', '/api/studies/demo/participants', { 'sec-fetch-site': 'cross-site' }, enrolment())).status).toBe(403);
    expect((await browser('POST', '/api/studies/demo/participants', { 'sec-fetch-site': 'same-site' }, enrolment())).status).toBe(403);
    expect((await browser('POST', '/api/studies/demo/participants', { 'sec-fetch-site': 'same-origin' }, enrolment())).status).toBe(201);
  });

  it("allows the console's own requests: the public origin, or the origin the request was addressed to", async () => {
    expect((await browser('POST', '/api/studies/demo/participants', { origin: BASE_URL, 'sec-fetch-site': 'same-origin' }, enrolment())).status).toBe(201);
    // The same server reached under another name (127.0.0.1 for localhost, the dev server's proxy).
    expect((await browser('POST', 'http://127.0.0.1:3000/api/studies/demo/participants', { origin: 'http://127.0.0.1:3000' }, enrolment())).status).toBe(201);
  });

  it('leaves reads alone: a cross-site GET is not a change', async () => {
    expect((await browser('GET', '/api/studies/demo/participants', { origin: 'https://evil.example', 'sec-fetch-site': 'cross-site' })).status).toBe(200);
  });

  it('exempts bearer tokens, which a page on another origin cannot attach', async () => {
    const response = await t.app.request('/api/studies/demo/participants', {
      method: 'POST',
      headers: { authorization: `Bearer ${cookieToken}`, origin: 'https://tool.example', 'content-type': 'application/json' },
      body: JSON.stringify(enrolment()),
    });
    expect(response.status).toBe(201);
  });

  it('refuses a cross-site sign-out (the session stays) and accepts a same-origin one', async () => {
    const token = await t.signIn({ email: 'leaving@staff.test', role: 'analyst', studies: ['demo'] });
    const logout = (origin: string) => t.app.request('/api/auth/logout', { method: 'POST', headers: { cookie: `tp_session=${token}`, origin } });
    expect((await logout('https://evil.example')).status).toBe(403);
    expect((await t.request('GET', '/api/auth/me', { token })).status).toBe(200);
    expect((await logout(BASE_URL)).status).toBe(204);
    expect((await t.request('GET', '/api/auth/me', { token })).status).toBe(401);
  });

  it('refuses a cross-site request for a sign-in link, sending nothing', async () => {
    await t.deps.staff.put({ email: 'target@staff.test', name: 'T', role: 'coordinator', studies: ['demo'] });
    const response = await t.app.request('/api/auth/login', {
      method: 'POST',
      headers: { origin: 'https://evil.example', 'content-type': 'application/json' },
      body: JSON.stringify({ email: 'target@staff.test' }),
    });
    expect(response.status).toBe(403);
    expect(await t.inbox('target@staff.test')).toEqual([]);
  });

  it('refuses a cross-site sign-in (login CSRF) without using up the code', async () => {
    await t.deps.staff.put({ email: 'victim@staff.test', name: 'V', role: 'coordinator', studies: ['demo'] });
    await t.request('POST', '/api/auth/login', { body: { email: 'victim@staff.test' } });
    const code = /#code=([\w-]+)/.exec((await t.inbox('victim@staff.test')).at(-1)!.body.text)![1];
    const verify = (origin: string) =>
      t.app.request('/api/auth/verify', { method: 'POST', headers: { origin, 'content-type': 'application/json' }, body: JSON.stringify({ code }) });
    const forged = await verify('https://evil.example');
    expect(forged.status).toBe(403);
    expect(forged.headers.get('set-cookie')).toBeNull();
    expect((await verify(BASE_URL)).status).toBe(200);
  });
});

describe('endpoints that other sites legitimately POST to', () => {
  it('keeps participant links working from anywhere (the token is the credential, not a cookie)', async () => {
    const { token } = await t.invite();
    const save = await t.app.request(`/api/p/${token}/answers`, {
      method: 'PUT',
      headers: { origin: 'https://webmail.example', 'sec-fetch-site': 'cross-site', 'content-type': 'application/json' },
      body: JSON.stringify({ answers: { PHQ9_1: 1 } }),
    });
    expect(save.status).toBe(200);
  });

  it('keeps the RFC 8058 one-click unsubscribe working when a mail provider POSTs it cross-site', async () => {
    const participant = await t.enrol({ arm: 'mbpm' }, 'one-click');
    await runDispatch(t.deps);
    const [mail] = await t.inbox(participant.email);
    expect(linkToken(mail)).toBeDefined();
    const unsubscribe = /\/u\/#([A-Za-z0-9_-]+)/.exec(mail!.body.text)![1]!;
    const response = await t.app.request(`/api/u/${unsubscribe}`, {
      method: 'POST',
      headers: { origin: 'https://mail.provider.example', 'sec-fetch-site': 'cross-site', 'content-type': 'application/x-www-form-urlencoded' },
      body: 'List-Unsubscribe=One-Click',
    });
    expect(response.status).toBe(200);
    expect((await t.deps.contacts.get('demo', participant.code))?.unsubscribedAt).toBeDefined();
  });
});
