import { describe, expect, it } from 'vitest';
import { demoStudy } from '../../functions/demo/demo-study';
import { runDispatch } from '../../functions/use-cases/dispatch';
import { injectFaults, onItem, onPartition, SimulatedCrash } from '../helpers/fault-injection';
import { createTestContext, type TestContext } from '../helpers/test-context';
import { signInFresh, staffPath } from './helpers';

/**
 * Crash gaps: the process killed right after a state change and before its audit entry. Every
 * audited state change is attacked that way (the audit log's write is made to crash), and the
 * next dispatcher pass must leave exactly one entry for it, with the right actor, action and
 * subject. The other way round, a change whose own write never happened must leave none.
 */
const answers = {
  PHQ9_1: 1, PHQ9_2: 2, PHQ9_3: 1, PHQ9_4: 1, PHQ9_5: 0, PHQ9_6: 1, PHQ9_7: 2, PHQ9_8: 0, PHQ9_9: 0, PHQ9_10: 1,
  GAD7_1: 1, GAD7_2: 1, GAD7_3: 0, GAD7_4: 0, GAD7_5: 2, GAD7_6: 1, GAD7_7: 0,
  PEG_1: 7, PEG_2: 5, PEG_3: 6,
};
const COORDINATOR = 'coordinator@staff.test';
const ADMIN = 'admin@crash.test';

interface Case {
  /** Everything before the change (not crashed). */
  setup: (t: TestContext) => Promise<Record<string, string>>;
  /** The change itself; its audit entry's write crashes. */
  change: (t: TestContext, s: Record<string, string>) => unknown;
  /** The entry that must exist once, afterwards: `action actor target`. */
  entry: (s: Record<string, string>) => string;
  scope?: string;
}

const api = (t: TestContext, method: string, path: string, body?: unknown, as?: string) =>
  t.coordinator().then((token) => t.request(method, path, { token: as ?? token, ...(body === undefined ? {} : { body }) }));
const { protocol, missingRules: _m, emails: _e, ...studyFields } = demoStudy;
const invited = async (t: TestContext) => {
  const p = await t.invite();
  return { code: p.code, token: p.token, email: p.email };
};
const staffActor = `staff:${COORDINATOR}`;

const cases: Array<[string, Case]> = [
  ['an enrolment', {
    setup: async (t) => (await t.coordinator(), { email: t.uniqueEmail('crash') }),
    change: (t, s) => api(t, 'POST', '/api/studies/demo/participants', { email: s.email, arm: 'mbpm' }),
    entry: () => `participant.enrolled ${staffActor} participant:P-0001`,
  }],
  ['a participant edit', {
    setup: invited,
    change: (t, s) => api(t, 'PATCH', `/api/studies/demo/participants/${s.code}`, { timezone: 'Europe/Paris' }),
    entry: (s) => `participant.updated ${staffActor} participant:${s.code}`,
  }],
  ['an email correction', {
    setup: invited,
    change: (t, s) => api(t, 'PATCH', `/api/studies/demo/participants/${s.code}`, { email: t.uniqueEmail('corrected') }),
    entry: (s) => `participant.email-changed ${staffActor} participant:${s.code}`,
  }],
  ['a withdrawal', {
    setup: invited,
    change: (t, s) => api(t, 'POST', `/api/studies/demo/participants/${s.code}/withdraw`, {}),
    entry: (s) => `participant.withdrawn ${staffActor} participant:${s.code}`,
  }],
  ['an erasure of contact details', {
    setup: invited,
    change: (t, s) => api(t, 'DELETE', `/api/studies/demo/participants/${s.code}/contact`),
    entry: (s) => `participant.contact-erased ${staffActor} participant:${s.code}`,
  }],
  ['a resend', {
    setup: invited,
    change: (t, s) => api(t, 'POST', `/api/studies/demo/participants/${s.code}/resend`, { timepoint: 'baseline' }),
    entry: (s) => `link.resent ${staffActor} instance:${s.code}/baseline`,
  }],
  ['a first save (the questionnaires started)', {
    setup: invited,
    change: (t, s) => t.request('PUT', `/api/p/${s.token}/answers`, { body: { answers: { PHQ9_1: 1 } } }),
    entry: (s) => `instance.started participant:${s.code} instance:${s.code}/baseline`,
  }],
  ['a completion', {
    setup: invited,
    change: (t, s) => t.request('POST', `/api/p/${s.token}/submit`, { body: { answers } }),
    entry: (s) => `instance.completed participant:${s.code} instance:${s.code}/baseline`,
  }],
  ['an unsubscription', {
    setup: async (t) => {
      const p = await invited(t);
      return { ...p, unsubscribe: /\/u\/#([A-Za-z0-9_-]+)/.exec((await t.inbox(p.email)).at(-1)!.body.text)![1]! };
    },
    change: (t, s) => t.request('POST', `/api/u/${s.unsubscribe}`),
    entry: (s) => `participant.unsubscribed participant:${s.code} participant:${s.code}`,
  }],
  ['a safety alert acknowledged', {
    setup: async (t) => {
      const p = await invited(t);
      expect((await t.request('POST', `/api/p/${p.token}/submit`, { body: { answers: { ...answers, PHQ9_9: 2 } } })).status).toBe(200);
      await runDispatch(t.deps);
      return p;
    },
    change: (t, s) => api(t, 'POST', `/api/studies/demo/alerts/${s.code}/baseline/acknowledge`, { note: 'Called them.' }),
    entry: (s) => `alert.acknowledged ${staffActor} instance:${s.code}/baseline`,
  }],
  ['an email sent by the dispatcher', {
    setup: async (t) => (await t.enrol({ arm: 'mbpm' }, 'sent')),
    change: (t) => runDispatch(t.deps),
    entry: (s) => `message.sent system:dispatcher instance:${s.code}/baseline`,
  }],
  ['an expiry by the dispatcher', {
    setup: async (t) => {
      const p = await invited(t);
      t.clock.advance(8 * 86_400_000);
      return p;
    },
    change: (t) => runDispatch(t.deps),
    entry: (s) => `instance.expired system:dispatcher instance:${s.code}/baseline`,
  }],
  ['a study created', {
    setup: async (t) => (await t.coordinator(), {}),
    change: (t) => api(t, 'POST', '/api/studies', { ...studyFields, id: 'crashed-study', protocol: { timepoints: protocol.timepoints } }),
    entry: () => `study.created ${staffActor} study:crashed-study`,
    scope: 'study:crashed-study',
  }],
  ['study settings changed', {
    setup: async (t) => (await t.coordinator(), {}),
    change: (t) => api(t, 'PUT', '/api/studies/demo/settings', { name: 'Renamed' }),
    entry: () => `study.settings-changed ${staffActor} study:demo`,
  }],
  ['a protocol version published', {
    setup: async (t) => (await t.coordinator(), {}),
    change: (t) => api(t, 'PUT', '/api/studies/demo/protocol', { protocol: { timepoints: protocol.timepoints.map((tp) => ({ ...tp, sendAt: '10:00' })) } }),
    entry: () => `protocol.published ${staffActor} study:demo`,
  }],
  ['a participant moved to a new protocol version', {
    setup: async (t) => {
      const p = await invited(t);
      expect((await api(t, 'PUT', '/api/studies/demo/protocol', { protocol: { timepoints: protocol.timepoints.map((tp) => ({ ...tp, sendAt: '10:00' })) } })).status).toBe(201);
      return p;
    },
    change: (t) => api(t, 'POST', '/api/studies/demo/protocol/migrate', { version: 2 }),
    entry: (s) => `participant.migrated ${staffActor} participant:${s.code}`,
  }],
  ['a staff account created', {
    setup: async (t) => ({ admin: await signInFresh(t, { email: ADMIN, role: 'admin', studies: [] }) }),
    change: (t, s) => t.request('PUT', staffPath('new@crash.test'), { token: s.admin, body: { name: 'New', role: 'analyst', studies: [] } }),
    entry: () => `staff.created staff:${ADMIN} staff:new@crash.test`,
    scope: 'staff',
  }],
  ['a staff account changed', {
    setup: async (t) => {
      await t.deps.staff.put({ email: 'changed@crash.test', name: 'C', role: 'coordinator', studies: ['demo'] });
      return { admin: await signInFresh(t, { email: ADMIN, role: 'admin', studies: [] }) };
    },
    change: (t, s) => t.request('PUT', staffPath('changed@crash.test'), { token: s.admin, body: { name: 'C', role: 'analyst', studies: [] } }),
    entry: () => `staff.changed staff:${ADMIN} staff:changed@crash.test`,
    scope: 'staff',
  }],
  ['a staff account removed', {
    setup: async (t) => {
      await t.deps.staff.put({ email: 'removed@crash.test', name: 'R', role: 'coordinator', studies: ['demo'] });
      return { admin: await signInFresh(t, { email: ADMIN, role: 'admin', studies: [] }) };
    },
    change: (t, s) => t.request('DELETE', staffPath('removed@crash.test'), { token: s.admin }),
    entry: () => `staff.removed staff:${ADMIN} staff:removed@crash.test`,
    scope: 'staff',
  }],
];

const lines = async (t: TestContext, scope: string) => (await t.deps.audit.list(scope)).map((e) => `${e.action} ${e.actor} ${e.target}`);

describe('the process killed between a state change and its audit entry', () => {
  it.each(cases)('%s: the change stands, and the next dispatcher pass writes its entry, once', async (_, c) => {
    const t = await createTestContext({ now: '2026-03-02T10:00:00.000Z' });
    const state = await c.setup(t);
    const scope = c.scope ?? 'study:demo';
    const expected = c.entry(state);
    expect(await lines(t, scope)).not.toContain(expected);

    // The entry's own write: a PutItem, or (the dispatcher's sends) a BatchWriteItem of a batch's entries.
    const crash = injectFaults(t.db.raw, [
      { command: 'PutItemCommand', fault: 'crash', when: onPartition('AUDIT#') },
      { command: 'BatchWriteItemCommand', fault: 'crash', when: (input) => JSON.stringify(input.RequestItems).includes('"pk":"AUDIT#') },
    ]);
    const outcome = await Promise.resolve(c.change(t, state)).catch((error: unknown) => error);
    crash.remove();
    expect(crash.hits).toHaveLength(1);
    // The process "died" at the audit write: over HTTP a 500 (or, where the use case itself checks
    // a failed write and finds its change in place, as an enrolment does, its usual answer); in the
    // dispatcher the error itself.
    if (outcome instanceof Response) expect(outcome.status === 500 || outcome.status < 300).toBe(true);
    else expect(outcome).toBeInstanceOf(SimulatedCrash);
    expect(await lines(t, scope)).not.toContain(expected);

    // The next pass a few minutes on (an in-flight request has long finished or died by then).
    t.clock.advance(6 * 60_000);
    await runDispatch(t.deps);
    expect((await lines(t, scope)).filter((l) => l === expected)).toHaveLength(1);
    // And again: still once.
    t.clock.advance(6 * 60_000);
    await runDispatch(t.deps);
    expect((await lines(t, scope)).filter((l) => l === expected)).toHaveLength(1);
    expect((await t.scan('research')).filter((i) => String(i.pk).startsWith('PENDING_AUDIT#'))).toEqual([]);
  });
});

describe('the process killed before the state change itself', () => {
  it('leaves no audit entry for a change that never happened, and nothing parked', async () => {
    const t = await createTestContext({ now: '2026-03-02T10:00:00.000Z' });
    const { code } = await invited(t);
    const crash = injectFaults(t.db.raw, [{ command: 'UpdateItemCommand', fault: 'crash', when: onItem('PARTICIPANT#') }]);
    const response = await api(t, 'PATCH', `/api/studies/demo/participants/${code}`, { timezone: 'Europe/Paris' });
    crash.remove();
    expect(response.status).toBe(500);
    expect((await t.deps.participants.get('demo', code))?.timezone).toBe('Europe/London');
    // The entry was parked before the write, in case the write happened.
    expect((await t.scan('research')).filter((i) => String(i.pk).startsWith('PENDING_AUDIT#'))).toHaveLength(1);
    t.clock.advance(6 * 60_000);
    await runDispatch(t.deps);
    expect((await lines(t, 'study:demo')).filter((l) => l.startsWith('participant.updated'))).toEqual([]);
    expect((await t.scan('research')).filter((i) => String(i.pk).startsWith('PENDING_AUDIT#'))).toEqual([]);
  });

  it('leaves nothing parked when the write is refused by its condition (a 409)', async () => {
    const t = await createTestContext({ now: '2026-03-02T10:00:00.000Z' });
    const admin = await signInFresh(t, { email: ADMIN, role: 'admin', studies: [] });
    const response = await t.request('PUT', staffPath(ADMIN), { token: admin, body: { name: 'Me', role: 'analyst', studies: [] } });
    expect(response.status).toBe(409);
    const raced = await t.deps.staff.get(ADMIN);
    await t.deps.staff.put({ ...raced!, name: 'Changed meanwhile' });
    expect(await t.deps.staff.replace(raced!, { name: 'Stale', role: 'admin', studies: [] }, { endSessions: false, audit: { id: 'stale', scope: 'staff', at: t.clock.now().toISOString(), actor: 'staff:x', action: 'staff.changed', target: `staff:${ADMIN}` } })).toBeNull();
    expect((await t.scan('research')).filter((i) => String(i.pk).startsWith('PENDING_AUDIT#'))).toEqual([]);
    expect((await lines(t, 'staff')).filter((l) => l.startsWith('staff.changed'))).toEqual([]);
  });
});
