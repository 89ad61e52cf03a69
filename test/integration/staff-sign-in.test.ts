import { beforeAll, describe, expect, it } from 'vitest';
import { createTestContext, type TestContext } from '../helpers/test-context';

let t: TestContext;
beforeAll(async () => {
  t = await createTestContext();
});

describe('staff sign-in without passwords', () => {
  it('emails a one-time sign-in link to a known staff address', async () => {
    await t.deps.staff.put({ email: 'known@staff.test', name: 'Known', role: 'coordinator', studies: ['demo'] });
    const response = await t.request('POST', '/api/auth/login', { body: { email: 'Known@Staff.test' } });
    expect(response.status).toBe(202);
    const [mail] = await t.inbox('known@staff.test');
    expect(mail?.subject).toBe('Your Timepoint sign-in link');
    expect(mail?.body.text).toMatch(/https:\/\/timepoint\.test\/staff\/sign-in#code=[A-Za-z0-9_-]{43}/);
    expect(mail?.body.html).toContain('Sign in to Timepoint');
  });

  it('answers an unknown address exactly as a known one, and sends nothing', async () => {
    const known = await t.request('POST', '/api/auth/login', { body: { email: 'known@staff.test' } });
    const unknown = await t.request('POST', '/api/auth/login', { body: { email: 'stranger@nowhere.test' } });
    expect(unknown.status).toBe(202);
    expect(await unknown.json()).toEqual(await known.json());
    expect(await t.inbox('stranger@nowhere.test')).toEqual([]);
  });

  it('answers 503 with a clear message, not 500, when the email provider refuses', async () => {
    const { MailerError } = await import('../../functions/core/ports');
    const down = await createTestContext({ mailer: () => ({ send: () => Promise.reject(new MailerError('ServiceUnavailable', true)) }) });
    await down.deps.staff.put({ email: 'known@staff.test', name: 'Known', role: 'coordinator', studies: ['demo'] });
    const response = await down.request('POST', '/api/auth/login', { body: { email: 'known@staff.test' } });
    expect(response.status).toBe(503);
    expect(await response.json()).toMatchObject({ error: { code: 'unavailable', message: expect.stringMatching(/try again/) } });
  });

  it('takes the same time for a known and an unknown address', async () => {
    const timed = await createTestContext({ signInResponseMs: 300 });
    await timed.deps.staff.put({ email: 'known@staff.test', name: 'Known', role: 'coordinator', studies: ['demo'] });
    const time = async (email: string) => {
      const started = performance.now();
      await timed.request('POST', '/api/auth/login', { body: { email } });
      return performance.now() - started;
    };
    for (const email of ['known@staff.test', 'nobody@staff.test']) expect(await time(email)).toBeGreaterThanOrEqual(295);
  });

  it('refuses a malformed address with a 400 naming the field', async () => {
    const response = await t.request('POST', '/api/auth/login', { body: { email: 'not-an-address' } });
    expect(response.status).toBe(400);
    expect(await response.json()).toMatchObject({ error: { code: 'bad_request', field: 'email' } });
  });

  it('exchanges the code for a bearer token, also set as an HttpOnly cookie, carrying the role', async () => {
    await t.deps.staff.put({ email: 'coord@staff.test', name: 'C', role: 'coordinator', studies: ['demo'] });
    await t.request('POST', '/api/auth/login', { body: { email: 'coord@staff.test' } });
    const code = /#code=([\w-]+)/.exec((await t.inbox('coord@staff.test'))[0]!.body.text)![1];
    const response = await t.request('POST', '/api/auth/verify', { body: { code } });
    expect(response.status).toBe(200);
    const body = (await response.json()) as { token: string; role: string };
    expect(body.role).toBe('coordinator');
    expect(body.token).toMatch(/^[\w-]{43}$/);
    const cookie = response.headers.get('set-cookie') ?? '';
    expect(cookie).toContain(`tp_session=${body.token}`);
    expect(cookie).toMatch(/HttpOnly/i);
    expect(cookie).toMatch(/Secure/i);
    expect(cookie).toMatch(/SameSite=Strict/i);

    const me = await t.request('GET', '/api/auth/me', { token: body.token });
    expect(await me.json()).toMatchObject({ email: 'coord@staff.test', role: 'coordinator' });
    // The same code never works twice.
    expect((await t.request('POST', '/api/auth/verify', { body: { code } })).status).toBe(401);
  });

  it('signing out ends the session on the server, not just the cookie', async () => {
    const token = await t.signIn({ email: 'leaver@staff.test', role: 'analyst', studies: ['demo'] });
    expect((await t.request('GET', '/api/auth/me', { token })).status).toBe(200);
    expect((await t.request('POST', '/api/auth/logout', { token })).status).toBe(204);
    expect((await t.request('GET', '/api/auth/me', { token })).status).toBe(401);
  });

  it('rejects a code after its 15 minutes', async () => {
    await t.deps.staff.put({ email: 'late@staff.test', name: 'L', role: 'analyst', studies: ['demo'] });
    await t.request('POST', '/api/auth/login', { body: { email: 'late@staff.test' } });
    const code = /#code=([\w-]+)/.exec((await t.inbox('late@staff.test'))[0]!.body.text)![1];
    t.clock.advance(15 * 60_000 + 1000);
    const response = await t.request('POST', '/api/auth/verify', { body: { code } });
    expect(response.status).toBe(401);
    expect(((await response.json()) as { error: { message: string } }).error.message).toMatch(/expired/);
  });

  it('stores only hashes of sign-in codes and session tokens', async () => {
    const token = await t.signIn({ email: 'hash@staff.test', role: 'analyst', studies: ['demo'] });
    const code = /#code=([\w-]+)/.exec((await t.inbox('hash@staff.test')).at(-1)!.body.text)![1]!;
    const stored = JSON.stringify(await t.scan('research'));
    expect(stored).not.toContain(token);
    expect(stored).not.toContain(code);
  });

  it('turns away requests without a session (401) and roles without the right (403)', async () => {
    expect((await t.request('GET', '/api/auth/me')).status).toBe(401);
    expect((await t.request('GET', '/api/auth/me', { token: 'x'.repeat(43) })).status).toBe(401);
    const analyst = await t.signIn({ email: 'an@staff.test', role: 'analyst', studies: ['demo'] });
    const enrol = await t.request('POST', '/api/studies/demo/participants', { token: analyst, body: { email: 'a@b.test', arm: 'mbpm' } });
    expect(enrol.status).toBe(403);
    const otherStudy = await t.signIn({ email: 'other@staff.test', role: 'coordinator', studies: ['another'] });
    expect((await t.request('GET', '/api/studies/demo/export', { token: otherStudy })).status).toBe(403);
  });
});
