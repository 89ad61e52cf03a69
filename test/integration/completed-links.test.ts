import { beforeAll, describe, expect, it } from 'vitest';
import type { Instance } from '../../functions/core/schedule/records';
import { createTestContext, type TestContext } from '../helpers/test-context';

/**
 * After completion a participant link is good for one thing only: saying so. It can neither
 * change the answers nor read them back (someone else may have the email).
 */
const answers = {
  PHQ9_1: 3, PHQ9_2: 2, PHQ9_3: 1, PHQ9_4: 1, PHQ9_5: 0, PHQ9_6: 1, PHQ9_7: 2, PHQ9_8: 0, PHQ9_9: 0, PHQ9_10: 1,
  GAD7_1: 1, GAD7_2: 1, GAD7_3: 0, GAD7_4: 0, GAD7_5: 2, GAD7_6: 1, GAD7_7: 0,
  PEG_1: 7, PEG_2: 5, PEG_3: 6,
};

let t: TestContext;
let token: string;
let code: string;
let completed: Instance;

beforeAll(async () => {
  t = await createTestContext({ now: '2026-03-02T10:00:00.000Z' });
  ({ token, code } = await t.invite());
  // A save before submitting, so there are draft answers that must not leak either.
  expect((await t.request('PUT', `/api/p/${token}/answers`, { body: { answers: { PHQ9_1: 2 } } })).status).toBe(200);
  expect((await t.request('POST', `/api/p/${token}/submit`, { body: { answers } })).status).toBe(200);
  completed = (await t.deps.instances.get('demo', code, 'baseline'))!;
});

describe('a link whose questionnaires are completed', () => {
  it('shows only the completed state: no forms, no answers, no scores', async () => {
    const response = await t.request('GET', `/api/p/${token}`);
    expect(response.status).toBe(200);
    const view = (await response.json()) as Record<string, unknown>;
    expect(view).toMatchObject({ status: 'completed', instruments: [], answers: {} });
    const text = JSON.stringify(view);
    for (const item of Object.keys(answers)) expect(text).not.toContain(item);
    expect(text).not.toMatch(/scores|"value"/);
  });

  it('refuses to save answers (409) and changes nothing', async () => {
    const response = await t.request('PUT', `/api/p/${token}/answers`, { body: { answers: { PHQ9_1: 0 } } });
    expect(response.status).toBe(409);
    expect(await response.json()).toMatchObject({ error: { code: 'conflict', message: expect.stringMatching(/already been completed/) } });
    expect(await t.deps.instances.get('demo', code, 'baseline')).toEqual(completed);
  });

  it('refuses other answers (409) and changes nothing', async () => {
    const response = await t.request('POST', `/api/p/${token}/submit`, { body: { answers: { ...answers, PHQ9_1: 0, PEG_1: 0 } } });
    expect(response.status).toBe(409);
    expect(await t.deps.instances.get('demo', code, 'baseline')).toEqual(completed);
  });

  it('stays that way after the window has closed', async () => {
    t.clock.set('2026-04-01T10:00:00.000Z');
    expect(await (await t.request('GET', `/api/p/${token}`)).json()).toMatchObject({ status: 'completed', instruments: [], answers: {} });
    expect((await t.request('PUT', `/api/p/${token}/answers`, { body: { answers: { PHQ9_1: 0 } } })).status).toBe(409);
    expect(await t.deps.instances.get('demo', code, 'baseline')).toEqual(completed);
  });
});
