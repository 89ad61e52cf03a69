import { beforeAll, describe, expect, it } from 'vitest';
import { demoStudy } from '../../functions/demo/demo-study';
import { createTestContext, type TestContext } from '../helpers/test-context';
import { networkLatency, race, signInFresh, staffPath, tally } from './helpers';

/**
 * Lost writes on shared records, attacked through the public API with truly concurrent requests
 * (reads answering with a network's latency, as in AWS): every change either applies or is
 * refused with 409 naming the conflict, a change that applies is never silently undone by another,
 * and the deployment never loses its last admin.
 */
const RACES = 30;
/** Milliseconds a read of a shared record takes, and the spread of the racing requests' starts. */
const LATENCY = 15;
const SPREAD = 30;
let t: TestContext;
let admin: string;

beforeAll(async () => {
  t = await createTestContext({ now: '2026-03-02T10:00:00.000Z' });
  admin = await signInFresh(t, { email: 'root@records.test', role: 'admin', studies: [] });
});

const { protocol, missingRules: _m, emails: _e, ...studyFields } = demoStudy;
const newStudy = (id: string) => ({ ...studyFields, id, protocol: { timepoints: protocol.timepoints } });

describe('a staff account changed while its owner writes it (creating a study adds it to their list)', () => {
  it(`never loses a demotion: ${RACES} races of a demotion against a study creation by the demoted coordinator`, async () => {
    let lost = 0;
    let bothApplied = 0;
    for (let i = 0; i < RACES; i++) {
      const email = `creator-${i}@records.test`;
      const token = await signInFresh(t, { email, role: 'coordinator', studies: ['demo'] });
      const restore = networkLatency(t, LATENCY);
      const [demotion, creation] = await race(
        () => t.request('PUT', staffPath(email), { token: admin, body: { name: 'Creator', role: 'analyst', studies: ['demo'] } }),
        () => t.request('POST', '/api/studies', { token, body: newStudy(`demoted-${i}`) }),
        SPREAD,
      ).finally(restore);
      expect([200, 409]).toContain(demotion.status);
      expect([201, 401]).toContain(creation.status);
      if (demotion.status === 409) {
        // Refused, and told so: the admin reloads and tries again. Not a lost write.
        expect(await demotion.json()).toMatchObject({ error: { code: 'conflict', message: expect.stringMatching(/changed by someone else meanwhile/) } });
        continue;
      }
      if (creation.status === 201) bothApplied++;
      const after = await t.deps.staff.get(email);
      const stillSignedIn = (await t.request('GET', '/api/auth/me', { token })).status === 200;
      if (after?.role !== 'analyst' || stillSignedIn) lost++;
    }
    tally('demotion vs study creation', lost, RACES);
    expect(lost).toBe(0);
    // The races were real: both requests went through in some of them.
    expect(bothApplied).toBeGreaterThan(0);
  });

  it(`never brings a removed account back: ${RACES} races of a removal against a study creation by the removed coordinator`, async () => {
    let lost = 0;
    for (let i = 0; i < RACES; i++) {
      const email = `leaver-${i}@records.test`;
      const token = await signInFresh(t, { email, role: 'coordinator', studies: ['demo'] });
      const restore = networkLatency(t, LATENCY);
      const [removal, creation] = await race(
        () => t.request('DELETE', staffPath(email), { token: admin }),
        () => t.request('POST', '/api/studies', { token, body: newStudy(`removed-${i}`) }),
        SPREAD,
      ).finally(restore);
      expect([204, 409]).toContain(removal.status);
      expect([201, 401]).toContain(creation.status);
      if (removal.status !== 204) continue;
      const back = (await t.deps.staff.get(email)) !== null;
      const stillSignedIn = (await t.request('GET', '/api/auth/me', { token })).status === 200;
      const listed = ((await (await t.request('GET', '/api/staff', { token: admin })).json()) as { staff: Array<{ email: string }> }).staff.some((s) => s.email === email);
      if (back || stillSignedIn || listed) lost++;
    }
    tally('removal vs study creation', lost, RACES);
    expect(lost).toBe(0);
  });
});

describe('two admins taking the admin role from each other at the same moment', () => {
  /** Makes `a` and `b` the deployment's only admins, signed in. */
  async function onlyAdmins(a: string, b: string): Promise<[string, string]> {
    for (const member of await t.deps.staff.list()) {
      if (member.role === 'admin') await t.deps.staff.put({ ...member, role: 'analyst', studies: [] });
    }
    return [await signInFresh(t, { email: a, role: 'admin', studies: [] }), await signInFresh(t, { email: b, role: 'admin', studies: [] })];
  }
  const admins = async () => (await t.deps.staff.list()).filter((m) => m.role === 'admin').map((m) => m.email);

  it.each([
    ['demote', (email: string) => ['PUT', staffPath(email), { name: 'Former admin', role: 'coordinator', studies: [] }] as const],
    ['remove', (email: string) => ['DELETE', staffPath(email), undefined] as const],
  ])(`never leave the deployment without an admin: ${RACES} races where each tries to %s the other`, async (verb, request) => {
    let lost = 0;
    for (let i = 0; i < RACES; i++) {
      const [a, b] = [`first-${verb}-${i}@records.test`, `second-${verb}-${i}@records.test`];
      const [tokenA, tokenB] = await onlyAdmins(a, b);
      const call = (token: string, target: string) => {
        const [method, path, body] = request(target);
        return t.request(method, path, { token, ...(body ? { body } : {}) });
      };
      const restore = networkLatency(t, LATENCY);
      const [byA, byB] = await race(() => call(tokenA, b), () => call(tokenB, a), SPREAD).finally(restore);
      const succeeded = [byA, byB].filter((r) => r.status < 300).length;
      // One wins; the other is refused (409: the last admin; 403/401: no longer an admin itself).
      expect(succeeded).toBe(1);
      for (const refused of [byA, byB].filter((r) => r.status >= 300)) expect([401, 403, 409]).toContain(refused.status);
      const left = await admins();
      if (left.length === 0) lost++;
      expect(left).toHaveLength(1);
    }
    tally(`admins ${verb} each other`, lost, RACES);
    expect(lost).toBe(0);
  });
});

describe("a study's settings and protocol changed at the same moment", () => {
  let coordinator: string;
  beforeAll(async () => {
    coordinator = await signInFresh(t, { email: 'setup@records.test', role: 'coordinator', studies: ['demo'] });
  });

  it(`never loses a settings change: ${RACES} races of two coordinators changing different settings`, async () => {
    let lost = 0;
    for (let i = 0; i < RACES; i++) {
      const name = `Renamed ${i}`;
      const contacts = [{ name: `Contact ${i}`, email: `contact-${i}@records.test`, safety: true }];
      const restore = networkLatency(t, LATENCY);
      const [rename, recontact] = await race(
        () => t.request('PUT', '/api/studies/demo/settings', { token: coordinator, body: { name } }),
        () => t.request('PUT', '/api/studies/demo/settings', { token: coordinator, body: { contacts } }),
        SPREAD,
      ).finally(restore);
      for (const r of [rename, recontact]) expect([200, 409]).toContain(r.status);
      const study = (await t.deps.studies.get('demo'))!;
      if ((rename.status === 200 && study.name !== name) || (recontact.status === 200 && study.contacts[0]!.email !== contacts[0]!.email)) lost++;
    }
    tally('settings vs settings', lost, RACES);
    expect(lost).toBe(0);
  });

  it(`never loses a publish or a settings change: ${RACES} races of a protocol publish against a settings change`, async () => {
    let lost = 0;
    for (let i = 0; i < RACES; i++) {
      const before = (await t.deps.studies.get('demo'))!.protocol.version;
      const name = `Published ${i}`;
      const restore = networkLatency(t, LATENCY);
      const [publish, rename] = await race(
        () => t.request('PUT', '/api/studies/demo/protocol', { token: coordinator, body: { protocol: { timepoints: protocol.timepoints.map((tp) => ({ ...tp, sendAt: `0${i % 10}:30` })) } } }),
        () => t.request('PUT', '/api/studies/demo/settings', { token: coordinator, body: { name } }),
        SPREAD,
      ).finally(restore);
      expect([201, 409]).toContain(publish.status);
      expect([200, 409]).toContain(rename.status);
      const study = (await t.deps.studies.get('demo'))!;
      if ((publish.status === 201 && study.protocol.version !== before + 1) || (rename.status === 200 && study.name !== name)) lost++;
    }
    tally('publish vs settings', lost, RACES);
    expect(lost).toBe(0);
  });
});

describe("a participant's record edited by two coordinators at the same moment", () => {
  it(`never loses an edit: ${RACES} races of two edits of different anchor dates`, async () => {
    const token = await signInFresh(t, { email: 'editor@records.test', role: 'coordinator', studies: ['demo'] });
    const { code } = await t.enrol({ arm: 'mbpm' }, 'edited');
    let lost = 0;
    let refused = 0;
    for (let i = 0; i < RACES; i++) {
      const day = `2026-04-${String(i + 1).padStart(2, '0')}`;
      const restore = networkLatency(t, LATENCY);
      const [first, second] = await race(
        () => t.request('PATCH', `/api/studies/demo/participants/${code}`, { token, body: { dates: { surgery: day } } }),
        () => t.request('PATCH', `/api/studies/demo/participants/${code}`, { token, body: { dates: { discharge: day } } }),
        SPREAD,
      ).finally(restore);
      for (const r of [first, second]) expect([200, 409]).toContain(r.status);
      refused += [first, second].filter((r) => r.status === 409).length;
      const { dates } = (await t.deps.participants.get('demo', code))!;
      if ((first.status === 200 && dates.surgery !== day) || (second.status === 200 && dates.discharge !== day)) lost++;
    }
    tally('participant edit vs edit', lost, RACES);
    expect(lost).toBe(0);
    // The races were real: some edits overlapped and were refused rather than overwritten.
    expect(refused).toBeGreaterThan(0);
  });

  it('refuses an edit of a record changed since it was read with 409 naming the conflict, changing nothing', async () => {
    const token = await signInFresh(t, { email: 'stale@records.test', role: 'coordinator', studies: ['demo'] });
    const { code } = await t.enrol({ arm: 'mbpm' }, 'stale');
    const read = (await t.deps.participants.get('demo', code))!;
    expect((await t.request('PATCH', `/api/studies/demo/participants/${code}`, { token, body: { dates: { surgery: '2026-04-01' } } })).status).toBe(200);
    // A write based on the record as first read (what a slower request would do) is refused.
    expect(await t.deps.participants.update(read, { ...read, timezone: 'Europe/Paris' }, t.clock.now())).toBe(false);
    expect((await t.deps.participants.get('demo', code))!).toMatchObject({ timezone: 'Europe/London', dates: { surgery: '2026-04-01' } });
    // Through the API: another edit lands between this request's read and its write.
    const { participants } = t.deps;
    let armed = true;
    t.deps.participants = {
      ...participants,
      async get(studyId, c) {
        const found = await participants.get(studyId, c);
        if (armed && c === code && found) {
          armed = false;
          await participants.update(found, { ...found, dates: { ...found.dates, discharge: '2026-04-09' } }, t.clock.now());
        }
        return found;
      },
    };
    const response = await Promise.resolve(t.request('PATCH', `/api/studies/demo/participants/${code}`, { token, body: { timezone: 'Europe/Paris' } })).finally(() => {
      t.deps.participants = participants;
    });
    expect(response.status).toBe(409);
    expect(await response.json()).toMatchObject({ error: { code: 'conflict', message: expect.stringMatching(/changed by someone else meanwhile/) } });
    expect((await t.deps.participants.get('demo', code))!).toMatchObject({ timezone: 'Europe/London', dates: { surgery: '2026-04-01', discharge: '2026-04-09' } });
  });
});
