import { beforeAll, describe, expect, it } from 'vitest';
import { commandsDuring } from '../helpers/db-commands';
import { createTestContext, type TestContext } from '../helpers/test-context';

let t: TestContext;
beforeAll(async () => {
  t = await createTestContext({ now: '2026-03-02T10:00:00.000Z' });
});

describe("a link's study, participant and instance", () => {
  it('are read in one BatchGetItem, as the three repositories read them', async () => {
    const { code } = await t.invite();
    const [study, participant, instance] = await Promise.all([t.deps.studies.get('demo'), t.deps.participants.get('demo', code), t.deps.instances.get('demo', code, 'baseline')]);
    let read: Awaited<ReturnType<NonNullable<typeof t.deps.linkTargets>['get']>> | undefined;
    const commands = await commandsDuring(t.db, async () => {
      read = await t.deps.linkTargets!.get('demo', code, 'baseline');
    });
    expect(commands).toEqual(['BatchGetItemCommand']);
    expect(read).toEqual({ study, participant, instance });
    expect(read!.instance).toMatchObject({ code, timepoint: 'baseline', status: 'open' });
  });

  it('are null each where absent', async () => {
    const { code } = await t.invite();
    expect(await t.deps.linkTargets!.get('demo', code, 'no-such-timepoint')).toMatchObject({ study: { id: 'demo' }, participant: { code }, instance: null });
    expect(await t.deps.linkTargets!.get('no-such-study', code, 'baseline')).toEqual({ study: null, participant: null, instance: null });
  });

  it("make a participant's submission six DynamoDB calls: the guessing limit's two, the link, its targets, the completion, its audit entry", async () => {
    const { token } = await t.invite();
    const complete = {
      PHQ9_1: 1, PHQ9_2: 2, PHQ9_3: 1, PHQ9_4: 1, PHQ9_5: 0, PHQ9_6: 1, PHQ9_7: 2, PHQ9_8: 0, PHQ9_9: 0, PHQ9_10: 1,
      GAD7_1: 1, GAD7_2: 1, GAD7_3: 0, GAD7_4: 0, GAD7_5: 2, GAD7_6: 1, GAD7_7: 0,
      PEG_1: 7, PEG_2: 5, PEG_3: 6,
    };
    let status = 0;
    const commands = await commandsDuring(t.db, async () => {
      status = (await t.request('POST', '/api/p/submit', { body: { answers: complete }, link: token })).status;
    });
    expect(status).toBe(200);
    // The guessing limit's count (one increment that returns both windows) and its give-back; the
    // link; its targets; the completion; its audit entry.
    expect(commands.filter((c) => c === 'GetItemCommand')).toHaveLength(1);
    expect(commands.filter((c) => c === 'BatchGetItemCommand')).toHaveLength(1);
    expect(commands.filter((c) => c === 'UpdateItemCommand')).toHaveLength(3);
    expect(commands.filter((c) => c === 'PutItemCommand')).toHaveLength(1);
    expect(commands).toHaveLength(6);
  });
});
