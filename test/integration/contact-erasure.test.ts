import { beforeAll, describe, expect, it } from 'vitest';
import { CONTACT_ERASED } from '../../functions/core/schedule/reconcile';
import { runDispatch } from '../../functions/use-cases/dispatch';
import { createTestContext, type TestContext } from '../helpers/test-context';

/**
 * Erasing a participant's contact details on request: the address goes for good, no email
 * follows, and the pseudonymous research data stays exactly as it was.
 */
const answers = {
  PHQ9_1: 1, PHQ9_2: 2, PHQ9_3: 1, PHQ9_4: 1, PHQ9_5: 0, PHQ9_6: 1, PHQ9_7: 2, PHQ9_8: 0, PHQ9_9: 0, PHQ9_10: 1,
  GAD7_1: 1, GAD7_2: 1, GAD7_3: 0, GAD7_4: 0, GAD7_5: 2, GAD7_6: 1, GAD7_7: 0,
  PEG_1: 7, PEG_2: 5, PEG_3: 6,
};

let t: TestContext;
let token: string;
/** Completed baseline, then erased: their scores must still export. */
let done: { email: string; code: string; token: string };
/** Invited, nothing answered, then erased: reminders and week 8 were still to come. */
let pending: { email: string; code: string; token: string };
const exports: Record<string, string> = {};

const exportAll = async () =>
  Object.fromEntries(
    await Promise.all(
      ['long', 'wide', 'items', 'fhir'].map(async (format) => [format, await (await t.request('GET', `/api/studies/demo/export?format=${format}`, { token })).text()] as const),
    ),
  );
const erase = (code: string, as = token) => t.request('DELETE', `/api/studies/demo/participants/${code}/contact`, { token: as });

beforeAll(async () => {
  t = await createTestContext({ now: '2026-03-02T10:00:00.000Z' });
  token = await t.coordinator();
  done = await t.invite();
  pending = await t.invite();
  expect((await t.request('POST', `/api/p/${done.token}/submit`, { body: { answers } })).status).toBe(200);
  await runDispatch(t.deps);
  Object.assign(exports, await exportAll());
});

describe('erasing contact details', () => {
  it('deletes the contact item and the reservation of the address, cancelling pending mail', async () => {
    const response = await erase(pending.code);
    expect(response.status).toBe(200);
    const body = (await response.json()) as { code: string; contactErasedAt: string; cancelledMessages: number };
    // Baseline reminders (+2 d, +5 d) and the week 8 invitation and reminders were still planned.
    expect(body).toMatchObject({ code: pending.code, contactErasedAt: t.clock.now().toISOString() });
    expect(body.cancelledMessages).toBeGreaterThanOrEqual(3);

    expect(await t.deps.contacts.get('demo', pending.code)).toBeNull();
    const contacts = await t.scan('contacts');
    expect(contacts.filter((item) => item.code === pending.code || item.sk === `CONTACT#${pending.code}`)).toEqual([]);
    expect(JSON.stringify(contacts)).not.toContain(pending.email);
    expect(JSON.stringify(await t.scan('research'))).not.toContain(pending.email);

    const messages = await t.deps.messages.listForParticipant('demo', pending.code);
    expect(messages.filter((m) => m.status === 'planned')).toEqual([]);
    expect(messages.filter((m) => m.status === 'cancelled').every((m) => m.reason === CONTACT_ERASED)).toBe(true);
    // The invitation that went out stays in the ledger: history is not rewritten.
    expect(messages.find((m) => m.kind === 'invitation' && m.timepoint === 'baseline')?.status).toBe('sent');
  });

  it('leaves the research data untouched: every export is byte for byte the same', async () => {
    expect((await erase(done.code)).status).toBe(200);
    expect(await exportAll()).toEqual(exports);
    expect((await t.deps.instances.get('demo', done.code, 'baseline'))?.answers).toEqual(answers);
  });

  it('records one audit entry per erasure, without the address, and is idempotent', async () => {
    const first = (await t.deps.participants.get('demo', pending.code))!.contactErasedAt;
    t.clock.advance(60_000);
    const again = await erase(pending.code);
    expect(again.status).toBe(200);
    expect(await again.json()).toEqual({ code: pending.code, contactErasedAt: first, cancelledMessages: 0 });

    const entries = (await t.deps.audit.list('study:demo')).filter((e) => e.action === 'participant.contact-erased');
    expect(entries.map((e) => e.target).sort()).toEqual([`participant:${done.code}`, `participant:${pending.code}`].sort());
    expect(entries[0]).toMatchObject({ actor: 'staff:coordinator@staff.test' });
    const trail = JSON.stringify(await t.deps.audit.list('study:demo'));
    expect(trail).not.toContain(pending.email);
    expect(trail).not.toContain(done.email);
  });

  it('shows the erasure to coordinators, and refuses to store an address or resend a link afterwards', async () => {
    const timeline = (await (await t.request('GET', `/api/studies/demo/participants/${pending.code}/schedule`, { token })).json()) as {
      contact: unknown;
      participant: { contactErasedAt?: string };
    };
    expect(timeline.contact).toBeNull();
    expect(timeline.participant.contactErasedAt).toBeDefined();

    const patch = await t.request('PATCH', `/api/studies/demo/participants/${pending.code}`, { token, body: { email: t.uniqueEmail('again') } });
    expect(patch.status).toBe(409);
    expect(await patch.json()).toMatchObject({ error: { code: 'conflict', field: 'email' } });
    expect(await t.deps.contacts.get('demo', pending.code)).toBeNull();
    const resend = await t.request('POST', `/api/studies/demo/participants/${pending.code}/resend`, { token, body: { timepoint: 'baseline' } });
    expect(resend.status).toBe(409);
    expect((await t.deps.messages.listForParticipant('demo', pending.code)).filter((m) => m.kind === 'resend')).toEqual([]);
  });

  it('closes the links they were sent (the questionnaire and the unsubscribe link alike): 410 naming only the study, nothing recorded', async () => {
    const link = await t.request('GET', `/api/p/${pending.token}`);
    expect(link.status).toBe(410);
    expect(await link.json()).toEqual({ error: { code: 'gone', message: expect.stringMatching(/replaced .* or closed/), field: 'link', reason: 'link_revoked', study: { name: t.study.name }, language: 'en' } });
    const mail = (await t.inbox(pending.email))[0]!;
    const unsubscribe = /\/u\/#([A-Za-z0-9_-]+)/.exec(mail.body.text)![1]!;
    expect((await t.request('GET', `/api/u/${unsubscribe}`)).status).toBe(410);
    const audit = (await t.deps.audit.list('study:demo')).length;
    expect((await t.request('POST', `/api/u/${unsubscribe}`)).status).toBe(410);
    expect(await t.deps.audit.list('study:demo')).toHaveLength(audit);
  });

  it('answers 404 for an unknown participant and refuses analysts, erasing nothing', async () => {
    expect((await erase('P-9999')).status).toBe(404);
    const analyst = await t.signIn({ email: 'analyst@erasure.test', role: 'analyst', studies: ['demo'] });
    const other = await t.enrol({ arm: 'mbpm' }, 'kept');
    expect((await erase(other.code, analyst)).status).toBe(403);
    expect((await t.deps.contacts.get('demo', other.code))?.email).toBe(other.email);
  });

  it('emails them nothing more, even when reminders and the week 8 invitation come due', async () => {
    const before = [(await t.inbox(done.email)).length, (await t.inbox(pending.email)).length];
    for (const days of [3, 6, 56, 60]) {
      t.clock.set(new Date(Date.parse('2026-03-02T10:00:00.000Z') + days * 86_400_000).toISOString());
      await runDispatch(t.deps);
    }
    expect([(await t.inbox(done.email)).length, (await t.inbox(pending.email)).length]).toEqual(before);
    // A re-plan (e.g. after an edit) does not bring the cancelled mail back.
    await t.deps.participants.requestPlan('demo', done.code, t.clock.now());
    await runDispatch(t.deps);
    const week8 = (await t.deps.messages.listForParticipant('demo', done.code)).filter((m) => m.timepoint === 'week8');
    expect(week8.length).toBeGreaterThan(0);
    expect(week8.every((m) => m.status === 'cancelled')).toBe(true);
  });

  it('has the dispatcher skip, with the reason, a message that was already queued', async () => {
    // As if a coordinator's resend had been queued a moment before the erasure.
    await t.deps.messages.createOnce({ studyId: 'demo', code: pending.code, timepoint: 'baseline', kind: 'resend', n: 9, sendAt: t.clock.now().toISOString() });
    const report = await runDispatch(t.deps);
    expect(report.sent).toBe(0);
    const resend = (await t.deps.messages.listForParticipant('demo', pending.code)).find((m) => m.kind === 'resend' && m.n === 9);
    expect(resend).toMatchObject({ status: 'skipped', reason: CONTACT_ERASED });
  });
});
