import { beforeAll, describe, expect, it } from 'vitest';
import { runDispatch } from '../../functions/use-cases/dispatch';
import { createTestContext, type TestContext } from '../helpers/test-context';
import { json, testStudy, timepoint } from '../helpers/test-studies';

const baseline = timepoint({ id: 'baseline', label: 'Baseline', arms: ['mbpm', 'waitlist', 'healthy'] });
const week8 = timepoint({ id: 'week8', label: 'Week 8', offsetDays: 56, window: { opensDaysBefore: 3, closesDaysAfter: 7 }, arms: ['mbpm', 'waitlist'] });
const study = testStudy('migrate', [baseline, week8]);

let t: TestContext;
let token: string;
let early: { code: string };
beforeAll(async () => {
  t = await createTestContext({ study, now: '2026-03-02T10:00:00.000Z', storage: 'memory' });
  token = await t.coordinator();
  early = await t.enrol({ arm: 'mbpm' }, 'early');
  await runDispatch(t.deps);
  // Version 2: week 8 moves to week 9 (day 63), and its reminders to days 2 and 4.
  const published = await t.request('PUT', '/api/studies/migrate/protocol', {
    token,
    body: { protocol: { timepoints: [baseline, { ...week8, offsetDays: 63, reminders: [2, 4] }] } },
  });
  expect(published.status).toBe(201);
});

const post = (path: string, body: unknown) => t.request('POST', `/api/studies/migrate/protocol/${path}`, { token, body });

describe('migrating participants to a newer protocol version', () => {
  it('can be previewed and done days after publishing, with other work in between', async () => {
    // Life goes on: a new participant joins on version 2, the dispatcher runs, three days pass.
    await t.enrol({ arm: 'waitlist' }, 'later');
    t.clock.set('2026-03-05T10:00:00.000Z');
    await runDispatch(t.deps);
    token = await t.signIn({ email: 'next-day@staff.test', role: 'coordinator', studies: ['migrate'] });

    const preview = await post('migrate/preview', { version: 2 });
    expect(preview.status).toBe(200);
    const body = await json(preview);
    expect(body).toMatchObject({ version: 2, participants: 1, fromVersions: { 1: 1 } });
    const week8Invitation = body.changes.find((c: { participant: string; timepoint: string; kind: string }) => c.participant === early.code && c.timepoint === 'week8' && c.kind === 'invitation');
    expect(week8Invitation).toMatchObject({ change: 'moved', sendAt: '2026-05-04T08:00:00.000Z', was: '2026-04-27T08:00:00.000Z' });
    // Nothing changed yet.
    expect((await t.deps.participants.get('migrate', early.code))?.protocolVersion).toBe(1);

    const migrated = await post('migrate', { version: 2 });
    expect(await json(migrated)).toEqual({ migrated: [early.code], unchanged: [expect.any(String)] });
    await runDispatch(t.deps);
    const invitation = (await t.deps.messages.listForParticipant('migrate', early.code)).find((m) => m.timepoint === 'week8' && m.kind === 'invitation');
    expect(invitation).toMatchObject({ status: 'planned', sendAt: '2026-05-04T08:00:00.000Z' });
    // Afterwards there is nothing left to move.
    expect(await json((await post('migrate/preview', { version: 2 })))).toMatchObject({ participants: 0, changes: [] });
  });

  it('refuses a version that does not exist, naming the field', async () => {
    const response = await post('migrate/preview', { version: 9 });
    expect(response.status).toBe(400);
    expect((await json(response)).error.field).toBe('version');
  });
});
