import { beforeAll, describe, expect, it } from 'vitest';
import type { Answers } from '../../functions/core/schedule/records';
import type { Readable } from 'node:stream';
import { runDispatch } from '../../functions/use-cases/dispatch';
import { exportStudy } from '../../functions/use-cases/export-study';
import { injectFaults, onItem, onPartition, SimulatedCrash, type FaultKind } from '../helpers/fault-injection';
import { createTestContext, type TestContext } from '../helpers/test-context';

/**
 * Faults injected inside the real AWS SDK clients (their middleware stacks), under the real
 * repositories and mailer: throttling and timeouts that outlast the SDK's retries, writes whose
 * answer is lost after they took effect (so the SDK repeats them), and the process dying between
 * two writes. Dispatch crash windows at the repository level are in delivery-reliability.test.ts.
 */

const MONDAY_10AM = '2026-03-02T10:00:00.000Z';

const complete: Answers = {
  PHQ9_1: 1, PHQ9_2: 2, PHQ9_3: 1, PHQ9_4: 1, PHQ9_5: 0, PHQ9_6: 1, PHQ9_7: 2, PHQ9_8: 0, PHQ9_9: 0, PHQ9_10: 1,
  GAD7_1: 1, GAD7_2: 1, GAD7_3: 0, GAD7_4: 0, GAD7_5: 2, GAD7_6: 1, GAD7_7: 0,
  PEG_1: 7, PEG_2: 5, PEG_3: 6,
};

const completionAudits = async (t: TestContext, code: string) =>
  (await t.deps.audit.list('study:demo')).filter((e) => e.action === 'instance.completed' && e.target === `instance:${code}/baseline`);

describe('submitting answers while storage fails', () => {
  let t: TestContext;
  beforeAll(async () => {
    t = await createTestContext({ now: MONDAY_10AM });
  });
  const submit = (t: TestContext, token: string, answers: Answers = complete) => t.request('POST', `/api/p/${token}/submit`, { body: { answers } });

  // Every write of the submit path (the completion, then its audit entry), each way it can fail.
  const cases: Array<[string, string, string, FaultKind, 'call' | 'attempt']> = [
    ['the completion write is throttled past the SDK retries', 'UpdateItemCommand', 'INSTANCE#', 'throttle', 'call'],
    ['the completion write times out', 'UpdateItemCommand', 'INSTANCE#', 'timeout', 'call'],
    ['the completion is stored but its answer is lost, so the SDK repeats the write', 'UpdateItemCommand', 'INSTANCE#', 'lost-response', 'attempt'],
    ['the audit entry write is throttled past the SDK retries', 'PutItemCommand', 'AUDIT#', 'throttle', 'call'],
    ['the audit entry is stored but its answer is lost, so the SDK repeats the write', 'PutItemCommand', 'AUDIT#', 'lost-response', 'attempt'],
  ];

  it.each(cases)('%s: the participant may retry; nothing is lost, one completion, one score set, one audit entry', async (_, command, sk, fault, layer) => {
    const { token, code } = await t.invite();
    // Progress saved earlier must survive whatever happens to the submission.
    expect((await t.request('PUT', `/api/p/${token}/answers`, { body: { answers: { PHQ9_1: 1, PHQ9_2: 2 } } })).status).toBe(200);

    const faults = injectFaults(t.db.raw, [{ command, fault, layer, when: sk === 'AUDIT#' ? onPartition('AUDIT#') : onItem(sk) }]);
    const first = await submit(t, token);
    faults.remove();
    expect(faults.hits).toHaveLength(1);
    // Never a bare 500: either it worked, or the participant is told to try again.
    expect([200, 503]).toContain(first.status);
    if (first.status === 503) expect(await first.json()).toMatchObject({ error: { code: 'unavailable', message: expect.stringMatching(/try again/) } });

    const stored = await t.deps.instances.get('demo', code, 'baseline');
    // Either nothing changed (progress still there) or the whole submission is in.
    if (stored!.status !== 'completed') expect(stored!.answers).toEqual({ PHQ9_1: 1, PHQ9_2: 2 });

    const retry = await submit(t, token);
    expect(retry.status).toBe(200);
    const after = await t.deps.instances.get('demo', code, 'baseline');
    expect(after).toMatchObject({ status: 'completed', answers: complete });
    expect(after!.scores!.map((s) => s.instrument)).toEqual(['phq9', 'gad7', 'peg3']);
    expect(await completionAudits(t, code)).toHaveLength(1);
    // A different answer set after completion is still refused: the retry is recognised, not a second submission.
    expect((await submit(t, token, { ...complete, PHQ9_1: 3 })).status).toBe(409);
  });

  it('a progress save that fails leaves the earlier save in place, and its retry merges', async () => {
    const { token, code } = await t.invite();
    await t.request('PUT', `/api/p/${token}/answers`, { body: { answers: { PHQ9_1: 1 } } });
    const faults = injectFaults(t.db.raw, [{ command: 'UpdateItemCommand', when: onItem('INSTANCE#'), fault: 'throttle' }]);
    const failed = await t.request('PUT', `/api/p/${token}/answers`, { body: { answers: { PHQ9_2: 2 } } });
    faults.remove();
    expect(failed.status).toBe(503);
    expect((await t.deps.instances.get('demo', code, 'baseline'))!.answers).toEqual({ PHQ9_1: 1 });
    expect((await t.request('PUT', `/api/p/${token}/answers`, { body: { answers: { PHQ9_2: 2 } } })).status).toBe(200);
    expect((await t.deps.instances.get('demo', code, 'baseline'))!.answers).toEqual({ PHQ9_1: 1, PHQ9_2: 2 });
  });
});

describe('enrolling while storage fails', () => {
  let t: TestContext;
  beforeAll(async () => {
    t = await createTestContext({ now: MONDAY_10AM });
  });
  const enrol = (email: string) => t.request('POST', '/api/studies/demo/participants', { token: coordinatorToken, body: { email, arm: 'mbpm' } });
  let coordinatorToken: string;
  beforeAll(async () => {
    coordinatorToken = await t.coordinator();
  });

  /**
   * The contacts table agrees with the research table: every contact and every email reservation
   * belongs to an enrolled participant, and every participant has a contact — apart from a
   * reservation an enrolment in flight (or just interrupted) holds, which leaves no contact behind.
   */
  const expectConsistent = async (inFlight: string[] = []) => {
    const research = await t.scan('research');
    const contacts = await t.scan('contacts');
    const participants = research.filter((i) => String(i.sk).startsWith('PARTICIPANT#')).map((i) => i.code as string).sort();
    const contactCodes = contacts.filter((i) => String(i.sk).startsWith('CONTACT#')).map((i) => String(i.sk).slice('CONTACT#'.length)).sort();
    const reservations = contacts.filter((i) => String(i.sk).startsWith('EMAIL#')).map((i) => i.code as string);
    expect(contactCodes).toEqual(participants);
    expect(reservations.filter((code) => !participants.includes(code)).every((code) => inFlight.includes(code))).toBe(true);
    expect(participants.every((code) => reservations.includes(code))).toBe(true);
  };

  // Every write of an enrolment, in order: code, email reservation, contact, participant, audit, plan, plan request cleared.
  const writes: Array<[string, string, string]> = [
    ['allocating the code', 'UpdateItemCommand', 'COUNTER#'],
    ['reserving the email', 'PutItemCommand', 'EMAIL#'],
    ['storing the contact', 'UpdateItemCommand', 'CONTACT#'],
    ['creating the participant', 'PutItemCommand', 'PARTICIPANT#'],
    ['auditing the enrolment', 'PutItemCommand', 'AUDIT#'],
    ['planning the first instance', 'UpdateItemCommand', 'INSTANCE#'],
    ['planning the first message', 'UpdateItemCommand', 'MESSAGE#'],
    ['clearing the plan request', 'UpdateItemCommand', 'PARTICIPANT#'],
  ];
  const cases = [
    ...writes.flatMap(([what, command, sk]) => (['throttle', 'crash'] as const).map((fault) => [what, fault, command, sk] as const)),
    // Conditional writes the SDK repeats after they took effect: the repeat's condition fails on our own write.
    ...writes.slice(1, 4).map(([what, command, sk]) => [what, 'lost-response', command, sk] as const),
  ];

  it.each(cases)('%s fails (%s): all or nothing, and a retry enrols them once', async (_, fault, command, sk) => {
    const email = t.uniqueEmail('enrol-fault');
    const faults = injectFaults(t.db.raw, [{ command, fault, layer: fault === 'lost-response' ? 'attempt' : 'call', when: sk === 'AUDIT#' ? onPartition('AUDIT#') : onItem(sk) }]);
    const first = await enrol(email);
    faults.remove();
    expect(faults.hits).toHaveLength(1);
    if (fault === 'throttle' && sk !== 'AUDIT#') {
      // Throttling is the database saying "later": a 503 to try again, never a 500.
      expect(first.status).toBe(503);
      expect(await first.json()).toMatchObject({ error: { code: 'unavailable' } });
    }
    // The audit entry's append, throttled after the participant was created: the enrolment stands
    // (its entry is parked with it and appended by the dispatcher), so the answer is no error.
    if (fault === 'throttle' && sk === 'AUDIT#') expect(first.status).toBe(201);
    const enrolled = await t.deps.contacts.heldBy('demo', email).then((code) => (code === null ? null : t.deps.participants.get('demo', code)));
    // A crash leaves at most the reservation of the enrolment it interrupted; a refused write leaves nothing at all.
    const interrupted = fault === 'crash' && enrolled === null ? [(await t.deps.contacts.heldBy('demo', email)) ?? ''] : [];
    await expectConsistent(interrupted);

    // The coordinator tries again a minute later (the error says so); an interrupted reservation is then taken over.
    t.clock.advance(61_000);
    const retry = await enrol(email);
    // A write whose answer was lost is the enrolment done, not a conflict with itself.
    if (fault === 'lost-response') expect(first.status).toBe(201);
    if (enrolled === null) expect(retry.status).toBe(201);
    else expect(retry.status).toBe(409);
    await expectConsistent();

    // Fully enrolled, once: one plan, one invitation.
    const code = (await t.deps.contacts.heldBy('demo', email))!;
    await runDispatch(t.deps);
    expect(await t.inbox(email)).toHaveLength(1);
    expect((await t.deps.instances.listForParticipant('demo', code)).map((i) => i.timepoint)).toEqual(['baseline', 'week8']);
    t.clock.advance(60_000);
    await runDispatch(t.deps);
    expect(await t.inbox(email)).toHaveLength(1);
  });
});

describe('dispatching while storage and email fail', () => {
  let t: TestContext;
  beforeAll(async () => {
    t = await createTestContext({ now: MONDAY_10AM, dispatch: { retryDelaysMs: [60_000] } });
  });

  /** Three participants with an invitation due now, and how many emails each has had. */
  const dueInvitations = async () => {
    const people: Array<{ email: string; code: string }> = [];
    for (let i = 0; i < 3; i++) people.push(await t.enrol({ arm: 'mbpm' }, 'dispatch-fault'));
    return {
      people,
      received: async () => Promise.all(people.map(async ({ email }) => (await t.inbox(email)).length)),
    };
  };

  const isClaim = (input: Record<string, unknown>) => onItem('MESSAGE#')(input) && String(input.UpdateExpression ?? '').includes('claimedBy');

  const scenarios: Array<[string, Parameters<typeof injectFaults>[1], 'dynamodb' | 'ses']> = [
    ['the due-index read is throttled', [{ command: 'QueryCommand', fault: 'throttle', when: (input) => input.IndexName === 'due' && JSON.stringify(input).includes('DUE#MESSAGE#'), times: 4 }], 'dynamodb'],
    ['the due-index read times out', [{ command: 'QueryCommand', fault: 'timeout', when: (input) => input.IndexName === 'due' && JSON.stringify(input).includes('DUE#MESSAGE#') }], 'dynamodb'],
    ['a claim is throttled', [{ command: 'UpdateItemCommand', fault: 'throttle', when: isClaim, nth: 2 }], 'dynamodb'],
    ['a claim is stored but its answer is lost, so the SDK repeats it', [{ command: 'UpdateItemCommand', fault: 'lost-response', layer: 'attempt', when: isClaim, nth: 2 }], 'dynamodb'],
    ['the batched read after the claims is throttled', [{ command: 'BatchGetItemCommand', fault: 'throttle', when: (input) => JSON.stringify(input).includes('CONTACT#') }], 'dynamodb'],
    ['the batched write of the links is throttled', [{ command: 'BatchWriteItemCommand', fault: 'throttle', when: (input) => JSON.stringify(input).includes('LINK#') }], 'dynamodb'],
    ['SES throttles a send', [{ command: 'SendRawEmailCommand', fault: 'throttle', nth: 2 }], 'ses'],
    ['a send cannot connect to SES (connection timeout)', [{ command: 'SendRawEmailCommand', fault: 'timeout', nth: 2 }], 'ses'],
  ];

  it.each(scenarios)('%s: no email twice, and everything due goes out by the next run', async (_, rules, client) => {
    const { received } = await dueInvitations();
    const faults = injectFaults(client === 'ses' ? t.sesClient : t.db.raw, rules);
    await runDispatch(t.deps).catch((error: Error) => expect(error).not.toBeInstanceOf(SimulatedCrash));
    faults.remove();
    expect(faults.hits.length).toBeGreaterThan(0);
    expect((await received()).every((n) => n <= 1)).toBe(true);

    // The next run, a minute later (a failed send's retry delay): each invitation exactly once.
    t.clock.advance(61_000);
    await runDispatch(t.deps);
    expect(await received()).toEqual([1, 1, 1]);
    t.clock.advance(15 * 60_000);
    await runDispatch(t.deps);
    expect(await received()).toEqual([1, 1, 1]);
  });
});

describe('a send whose answer is lost', () => {
  it('is never sent again: SES may have taken it, so it is parked as failed with the reason (reminders still follow)', async () => {
    const t = await createTestContext({ now: MONDAY_10AM, dispatch: { retryDelaysMs: [60_000] } });
    const { email, code } = await t.enrol({ arm: 'mbpm' }, 'lost-answer');
    const faults = injectFaults(t.sesClient, [{ command: 'SendRawEmailCommand', fault: 'lost-response' }]);
    await runDispatch(t.deps);
    faults.remove();
    expect(faults.hits).toHaveLength(1);
    // SES did take it (the emulator holds it), and only once: the SDK did not repeat it either.
    expect(await t.inbox(email)).toHaveLength(1);

    for (const minutes of [1, 5, 15, 60]) {
      t.clock.advance(minutes * 60_000);
      await runDispatch(t.deps);
    }
    expect(await t.inbox(email)).toHaveLength(1);
    const invitation = (await t.deps.messages.listForParticipant('demo', code)).find((m) => m.kind === 'invitation' && m.timepoint === 'baseline');
    expect(invitation).toMatchObject({ status: 'failed' });
    expect(invitation?.reason).toMatch(/outcome unknown/);
  });
});

describe('exporting while storage fails', () => {
  let t: TestContext;
  beforeAll(async () => {
    t = await createTestContext({ now: MONDAY_10AM });
    // Four participants who completed baseline: four pages of instances at one participant's instances a page.
    for (let i = 0; i < 4; i++) {
      const { token } = await t.invite();
      expect((await t.request('POST', `/api/p/${token}/submit`, { body: { answers: complete } })).status).toBe(200);
    }
  });

  const instancePages = (input: Record<string, unknown>) => (input.ExpressionAttributeValues as Record<string, unknown> | undefined)?.[':prefix'] === 'INSTANCE#';
  const read = async (body: Readable) => {
    let text = '';
    for await (const chunk of body) text += String(chunk);
    return text;
  };

  it.each(['throttle', 'timeout'] as const)('a page read failing mid-export (%s) fails the download; the next export is complete', async (fault) => {
    const clean = await read((await exportStudy(t.deps, 'staff:analyst@staff.test', 'demo', 'long', { pageSize: 2 })).body);
    expect(clean.split('\n').filter((l) => l.includes(',baseline,')).length).toBeGreaterThanOrEqual(4 * 3);

    const faults = injectFaults(t.db.raw, [{ command: 'QueryCommand', fault, when: instancePages, nth: 3 }]);
    const file = await exportStudy(t.deps, 'staff:analyst@staff.test', 'demo', 'long', { pageSize: 2 });
    // The stream ends with the error, so no reader can take the rows so far for the whole file.
    await expect(read(file.body)).rejects.toThrow(/try again/);
    faults.remove();
    expect(faults.hits).toHaveLength(1);

    expect(await read((await exportStudy(t.deps, 'staff:analyst@staff.test', 'demo', 'long', { pageSize: 2 })).body)).toBe(clean);
  });

  it('over HTTP, a failure before the file starts is a 503, and one after it started breaks the download instead of ending it cleanly', async () => {
    const token = await t.signIn({ email: 'analyst@staff.test', role: 'analyst', studies: ['demo'] });
    const download = () => t.request('GET', '/api/studies/demo/export?format=wide', { token });

    const before = injectFaults(t.db.raw, [{ command: 'QueryCommand', fault: 'throttle', when: (input) => (input.ExpressionAttributeValues as Record<string, unknown> | undefined)?.[':prefix'] === 'PARTICIPANT#' }]);
    const refused = await download();
    before.remove();
    expect(refused.status).toBe(503);
    expect(await refused.json()).toMatchObject({ error: { code: 'unavailable' } });

    const during = injectFaults(t.db.raw, [{ command: 'QueryCommand', fault: 'timeout', when: instancePages }]);
    const broken = await download();
    expect(broken.status).toBe(200);
    await expect(broken.text()).rejects.toThrow();
    during.remove();

    const complete = await download();
    expect(complete.status).toBe(200);
    expect((await complete.text()).trim().split('\n')).toHaveLength(1 + 4);
  });
});
