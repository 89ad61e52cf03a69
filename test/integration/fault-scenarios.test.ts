import { beforeAll, describe, expect, it } from 'vitest';
import type { Answers } from '../../functions/core/schedule/records';
import { runDispatch } from '../../functions/use-cases/dispatch';
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
