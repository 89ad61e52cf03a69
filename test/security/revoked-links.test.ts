import { beforeAll, describe, expect, it } from 'vitest';
import type { InstanceRepository } from '../../functions/core/ports';
import { runDispatch } from '../../functions/use-cases/dispatch';
import { createTestContext, linkToken, type TestContext } from '../helpers/test-context';

/**
 * Participant links that outlive the person they were for. Each of the four actions that must
 * revoke a participant's links (an email correction, a resend, a withdrawal, an erasure of contact
 * details) is followed by an attacker replaying the old links: opening the form, reading the saved
 * draft, saving, submitting an answer that would raise a safety alert, unsubscribing. Every replay
 * must be refused with 410, reveal nothing but the study's name, and change nothing.
 */
const complete = {
  PHQ9_1: 1, PHQ9_2: 2, PHQ9_3: 1, PHQ9_4: 1, PHQ9_5: 0, PHQ9_6: 1, PHQ9_7: 2, PHQ9_8: 0, PHQ9_9: 0, PHQ9_10: 1,
  GAD7_1: 1, GAD7_2: 1, GAD7_3: 0, GAD7_4: 0, GAD7_5: 2, GAD7_6: 1, GAD7_7: 0,
  PEG_1: 7, PEG_2: 5, PEG_3: 6,
};
/** PHQ-9 item 9 ≥ 1 emails the study's safety contacts: a false one is what an attacker could cause. */
const urgent = { ...complete, PHQ9_9: 3 };
const draft = { PHQ9_1: 3, PHQ9_2: 3 };

let t: TestContext;
let token: string;

beforeAll(async () => {
  t = await createTestContext({ now: '2026-03-02T10:00:00.000Z' });
  token = await t.coordinator();
});

const unsubscribeToken = async (email: string) => /\/u\/#([A-Za-z0-9_-]+)/.exec((await t.inbox(email)).at(-1)!.body.text)![1]!;
const alerts = async (code: string) => (await t.deps.messages.listForParticipant('demo', code)).filter((m) => m.kind === 'alert');

type Action = (p: { code: string; email: string }) => Response | Promise<Response>;
const actions: Array<[string, Action, { freshLinkTo: 'new address' | 'same address' | null }]> = [
  ['an email correction', (p) => t.request('PATCH', `/api/studies/demo/participants/${p.code}`, { token, body: { email: t.uniqueEmail('corrected') } }), { freshLinkTo: 'new address' }],
  ['a resend', (p) => t.request('POST', `/api/studies/demo/participants/${p.code}/resend`, { token, body: { timepoint: 'baseline' } }), { freshLinkTo: 'same address' }],
  ['a withdrawal', (p) => t.request('POST', `/api/studies/demo/participants/${p.code}/withdraw`, { token, body: { reason: 'asked to stop' } }), { freshLinkTo: null }],
  ['an erasure of contact details', (p) => t.request('DELETE', `/api/studies/demo/participants/${p.code}/contact`, { token }), { freshLinkTo: null }],
];

describe.each(actions)('after %s, every earlier link of the participant', (_, act, { freshLinkTo }) => {
  let participant: Awaited<ReturnType<TestContext['invite']>>;
  let unsubscribe: string;
  let replays = 0;
  let changed = 0;

  beforeAll(async () => {
    participant = await t.invite();
    unsubscribe = await unsubscribeToken(participant.email);
    // The participant saved a draft through the link before it was revoked.
    expect((await t.request('PUT', `/api/p/${participant.token}/answers`, { body: { answers: draft } })).status).toBe(200);
    const response = await act(participant);
    expect(response.status).toBeLessThan(300);
  });

  it('opens nothing: 410 with only the study name, no answers, no draft, no study wording', async () => {
    const response = await t.request('GET', `/api/p/${participant.token}`);
    replays++;
    expect(response.status).toBe(410);
    const body = await response.json();
    expect(body).toEqual({
      error: { code: 'gone', message: expect.stringMatching(/replaced by a newer one or closed/), field: 'link', reason: 'link_revoked', study: { name: t.study.name }, language: 'en' },
    });
    const text = JSON.stringify(body);
    for (const hidden of ['PHQ9', 'answers', 'Baseline', 'instruments', 'coordinator@example.org', participant.code]) expect(text).not.toContain(hidden);
  });

  it('saves nothing: a replayed save is 410 and the draft stays as it was', async () => {
    const before = await t.deps.instances.get('demo', participant.code, 'baseline');
    for (let i = 0; i < 5; i++) {
      const response = await t.request('PUT', `/api/p/${participant.token}/answers`, { body: { answers: { PHQ9_3: i } } });
      replays++;
      expect(response.status).toBe(410);
    }
    const after = await t.deps.instances.get('demo', participant.code, 'baseline');
    if (JSON.stringify(after?.answers) !== JSON.stringify(before?.answers) || after?.progressRevision !== before?.progressRevision) changed++;
    expect(after?.answers).toEqual(draft);
  });

  it('submits nothing and so raises no false safety alert, however often it is replayed', async () => {
    for (let i = 0; i < 5; i++) {
      const response = await t.request('POST', `/api/p/${participant.token}/submit`, { body: { answers: urgent } });
      replays++;
      expect(response.status).toBe(410);
      expect(JSON.stringify(await response.json())).not.toContain('PHQ9');
    }
    await runDispatch(t.deps);
    const instance = await t.deps.instances.get('demo', participant.code, 'baseline');
    if (instance?.status === 'completed' || (await alerts(participant.code)).length > 0) changed++;
    expect(instance?.status).not.toBe('completed');
    expect(await alerts(participant.code)).toEqual([]);
  });

  it('cannot stop the emails either: the old unsubscribe link is 410 and unsubscribes no one', async () => {
    for (const method of ['GET', 'POST']) {
      const response = await t.request(method, `/api/u/${unsubscribe}`);
      replays++;
      expect(response.status).toBe(410);
    }
    const contact = await t.deps.contacts.get('demo', participant.code);
    if (contact?.unsubscribedAt) changed++;
    expect(contact?.unsubscribedAt).toBeUndefined();
    console.log(`revoked links after ${_}: ${changed} of ${replays} replayed requests changed anything`);
    expect(changed).toBe(0);
  });

  it(freshLinkTo === null ? 'is replaced by nothing: no more email goes to them' : 'is replaced by a fresh link that works, resumes the draft and says it replaces the earlier ones', async () => {
    await runDispatch(t.deps);
    if (freshLinkTo === null) {
      expect(await t.inbox(participant.email)).toHaveLength(1);
      return;
    }
    const contact = (await t.deps.contacts.get('demo', participant.code))!;
    const fresh = (await t.inbox(contact.email)).at(-1)!;
    expect(fresh.subject).toMatch(/your link again/);
    expect(fresh.body.text).toMatch(/replaces the ones we sent you before: they no longer work/);
    const freshToken = linkToken(fresh)!;
    expect(freshToken).not.toBe(participant.token);
    const opened = await t.request('GET', `/api/p/${freshToken}`);
    expect(opened.status).toBe(200);
    expect(await opened.json()).toMatchObject({ status: 'started', answers: draft });
    if (freshLinkTo === 'new address') {
      // The old address got nothing more: whoever reads it has no working link at all.
      expect((await t.inbox(participant.email)).length).toBe(1);
    }
    expect((await t.request('POST', `/api/p/${freshToken}/submit`, { body: { answers: complete } })).status).toBe(200);
  });
});

describe('a link revoked while a request through it is under way', () => {
  /** Runs `revoke` just after the next look-up of the participant's instance (alone, or with the link's other targets), i.e. after the link was checked and before anything is written. */
  function revokeMidRequest(code: string, revoke: () => Response | Promise<Response>) {
    const real = t.deps.instances;
    let armed = true;
    const wrapped: InstanceRepository = {
      ...real,
      async get(studyId, c, timepoint) {
        const instance = await real.get(studyId, c, timepoint);
        if (armed && c === code) {
          armed = false;
          expect((await revoke()).status).toBeLessThan(300);
        }
        return instance;
      },
    };
    t.deps.instances = wrapped;
    // A link's look-up reads its instance with its study and participant, in one batch.
    const realTargets = t.deps.linkTargets!;
    t.deps.linkTargets = {
      async get(studyId, c, timepoint) {
        const targets = await realTargets.get(studyId, c, timepoint);
        if (armed && c === code) {
          armed = false;
          expect((await revoke()).status).toBeLessThan(300);
        }
        return targets;
      },
    };
    return () => {
      t.deps.instances = real;
      t.deps.linkTargets = realTargets;
    };
  }

  it('stores no submission (so raises no alert) when the participant is withdrawn between the check and the write', async () => {
    const participant = await t.invite();
    const restore = revokeMidRequest(participant.code, () => t.request('POST', `/api/studies/demo/participants/${participant.code}/withdraw`, { token, body: {} }));
    const response = await Promise.resolve(t.request('POST', `/api/p/${participant.token}/submit`, { body: { answers: urgent } })).finally(restore);
    expect(response.status).toBe(410);
    await runDispatch(t.deps);
    expect((await t.deps.instances.get('demo', participant.code, 'baseline'))?.status).not.toBe('completed');
    expect(await alerts(participant.code)).toEqual([]);
  });

  it('stores no save when a resend replaces the link between the check and the write', async () => {
    const participant = await t.invite();
    const restore = revokeMidRequest(participant.code, () => t.request('POST', `/api/studies/demo/participants/${participant.code}/resend`, { token, body: { timepoint: 'baseline' } }));
    const response = await Promise.resolve(t.request('PUT', `/api/p/${participant.token}/answers`, { body: { answers: draft } })).finally(restore);
    expect(response.status).toBe(410);
    expect((await t.deps.instances.get('demo', participant.code, 'baseline'))?.answers).toBeUndefined();
  });
});

describe('links minted before and after', () => {
  it('only the revoking actions revoke: a reminder adds a link without taking the invitation link away', async () => {
    const participant = await t.invite();
    t.clock.advance(2 * 86_400_000);
    await runDispatch(t.deps);
    const [invitation, reminder] = await t.inbox(participant.email);
    expect(reminder?.subject).toMatch(/Reminder/);
    expect((await t.request('GET', `/api/p/${linkToken(invitation)}`)).status).toBe(200);
    expect((await t.request('GET', `/api/p/${linkToken(reminder)}`)).status).toBe(200);
    t.clock.set('2026-03-02T10:00:00.000Z');
  });
});
