import { describe, expect, it } from 'vitest';
import { MailerError, type Mailer } from '../../functions/core/ports';
import { runDispatch } from '../../functions/use-cases/dispatch';
import { failNext, SimulatedCrash, spyingMailer } from '../helpers/fault-injection';
import { createTestContext } from '../helpers/test-context';

const MONDAY_10AM = '2026-03-02T10:00:00.000Z';
const minutes = (n: number) => n * 60_000;

describe('sending exactly once', () => {
  it('two dispatchers racing over the same due work send each message once', async () => {
    const t = await createTestContext({ now: MONDAY_10AM });
    const people = [];
    for (let i = 0; i < 6; i++) people.push(await t.enrol({ arm: i % 2 ? 'mbpm' : 'healthy' }, 'race'));
    const reports = await Promise.all([runDispatch(t.deps), runDispatch(t.deps)]);
    expect(reports[0]!.sent + reports[1]!.sent).toBe(6);
    for (const { email } of people) expect(await t.inbox(email)).toHaveLength(1);
    await runDispatch(t.deps);
    for (const { email } of people) expect(await t.inbox(email)).toHaveLength(1);
  });

  it('a dispatcher that dies between claim and send loses nothing: the claim is retried once its lease runs out', async () => {
    const t = await createTestContext({ now: MONDAY_10AM, dispatch: { leaseMs: minutes(10) } });
    const { email, code } = await t.enrol({ arm: 'mbpm' });
    // Link tokens are written (a batch's at once) after the claim and before SES is called: the process dies there.
    const dying = { ...t.deps, links: failNext(t.deps.links, 'putMany', { before: () => { throw new SimulatedCrash('after the claim, before SES'); } }) };
    await expect(runDispatch(dying)).rejects.toThrow(SimulatedCrash);
    expect(await t.inbox(email)).toEqual([]);
    const invitation = () => t.deps.messages.listForParticipant('demo', code).then((ms) => ms.find((m) => m.kind === 'invitation')!);
    expect(await invitation()).toMatchObject({ status: 'claimed', attempts: 1 });

    // Another pass within the lease leaves it alone: the claimant might still be alive.
    t.clock.advance(minutes(5));
    await runDispatch(t.deps);
    expect(await t.inbox(email)).toEqual([]);

    t.clock.advance(minutes(6));
    expect(await runDispatch(t.deps)).toMatchObject({ sent: 1, recovered: 1 });
    expect(await t.inbox(email)).toHaveLength(1);
    expect(await invitation()).toMatchObject({ status: 'sent', attempts: 2 });
  });

  it('a dispatcher that dies between send and record resends only after the lease, with the same Message-ID (the documented window)', async () => {
    let spy!: ReturnType<typeof spyingMailer>;
    const t = await createTestContext({ now: MONDAY_10AM, mailer: (real) => (spy = spyingMailer(real)) });
    const { email, code } = await t.enrol({ arm: 'mbpm' });
    // A send is recorded through its batch's audit (MessageRepository.auditSends): the process dies at that write.
    const crash = { before: (): never => { throw new SimulatedCrash('after SES accepted, before the ledger'); } };
    const dying = { ...t.deps, messages: { ...t.deps.messages, auditSends: async (sends: Parameters<typeof t.deps.messages.auditSends>[0]) => failNext(await t.deps.messages.auditSends(sends), 'markSent', crash) } };
    await expect(runDispatch(dying)).rejects.toThrow(SimulatedCrash);
    expect(await t.inbox(email)).toHaveLength(1);

    await runDispatch(t.deps);
    expect(await t.inbox(email)).toHaveLength(1);
    t.clock.advance(minutes(11));
    await runDispatch(t.deps);
    // The one duplicate this design allows: same ledger message, same Message-ID for the recipient's mail system to fold.
    expect(await t.inbox(email)).toHaveLength(2);
    const toParticipant = spy.sent.filter((e) => e.to.includes(email));
    expect(toParticipant).toHaveLength(2);
    expect(toParticipant[0]!.messageId).toBe(toParticipant[1]!.messageId);
    expect((await t.deps.messages.listForParticipant('demo', code)).find((m) => m.kind === 'invitation')).toMatchObject({ status: 'sent' });
    // And never a third: once recorded, it is history.
    t.clock.advance(minutes(30));
    await runDispatch(t.deps);
    expect(await t.inbox(email)).toHaveLength(2);
  });
});

describe('failures and pacing', () => {
  /** Fails the next `times` participant emails (staff sign-in mail goes through). */
  const failing = (error: Error, times: number) => (real: Mailer): Mailer => {
    let left = times;
    return {
      send: async (email) => (email.to.every((to) => to.endsWith('@participants.test')) && left-- > 0 ? Promise.reject(error) : real.send(email)),
    };
  };

  it('retries a throttled send later with backoff, then sends it', async () => {
    const t = await createTestContext({ now: MONDAY_10AM, mailer: failing(new MailerError('Throttling: Maximum sending rate exceeded.', true), 2), dispatch: { retryDelaysMs: [minutes(1), minutes(5)] } });
    const { email, code } = await t.enrol({ arm: 'mbpm' });
    expect(await runDispatch(t.deps)).toMatchObject({ sent: 0, retried: 1 });
    const invitation = async () => (await t.deps.messages.listForParticipant('demo', code)).find((m) => m.kind === 'invitation')!;
    expect(await invitation()).toMatchObject({ status: 'planned', attempts: 1, reason: expect.stringContaining('Throttling') });
    t.clock.advance(30_000);
    expect(await runDispatch(t.deps)).toMatchObject({ sent: 0, retried: 0 });
    t.clock.advance(31_000);
    expect(await runDispatch(t.deps)).toMatchObject({ retried: 1 });
    t.clock.advance(minutes(5));
    expect(await runDispatch(t.deps)).toMatchObject({ sent: 1 });
    expect(await t.inbox(email)).toHaveLength(1);
    expect(await invitation()).toMatchObject({ status: 'sent', attempts: 3 });
  });

  it('parks a message as failed after the maximum attempts, with the reason visible', async () => {
    const t = await createTestContext({ now: MONDAY_10AM, mailer: failing(new MailerError('ServiceUnavailable', true), 99), dispatch: { maxAttempts: 3, retryDelaysMs: [1000] } });
    const { code } = await t.enrol({ arm: 'mbpm' });
    for (let i = 0; i < 4; i++) {
      await runDispatch(t.deps);
      t.clock.advance(2000);
    }
    expect((await t.deps.messages.listForParticipant('demo', code)).find((m) => m.kind === 'invitation')).toMatchObject({
      status: 'failed',
      attempts: 3,
      reason: 'gave up after 3 attempts: ServiceUnavailable',
    });
  });

  it('does not retry a permanent refusal, and keeps the quoted address out of the ledger', async () => {
    const refusal = new MailerError('MessageRejected: Email address is not verified: someone@participants.test', false);
    const t = await createTestContext({ now: MONDAY_10AM, mailer: failing(refusal, 99) });
    const { code } = await t.enrol({ arm: 'mbpm' });
    expect(await runDispatch(t.deps)).toMatchObject({ failed: 1, retried: 0 });
    expect((await t.deps.messages.listForParticipant('demo', code)).find((m) => m.kind === 'invitation')).toMatchObject({
      status: 'failed',
      reason: 'refused: MessageRejected: Email address is not verified: [email]',
    });
  });

  it('keeps sending batch after batch within one pass until nothing is due', async () => {
    const t = await createTestContext({ now: MONDAY_10AM });
    for (let i = 0; i < 5; i++) await t.enrol({ arm: 'healthy' }, 'batch');
    expect(await runDispatch(t.deps, { limit: 2 })).toMatchObject({ sent: 5 });
  });

  it('leaves the rest for the next pass when its time budget is spent', async () => {
    const t = await createTestContext({ now: MONDAY_10AM, dispatch: { passBudgetMs: 0 } });
    for (let i = 0; i < 3; i++) await t.enrol({ arm: 'healthy' }, 'budget');
    expect((await runDispatch(t.deps)).sent).toBeLessThan(3);
  });

  it('spaces sends to honour the maximum send rate', async () => {
    // Real waiting here: 10 per second means at least 100 ms between the starts of consecutive sends.
    const starts: number[] = [];
    const timed = (real: Mailer): Mailer => ({ send: (email) => (email.to[0]!.endsWith('@participants.test') && starts.push(performance.now()), real.send(email)) });
    const t = await createTestContext({ now: MONDAY_10AM, mailer: timed, dispatch: { maxSendRate: 10, sleep: (ms) => new Promise((r) => setTimeout(r, ms)) } });
    for (let i = 0; i < 4; i++) await t.enrol({ arm: 'healthy' }, 'paced');
    expect(await runDispatch(t.deps)).toMatchObject({ sent: 4 });
    expect(starts).toHaveLength(4);
    // Timers and the two clocks jitter by a millisecond or so; without pacing the gaps would be a few milliseconds.
    for (let i = 1; i < starts.length; i++) expect(starts[i]! - starts[i - 1]!).toBeGreaterThanOrEqual(95);
    expect(starts.at(-1)! - starts[0]!).toBeGreaterThanOrEqual(3 * 100 - 5);
  });

  it('sends participant email as raw MIME with one-click unsubscribe headers and a stable Message-ID', async () => {
    let spy!: ReturnType<typeof spyingMailer>;
    const t = await createTestContext({ now: MONDAY_10AM, mailer: (real) => (spy = spyingMailer(real)) });
    const participant = await t.enrol({ arm: 'mbpm' });
    await runDispatch(t.deps);
    const email = spy.sent.find((e) => e.to.includes(participant.email));
    expect(email!.headers).toEqual({ 'List-Unsubscribe': expect.stringMatching(/^<https:\/\/timepoint\.test\/api\/u\/[\w-]{43}>$/), 'List-Unsubscribe-Post': 'List-Unsubscribe=One-Click' });
    expect(email!.messageId).toMatch(/^<[0-9a-f]{32}@example\.org>$/);
    expect(email!.text).toMatch(/To stop receiving emails from this study: https:\/\/timepoint\.test\/u\/#[\w-]{43}/);
  });
});
