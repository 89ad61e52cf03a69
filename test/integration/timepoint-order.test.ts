import { parse } from 'csv-parse/sync';
import { beforeAll, describe, expect, it } from 'vitest';
import { runDispatch } from '../../functions/use-cases/dispatch';
import { createTestContext, linkToken, type TestContext } from '../helpers/test-context';
import { json, phq9Answers, testStudy, timepoint } from '../helpers/test-studies';

/**
 * A protocol whose timepoints were added out of order: week 12 (84 days after baseline is
 * completed, wait-list only), then week 8, then baseline. Everything a person reads must follow
 * the schedule instead: baseline, week 8, week 12.
 */
const study = testStudy('order', [
  timepoint({ id: 'week12', label: 'Week 12', anchor: 'baseline.completed', offsetDays: 84, arms: ['waitlist'] }),
  timepoint({ id: 'week8', label: 'Week 8', offsetDays: 56, window: { opensDaysBefore: 3, closesDaysAfter: 7 }, arms: ['mbpm', 'waitlist'] }),
  timepoint({ id: 'baseline', label: 'Baseline', arms: ['mbpm', 'waitlist', 'healthy'] }),
]);

let t: TestContext;
let token: string;
let codes: { mbpm: string; waitlist: string };
beforeAll(async () => {
  t = await createTestContext({ study, now: '2026-03-02T10:00:00.000Z', storage: 'memory' });
  const mbpm = await t.enrol({ arm: 'mbpm' }, 'order-m');
  const waitlist = await t.enrol({ arm: 'waitlist' }, 'order-w');
  codes = { mbpm: mbpm.code, waitlist: waitlist.code };
  await runDispatch(t.deps);
  for (const [p, total] of [[mbpm, 12], [waitlist, 11]] as const) {
    const response = await t.request('POST', `/api/p/${linkToken((await t.inbox(p.email)).at(-1))}/submit`, { body: { answers: phq9Answers(total) } });
    expect(response.status).toBe(200);
  }
  await runDispatch(t.deps);
  t.clock.set('2026-04-27T08:00:00.000Z');
  await runDispatch(t.deps);
  for (const [p, total] of [[mbpm, 6], [waitlist, 10]] as const) {
    const mail = (await t.inbox(p.email)).at(-1);
    expect(mail?.subject).toContain('Week 8');
    const response = await t.request('POST', `/api/p/${linkToken(mail)}/submit`, { body: { answers: phq9Answers(total) } });
    expect(response.status).toBe(200);
  }
  await runDispatch(t.deps);
  // Signed in now, eight weeks on (a session lasts hours).
  token = await t.signIn({ email: 'reader@staff.test', role: 'coordinator', studies: ['order'] });
});

const csv = async (query: string) => {
  const response = await t.request('GET', `/api/studies/order/export?${query}`, { token });
  expect(response.status).toBe(200);
  return parse(await response.text(), { columns: true }) as Array<Record<string, string>>;
};

describe('timepoints follow the schedule, not the order they were defined in', () => {
  it('orders the wide export’s columns baseline, week 8, week 12', async () => {
    const response = await t.request('GET', '/api/studies/order/export?format=wide', { token });
    const header = (await response.text()).split('\n')[0]!;
    const timepoints = header.split(',').filter((c) => c.endsWith('_completed_at')).map((c) => c.replace('_completed_at', ''));
    expect(timepoints).toEqual(['baseline', 'week8', 'week12']);
  });

  it('orders each participant’s long and items rows by schedule', async () => {
    expect((await csv('format=long')).filter((r) => r.participant === codes.mbpm).map((r) => r.timepoint)).toEqual(['baseline', 'week8']);
    expect((await csv('format=items')).filter((r) => r.participant === codes.waitlist).map((r) => r.timepoint)).toEqual(['baseline', 'week8', 'week12']);
  });

  it('lists the timepoints in the codebook in schedule order', async () => {
    const timepointColumn = (await csv('format=codebook')).find((r) => r.format === 'long' && r.column === 'timepoint')!;
    expect(timepointColumn.codes).toBe('baseline|week8|week12');
  });

  it('takes the baseline as the first timepoint and defaults the follow-up to the last one the reference arm gets', async () => {
    const summary = await json((await t.request('GET', '/api/studies/order/summary', { token })));
    expect(summary).toMatchObject({ baseline: 'baseline', followup: 'week8', reference: 'mbpm', timepoints: ['baseline', 'week8', 'week12'] });
    const waitlist = await json((await t.request('GET', '/api/studies/order/summary?reference=waitlist', { token })));
    expect(waitlist).toMatchObject({ baseline: 'baseline', followup: 'week12', reference: 'waitlist' });
  });

  it('draws the figure’s x-axis in schedule order', async () => {
    const svg = await (await t.request('GET', '/api/studies/order/summary?format=svg', { token })).text();
    const positions = ['Baseline', 'Week 8', 'Week 12'].map((label) => svg.indexOf(`>${label}<`));
    expect(positions.every((p) => p >= 0)).toBe(true);
    expect([...positions].sort((a, b) => a - b)).toEqual(positions);
  });

  it('orders the dashboard’s completion by schedule', async () => {
    const dashboard = (await json((await t.request('GET', '/api/studies/order/dashboard', { token })))) as { completion: Array<{ arm: string; timepoint: string }> };
    expect(dashboard.completion.filter((c) => c.arm === 'waitlist').map((c) => c.timepoint)).toEqual(['baseline', 'week8', 'week12']);
  });

  it('lists a participant’s timeline in schedule order', async () => {
    const timeline = (await json((await t.request('GET', `/api/studies/order/participants/${codes.waitlist}/schedule`, { token })))) as { instances: Array<{ timepoint: string }> };
    expect(timeline.instances.map((i) => i.timepoint)).toEqual(['baseline', 'week8', 'week12']);
  });
});
