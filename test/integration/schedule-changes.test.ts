import { describe, expect, it } from 'vitest';
import { demoStudy } from '../../functions/demo/demo-study';
import type { Study } from '../../functions/core/study/study';
import { runDispatch } from '../../functions/use-cases/dispatch';
import { recordDeliveryFeedback } from '../../functions/use-cases/record-delivery-feedback';
import { createTestContext, linkToken, type TestContext } from '../helpers/test-context';

const MONDAY_10AM = '2026-03-02T10:00:00.000Z';
const messagesOf = (t: TestContext, code: string) => t.deps.messages.listForParticipant(t.study.id, code);
const find = async (t: TestContext, code: string, timepoint: string, kind: string, n: number) =>
  (await messagesOf(t, code)).find((m) => m.timepoint === timepoint && m.kind === kind && m.n === n)!;
const allAnswers = (phq9Item9 = 0) => ({
  PHQ9_1: 1, PHQ9_2: 1, PHQ9_3: 1, PHQ9_4: 1, PHQ9_5: 1, PHQ9_6: 1, PHQ9_7: 1, PHQ9_8: 1, PHQ9_9: phq9Item9,
  GAD7_1: 1, GAD7_2: 1, GAD7_3: 1, GAD7_4: 1, GAD7_5: 1, GAD7_6: 1, GAD7_7: 1, PEG_1: 5, PEG_2: 5, PEG_3: 5,
});

describe('changes reach unsent messages', () => {
  it('a withdrawal before a reminder cancels it, and the instance, and nothing more is sent', async () => {
    const t = await createTestContext({ now: MONDAY_10AM });
    const { email, code } = await t.invite();
    const response = await t.request('POST', `/api/studies/demo/participants/${code}/withdraw`, { token: await t.coordinator(), body: { reason: 'moved away' } });
    expect(response.status).toBe(200);
    await runDispatch(t.deps);
    expect((await find(t, code, 'baseline', 'reminder', 1))).toMatchObject({ status: 'cancelled', reason: 'participant withdrawn' });
    expect((await find(t, code, 'week8', 'invitation', 0))).toMatchObject({ status: 'cancelled' });
    expect(await t.deps.instances.get('demo', code, 'baseline')).toMatchObject({ status: 'cancelled', endReason: 'participant withdrawn' });
    t.clock.set('2026-05-01T12:00:00.000Z');
    await runDispatch(t.deps);
    expect(await t.inbox(email)).toHaveLength(1);
    // The sent invitation stays in the ledger.
    expect(await find(t, code, 'baseline', 'invitation', 0)).toMatchObject({ status: 'sent' });
    expect((await t.deps.audit.list('study:demo')).find((a) => a.action === 'participant.withdrawn')).toMatchObject({ after: { status: 'withdrawn', reason: 'moved away' } });
  });

  it('a protocol edit, once the participant is migrated to it, moves an unsent reminder (and a preview shows it first)', async () => {
    const t = await createTestContext({ now: MONDAY_10AM });
    const { code } = await t.invite();
    expect(await find(t, code, 'baseline', 'reminder', 1)).toMatchObject({ sendAt: '2026-03-04T09:00:00.000Z' });
    const edited = {
      timepoints: demoStudy.protocol.timepoints.map((tp) => (tp.id === 'baseline' ? { ...tp, reminders: [3, 5] } : tp)),
    };
    const token = await t.coordinator();
    const published = await t.request('PUT', '/api/studies/demo/protocol', { token, body: { protocol: edited } });
    expect(published.status).toBe(201);
    expect(await published.json()).toMatchObject({ protocol: { version: 2 } });

    // Published but not migrated: nothing moves.
    await runDispatch(t.deps);
    expect(await find(t, code, 'baseline', 'reminder', 1)).toMatchObject({ sendAt: '2026-03-04T09:00:00.000Z' });
    const preview = (await (await t.request('GET', `/api/studies/demo/participants/${code}/preview?version=2`, { token })).json()) as { messages: Array<Record<string, unknown>> };
    expect(preview.messages.find((m) => m.kind === 'reminder' && m.n === 1)).toMatchObject({ change: 'moved', sendAt: '2026-03-05T09:00:00.000Z', was: '2026-03-04T09:00:00.000Z' });

    const migration = await t.request('POST', '/api/studies/demo/protocol/migrate', { token, body: { version: 2, codes: [code] } });
    expect(await migration.json()).toEqual({ migrated: [code], unchanged: [] });
    await runDispatch(t.deps);
    expect(await find(t, code, 'baseline', 'reminder', 1)).toMatchObject({ status: 'planned', sendAt: '2026-03-05T09:00:00.000Z' });
    // The sent invitation is untouched.
    expect(await find(t, code, 'baseline', 'invitation', 0)).toMatchObject({ status: 'sent', sendAt: MONDAY_10AM });
  });

  it('refuses an invalid protocol edit naming the field, and publishes nothing', async () => {
    const t = await createTestContext({ now: MONDAY_10AM });
    const bad = { timepoints: [{ ...demoStudy.protocol.timepoints[0]!, sendAt: '25:00' }] };
    const response = await t.request('PUT', '/api/studies/demo/protocol', { token: await t.coordinator(), body: { protocol: bad } });
    expect(response.status).toBe(400);
    expect(await response.json()).toMatchObject({ error: { field: 'protocol.timepoints.0.sendAt' } });
    expect((await t.deps.studies.get('demo'))!.protocol.version).toBe(1);
    expect(await t.deps.studies.getProtocol('demo', 2)).toBeNull();
  });

  it('a time-zone change moves unsent messages to 09:00 in the new zone', async () => {
    const t = await createTestContext({ now: MONDAY_10AM });
    const { code } = await t.invite();
    const response = await t.request('PATCH', `/api/studies/demo/participants/${code}`, { token: await t.coordinator(), body: { timezone: 'America/Chicago' } });
    expect(response.status).toBe(200);
    await runDispatch(t.deps);
    expect(await find(t, code, 'baseline', 'reminder', 1)).toMatchObject({ sendAt: '2026-03-04T15:00:00.000Z' });
    expect(await find(t, code, 'week8', 'invitation', 0)).toMatchObject({ sendAt: '2026-04-27T14:00:00.000Z' });
  });

  it('a time-zone change never takes time away from a window already open: the link keeps working', async () => {
    const t = await createTestContext({ now: MONDAY_10AM });
    const { code, token } = await t.invite();
    const before = await t.deps.instances.get('demo', code, 'baseline');
    await t.request('PATCH', `/api/studies/demo/participants/${code}`, { token: await t.coordinator(), body: { timezone: 'America/Chicago' } });
    await runDispatch(t.deps);
    const after = await t.deps.instances.get('demo', code, 'baseline');
    // The opening stays at London's (earlier); the close moves to Chicago's 09:00 on 9 March (later):
    // CDT by then (US clocks changed on 8 March), so 14:00Z.
    expect(after).toMatchObject({ opensAt: before!.opensAt, closesAt: '2026-03-09T14:00:00.000Z' });
    expect(await (await t.request('GET', `/api/p/${token}`)).json()).toMatchObject({ status: 'open' });
    expect((await t.request('POST', `/api/p/${token}/submit`, { body: { answers: allAnswers() } })).status).toBe(200);
  });

  it('an arm change to healthy controls cancels week 8', async () => {
    const t = await createTestContext({ now: MONDAY_10AM });
    const { code } = await t.invite();
    await t.request('PATCH', `/api/studies/demo/participants/${code}`, { token: await t.coordinator(), body: { arm: 'healthy', reason: 'enrolled in the wrong arm' } });
    await runDispatch(t.deps);
    expect(await find(t, code, 'week8', 'invitation', 0)).toMatchObject({ status: 'cancelled', reason: 'no longer in the protocol for this participant' });
    expect(await t.deps.instances.get('demo', code, 'week8')).toMatchObject({ status: 'cancelled' });
  });

  it('refuses bad edits with a 400 naming the field and changes nothing', async () => {
    const t = await createTestContext({ now: MONDAY_10AM });
    const { code } = await t.invite();
    const before = await t.deps.participants.get('demo', code);
    for (const [body, field] of [[{ arm: 'placebo' }, 'arm'], [{ timezone: 'Nowhere/City' }, 'timezone'], [{}, 'body'], [{ colour: 'red' }, 'body']] as const) {
      const response = await t.request('PATCH', `/api/studies/demo/participants/${code}`, { token: await t.coordinator(), body });
      expect(response.status).toBe(400);
      expect(((await response.json()) as { error: { field: string } }).error.field).toBe(field);
    }
    expect(await t.deps.participants.get('demo', code)).toEqual(before);
  });
});

describe('delivery feedback', () => {
  it('a hard bounce stops reminders to that address and tells the study contacts, once', async () => {
    const t = await createTestContext({ now: MONDAY_10AM });
    const { email, code } = await t.invite();
    const invitation = await find(t, code, 'baseline', 'invitation', 0);
    const bounce = { notificationType: 'Bounce', mail: { messageId: invitation.providerId }, bounce: { bounceType: 'Permanent', bounceSubType: 'NoEmail' } };
    expect(await recordDeliveryFeedback(t.deps, bounce)).toBe('bounced');
    expect(await recordDeliveryFeedback(t.deps, bounce)).toBe('bounced');
    expect((await t.deps.contacts.get('demo', code))?.suppressed).toMatchObject({ reason: 'hard bounce (NoEmail)' });
    expect(await find(t, code, 'baseline', 'invitation', 0)).toMatchObject({ status: 'bounced' });

    await runDispatch(t.deps);
    const notices = await t.inbox('coordinator@example.org');
    expect(notices.filter((m) => m.subject.includes(`emails to participant ${code} have stopped`))).toHaveLength(1);
    t.clock.set('2026-03-04T09:00:30.000Z');
    await runDispatch(t.deps);
    expect(await find(t, code, 'baseline', 'reminder', 1)).toMatchObject({ status: 'skipped', reason: 'address suppressed: hard bounce (NoEmail)' });
    expect(await t.inbox(email)).toHaveLength(1);
  });

  it('records deliveries, ignores soft bounces and unknown messages', async () => {
    const t = await createTestContext({ now: MONDAY_10AM });
    const { code } = await t.invite();
    const { providerId } = await find(t, code, 'baseline', 'invitation', 0);
    expect(await recordDeliveryFeedback(t.deps, { eventType: 'Delivery', mail: { messageId: providerId } })).toBe('delivered');
    expect(await recordDeliveryFeedback(t.deps, { notificationType: 'Bounce', mail: { messageId: providerId }, bounce: { bounceType: 'Transient' } })).toBe('transient-bounce');
    expect(await recordDeliveryFeedback(t.deps, { eventType: 'Delivery', mail: { messageId: 'unknown' } })).toBe('unknown-message');
    expect(await recordDeliveryFeedback(t.deps, { hello: 'world' })).toBe('ignored');
    expect(await find(t, code, 'baseline', 'invitation', 0)).toMatchObject({ status: 'delivered' });
    expect((await t.deps.contacts.get('demo', code))?.suppressed).toBeUndefined();
  });

  it('a complaint stops mail too', async () => {
    const t = await createTestContext({ now: MONDAY_10AM });
    const { code } = await t.invite();
    const { providerId } = await find(t, code, 'baseline', 'invitation', 0);
    expect(await recordDeliveryFeedback(t.deps, { eventType: 'Complaint', mail: { messageId: providerId }, complaint: { complaintFeedbackType: 'abuse' } })).toBe('complained');
    expect((await t.deps.contacts.get('demo', code))?.suppressed?.reason).toBe('spam complaint (abuse)');
  });
});

describe('unsubscribing', () => {
  it('stops reminders for the study but leaves the open questionnaire answerable', async () => {
    const t = await createTestContext({ now: MONDAY_10AM });
    const { email, code, token } = await t.invite();
    const unsubscribeToken = /\/u\/#([\w-]{43})/.exec((await t.inbox(email))[0]!.body.text)![1];
    expect(await (await t.request('GET', `/api/u/${unsubscribeToken}`)).json()).toMatchObject({ unsubscribed: false });
    expect((await t.request('POST', `/api/u/${unsubscribeToken}`, { raw: 'List-Unsubscribe=One-Click' })).status).toBe(200);
    expect((await t.request('POST', `/api/u/${unsubscribeToken}`)).status).toBe(200);
    expect((await t.request('POST', `/api/u/${'x'.repeat(43)}`)).status).toBe(404);
    t.clock.set('2026-03-04T09:00:30.000Z');
    await runDispatch(t.deps);
    expect(await find(t, code, 'baseline', 'reminder', 1)).toMatchObject({ status: 'skipped', reason: 'participant unsubscribed' });
    expect((await t.request('POST', `/api/p/${token}/submit`, { body: { answers: allAnswers() } })).status).toBe(200);
    expect((await t.deps.audit.list('study:demo')).filter((a) => a.action === 'participant.unsubscribed')).toHaveLength(1);
  });
});

describe('windows, completion and alerts', () => {
  it('expires an untouched instance when its window closes; nothing is sent after', async () => {
    const t = await createTestContext({ now: MONDAY_10AM });
    const { email, code } = await t.invite('healthy');
    for (const reminderTime of ['2026-03-04T09:00:30.000Z', '2026-03-07T09:00:30.000Z']) {
      t.clock.set(reminderTime);
      await runDispatch(t.deps);
    }
    t.clock.set('2026-03-09T09:00:00.000Z');
    expect(await runDispatch(t.deps)).toMatchObject({ expired: 1 });
    expect(await t.deps.instances.get('demo', code, 'baseline')).toMatchObject({ status: 'expired', endReason: 'window closed' });
    t.clock.set('2026-03-20T09:00:00.000Z');
    await runDispatch(t.deps);
    // The invitation and two reminders, nothing after.
    expect(await t.inbox(email)).toHaveLength(3);
  });

  it('gives a partly answered instance its grace period to finish after the window closes, then expires it', async () => {
    const t = await createTestContext({ now: MONDAY_10AM });
    const { code, token } = await t.invite('healthy');
    await t.request('PUT', `/api/p/${token}/answers`, { body: { answers: { PHQ9_1: 1 } } });
    t.clock.set('2026-03-09T09:00:00.000Z');
    expect(await runDispatch(t.deps)).toMatchObject({ expired: 0 });
    expect(await t.deps.instances.get('demo', code, 'baseline')).toMatchObject({ status: 'started' });
    // During the grace period the participant can still save and see the form…
    t.clock.set('2026-03-09T20:00:00.000Z');
    expect(await (await t.request('GET', `/api/p/${token}`)).json()).toMatchObject({ status: 'started' });
    expect((await t.request('PUT', `/api/p/${token}/answers`, { body: { answers: { PHQ9_2: 1 } } })).status).toBe(200);
    // …and after it, the link shows the expired state.
    t.clock.set('2026-03-10T09:00:00.000Z');
    expect(await (await t.request('GET', `/api/p/${token}`)).json()).toMatchObject({ status: 'expired' });
    expect(await runDispatch(t.deps)).toMatchObject({ expired: 1 });
    expect(await t.deps.instances.get('demo', code, 'baseline')).toMatchObject({ status: 'expired', endReason: 'grace period ended', answers: { PHQ9_1: 1, PHQ9_2: 1 } });
  });

  it('emails the safety contacts once, within one pass, when PHQ-9 item 9 is 1 or more', async () => {
    const t = await createTestContext({ now: MONDAY_10AM });
    const { code, token } = await t.invite();
    expect((await t.request('POST', `/api/p/${token}/submit`, { body: { answers: allAnswers(2) } })).status).toBe(200);
    await runDispatch(t.deps);
    await runDispatch(t.deps);
    const alerts = (await t.inbox('coordinator@example.org')).filter((m) => m.subject === `Safety alert — ${demoStudy.name}: participant ${code} (baseline)`);
    expect(alerts).toHaveLength(1);
    expect(alerts[0]!.body.text).toContain('PHQ-9 item 9 (thoughts of self-harm) answered 1 or more');
    // Flags, never answers.
    expect(alerts[0]!.body.text).not.toMatch(/PHQ9_\d/);
    expect(await find(t, code, 'baseline', 'alert', 0)).toMatchObject({ status: 'sent' });
  });

  it('nudges the dispatcher as soon as a submission is stored, so an alert goes out at once', async () => {
    const t = await createTestContext({ now: MONDAY_10AM });
    const { token } = await t.invite();
    let nudged = 0;
    t.deps.onScheduleChanged = () => void nudged++;
    await t.request('POST', `/api/p/${token}/submit`, { body: { answers: allAnswers(1) } });
    expect(nudged).toBe(1);
  });

  it('sends no alert for a submission without urgent answers', async () => {
    const t = await createTestContext({ now: MONDAY_10AM });
    const { code, token } = await t.invite();
    await t.request('POST', `/api/p/${token}/submit`, { body: { answers: allAnswers(0) } });
    await runDispatch(t.deps);
    expect((await messagesOf(t, code)).some((m) => m.kind === 'alert')).toBe(false);
  });

  it('starts a timepoint anchored on another one’s completion, counted from the completion day', async () => {
    const anchored: Study = {
      ...demoStudy,
      protocol: { ...demoStudy.protocol, timepoints: demoStudy.protocol.timepoints.map((tp) => (tp.id === 'week8' ? { ...tp, anchor: 'baseline.completed' } : tp)) },
    };
    const t = await createTestContext({ now: MONDAY_10AM, study: anchored });
    const { code, token } = await t.invite();
    expect(await t.deps.instances.get('demo', code, 'week8')).toBeNull();
    t.clock.set('2026-03-05T20:00:00.000Z');
    await t.request('POST', `/api/p/${token}/submit`, { body: { answers: allAnswers() } });
    await runDispatch(t.deps);
    // 56 days after Thursday 5 March (local), at 09:00 BST.
    expect(await find(t, code, 'week8', 'invitation', 0)).toMatchObject({ status: 'planned', sendAt: '2026-04-30T08:00:00.000Z' });
  });
});
