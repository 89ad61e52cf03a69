import { beforeAll, describe, expect, it } from 'vitest';
import { SESSION_HOURS } from '../../functions/core/auth/staff';
import { researchTable } from '../../functions/adapters/dynamodb/table-definitions';
import { createTestContext, type TestContext } from '../helpers/test-context';

/** Staff accounts end when an admin says so, sessions end on their own, and sign-in codes work once. */
let t: TestContext;
let admin: string;

beforeAll(async () => {
  t = await createTestContext({ now: '2026-03-02T10:00:00.000Z' });
  admin = await t.signIn({ email: 'root@accounts.test', role: 'admin', studies: [] });
});

const staffPath = (email: string) => `/api/staff/${encodeURIComponent(email)}`;
const codeIn = async (email: string) => /#code=([\w-]+)/.exec((await t.inbox(email)).at(-1)!.body.text)![1]!;

describe('what admins see of staff accounts', () => {
  it('shows each account\'s address, name, role and studies, never its session bookkeeping or storage revision', async () => {
    await t.signIn({ email: 'listed@accounts.test', role: 'coordinator', studies: ['demo'] });
    const put = await t.request('PUT', staffPath('listed@accounts.test'), { token: admin, body: { name: 'Listed', role: 'analyst', studies: ['demo'] } });
    expect(put.status).toBe(200);
    const views = [((await put.json()) as { member: object }).member, ...((await (await t.request('GET', '/api/staff', { token: admin })).json()) as { staff: object[] }).staff];
    // The stored account does carry them (the demotion ended its sessions): they are left out, not absent.
    expect(await t.deps.staff.get('listed@accounts.test')).toMatchObject({ sessionEpoch: expect.any(Number), version: expect.any(Number) });
    expect(views.length).toBeGreaterThan(2);
    for (const view of views) expect(Object.keys(view).sort()).toEqual(['email', 'name', 'role', 'studies']);
    expect(views[0]).toEqual({ email: 'listed@accounts.test', name: 'Listed', role: 'analyst', studies: ['demo'] });
  });
});

describe('removing a staff account', () => {
  it('ends every session of the account at once, bearer and cookie alike, and audits the removal', async () => {
    const token = await t.signIn({ email: 'leaver@accounts.test', role: 'coordinator', studies: ['demo'] });
    expect((await t.request('GET', '/api/studies/demo/participants', { token })).status).toBe(200);

    expect((await t.request('DELETE', staffPath('leaver@accounts.test'), { token: admin })).status).toBe(204);

    expect((await t.request('GET', '/api/studies/demo/participants', { token })).status).toBe(401);
    const byCookie = await t.app.request('/api/auth/me', { headers: { cookie: `tp_session=${token}` } });
    expect(byCookie.status).toBe(401);
    const list = (await (await t.request('GET', '/api/staff', { token: admin })).json()) as { staff: Array<{ email: string }> };
    expect(list.staff.map((s) => s.email)).not.toContain('leaver@accounts.test');
    const [entry] = (await t.deps.audit.list('staff')).filter((e) => e.action === 'staff.removed');
    expect(entry).toMatchObject({ actor: 'staff:root@accounts.test', target: 'staff:leaver@accounts.test', before: { role: 'coordinator' } });
  });

  it('sends a removed account no sign-in link, and refuses a code it was sent before', async () => {
    await t.deps.staff.put({ email: 'pending@accounts.test', name: 'P', role: 'analyst', studies: ['demo'] });
    await t.request('POST', '/api/auth/login', { body: { email: 'pending@accounts.test' } });
    const code = await codeIn('pending@accounts.test');
    await t.request('DELETE', staffPath('pending@accounts.test'), { token: admin });

    expect((await t.request('POST', '/api/auth/verify', { body: { code } })).status).toBe(401);
    const before = (await t.inbox('pending@accounts.test')).length;
    expect((await t.request('POST', '/api/auth/login', { body: { email: 'pending@accounts.test' } })).status).toBe(202);
    expect(await t.inbox('pending@accounts.test')).toHaveLength(before);
  });

  it('does not bring old sessions back when the account is created again', async () => {
    const old = await t.signIn({ email: 'returning@accounts.test', role: 'coordinator', studies: ['demo'] });
    await t.request('DELETE', staffPath('returning@accounts.test'), { token: admin });
    t.clock.advance(60_000);
    const recreate = await t.request('PUT', staffPath('returning@accounts.test'), { token: admin, body: { name: 'Back', role: 'coordinator', studies: ['demo'] } });
    expect(recreate.status).toBe(200);

    expect((await t.request('GET', '/api/auth/me', { token: old })).status).toBe(401);
    // A fresh sign-in works as usual.
    await t.request('POST', '/api/auth/login', { body: { email: 'returning@accounts.test' } });
    const verify = await t.request('POST', '/api/auth/verify', { body: { code: await codeIn('returning@accounts.test') } });
    const { token } = (await verify.json()) as { token: string };
    expect((await t.request('GET', '/api/auth/me', { token })).status).toBe(200);
  });

  it('never leaves the deployment without an admin: no removing or demoting yourself', async () => {
    const self = await t.request('DELETE', staffPath('root@accounts.test'), { token: admin });
    expect(self.status).toBe(409);
    expect(await self.json()).toMatchObject({ error: { field: 'email', message: expect.stringMatching(/your own account/) } });
    const demote = await t.request('PUT', staffPath('root@accounts.test'), { token: admin, body: { name: 'Root', role: 'analyst', studies: [] } });
    expect(demote.status).toBe(409);
    expect((await t.deps.staff.get('root@accounts.test'))?.role).toBe('admin');
  });

  it('answers 404 for an unknown account and 400 for something that is not an address, changing nothing', async () => {
    const audit = (await t.deps.audit.list('staff')).length;
    expect((await t.request('DELETE', staffPath('nobody@accounts.test'), { token: admin })).status).toBe(404);
    const bad = await t.request('DELETE', staffPath('not-an-address'), { token: admin });
    expect(bad.status).toBe(400);
    expect(await bad.json()).toMatchObject({ error: { field: 'email' } });
    expect(await t.deps.audit.list('staff')).toHaveLength(audit);
  });

  it('ends a demoted account\'s sessions on the very next request; signed in again, it has the new role', async () => {
    const token = await t.signIn({ email: 'demoted@accounts.test', role: 'coordinator', studies: ['demo'] });
    await t.request('PUT', staffPath('demoted@accounts.test'), { token: admin, body: { name: 'D', role: 'analyst', studies: ['demo'] } });
    const enrol = await t.request('POST', '/api/studies/demo/participants', { token, body: { email: t.uniqueEmail('demoted'), arm: 'mbpm' } });
    expect(enrol.status).toBe(401);
    expect(await enrol.json()).toMatchObject({ error: { message: expect.stringMatching(/session has ended/) } });
    const again = await t.signIn({ email: 'demoted@accounts.test', role: 'analyst', studies: ['demo'] });
    expect((await t.request('POST', '/api/studies/demo/participants', { token: again, body: { email: t.uniqueEmail('demoted'), arm: 'mbpm' } })).status).toBe(403);
  });
});

describe('sessions and sign-in codes expire', () => {
  it(`ends a session after ${SESSION_HOURS} hours, however it is presented`, async () => {
    const token = await t.signIn({ email: 'long-day@accounts.test', role: 'analyst', studies: ['demo'] });
    t.clock.advance(SESSION_HOURS * 3_600_000 - 1000);
    expect((await t.request('GET', '/api/auth/me', { token })).status).toBe(200);
    t.clock.advance(1000);
    expect((await t.request('GET', '/api/auth/me', { token })).status).toBe(401);
    expect((await t.app.request('/api/auth/me', { headers: { cookie: `tp_session=${token}` } })).status).toBe(401);
  });

  it('stores sessions and codes with an expiry the table deletes them by (DynamoDB TTL)', async () => {
    await t.signIn({ email: 'ttl@accounts.test', role: 'analyst', studies: ['demo'] });
    const items = await t.scan('research');
    const now = t.clock.now().getTime() / 1000;
    const sessions = items.filter((i) => i.type === 'session' && i.email === 'ttl@accounts.test');
    const codes = items.filter((i) => i.type === 'sign-in-code' && i.email === 'ttl@accounts.test');
    expect(researchTable.timeToLiveAttribute).toBe('expiresAtEpoch');
    expect(sessions).toHaveLength(1);
    expect(sessions[0]!.expiresAtEpoch).toBe(Math.floor(now + SESSION_HOURS * 3600));
    expect(codes).toHaveLength(1);
    expect(codes[0]!.expiresAtEpoch).toBe(Math.floor(now + 15 * 60));
  });

  it('accepts a code within its 15 minutes, exactly once, even when two tabs race to use it', async () => {
    await t.deps.staff.put({ email: 'race@accounts.test', name: 'R', role: 'analyst', studies: ['demo'] });
    await t.request('POST', '/api/auth/login', { body: { email: 'race@accounts.test' } });
    const code = await codeIn('race@accounts.test');
    t.clock.advance(15 * 60_000 - 1000);
    const results = await Promise.all([1, 2, 3].map(() => t.request('POST', '/api/auth/verify', { body: { code } })));
    expect(results.map((r) => r.status).sort()).toEqual([200, 401, 401]);
  });
});
