import { beforeAll, describe, expect, it } from 'vitest';
import { runDispatch } from '../../functions/use-cases/dispatch';
import { createTestContext, type TestContext } from '../helpers/test-context';
import { json, phq9Answers, testStudy, timepoint } from '../helpers/test-studies';

const study = testStudy('preview', [
  timepoint({ id: 'baseline', label: 'Baseline', labels: { fr: 'Inclusion' }, arms: ['mbpm', 'waitlist', 'healthy'], instruments: [{ id: 'phq9', version: '1.0' }, { id: 'peg3', version: '1.0' }] }),
  timepoint({ id: 'week8', label: 'Week 8', offsetDays: 56, arms: ['mbpm', 'waitlist'] }),
]);
const pegAnswers = { PEG_1: 4, PEG_2: 5, PEG_3: 6 };

/** Every key path of a JSON value (array positions collapsed), to compare two bodies' shapes. */
const shape = (value: unknown, path = ''): string[] => {
  if (Array.isArray(value)) return [`${path}[]`, ...value.flatMap((v) => shape(v, `${path}[]`))];
  if (value !== null && typeof value === 'object') return Object.entries(value).flatMap(([k, v]) => [`${path}.${k}`, ...shape(v, `${path}.${k}`)]);
  return [];
};
const sortedUnique = (paths: string[]) => [...new Set(paths)].sort();

let t: TestContext;
let token: string;
beforeAll(async () => {
  t = await createTestContext({ study });
  token = await t.coordinator();
});

const preview = (query: string, as = token) => t.request('GET', `/api/studies/preview/preview?${query}`, { token: as });
const score = (query: string, answers: Record<string, unknown>) => t.request('POST', `/api/studies/preview/preview/score?${query}`, { token, body: { answers } });

describe('previewing a timepoint as the participant would see it', () => {
  it('returns exactly the body a participant’s link returns, battery and all', async () => {
    const participant = await t.invite('mbpm');
    const link = await json((await t.request('GET', `/api/p/${participant.token}`)));
    const response = await preview('timepoint=baseline&arm=mbpm');
    expect(response.status).toBe(200);
    const body = await json(response);
    expect(sortedUnique(shape(body))).toEqual(sortedUnique(shape(link)));
    expect(body).toMatchObject({ status: 'open', language: 'en', timepoint: { id: 'baseline', label: 'Baseline' }, answers: {}, missingText: [] });
    expect(body.instruments).toEqual(link.instruments);
  });

  it('shows it in the language asked for (the timepoint’s label, and the page language)', async () => {
    const body = await json((await preview('timepoint=baseline&language=fr')));
    expect(body).toMatchObject({ language: 'fr', timepoint: { label: 'Inclusion' } });
  });

  it('stores nothing and sends nothing, even when its answers would raise a safety alert', async () => {
    await runDispatch(t.deps);
    const before = { research: await t.scan('research'), contacts: await t.scan('contacts') };
    const mailBefore = (await t.inbox('coordinator@example.org')).length;

    expect((await preview('timepoint=baseline&arm=mbpm')).status).toBe(200);
    const scored = await score('timepoint=baseline&arm=mbpm', { ...phq9Answers(14, 2), ...pegAnswers });
    expect(scored.status).toBe(200);
    const result = await json(scored);
    expect(result.scores.map((s: { instrument: string }) => s.instrument)).toEqual(['phq9', 'peg3']);
    expect(result.scores[0].scales.total).toMatchObject({ value: 14, status: 'complete' });
    expect(result.scores[1].scales.peg).toMatchObject({ value: 5 });
    expect(result.alert.flags.length).toBeGreaterThan(0);
    expect(result.support.text).toMatch(/emergency/);

    await runDispatch(t.deps);
    expect(await t.scan('research')).toEqual(before.research);
    expect(await t.scan('contacts')).toEqual(before.contacts);
    expect((await t.inbox('coordinator@example.org')).length).toBe(mailBefore);
  });

  it('says no alert would fire for answers without an urgent item, and shows no support text', async () => {
    const result = await json((await score('timepoint=baseline', { ...phq9Answers(5), ...pegAnswers })));
    expect(result).toMatchObject({ alert: null, support: null });
  });

  it('refuses answers a submission would refuse, naming the item', async () => {
    const response = await score('timepoint=baseline', { ...phq9Answers(5), PHQ9_3: 7, ...pegAnswers });
    expect(response.status).toBe(400);
    expect((await json(response)).error.field).toBe('answers.PHQ9_3');
  });

  it('refuses an unknown timepoint, or an arm that does not get it, naming the parameter', async () => {
    const unknown = await preview('timepoint=week12');
    expect(unknown.status).toBe(400);
    expect((await json(unknown)).error).toMatchObject({ field: 'timepoint' });
    const healthy = await preview('timepoint=week8&arm=healthy');
    expect(healthy.status).toBe(400);
    expect((await json(healthy)).error.message).toContain('arm "healthy" does not get "week8"');
  });

  it('is for staff of the study only', async () => {
    expect((await t.request('GET', '/api/studies/preview/preview?timepoint=baseline')).status).toBe(401);
    const stranger = await t.signIn({ email: 'stranger@staff.test', role: 'coordinator', studies: ['other'] });
    expect((await preview('timepoint=baseline', stranger)).status).toBe(403);
    const analyst = await t.signIn({ email: 'analyst@staff.test', role: 'analyst', studies: ['preview'] });
    expect((await preview('timepoint=baseline', analyst)).status).toBe(200);
  });
});
