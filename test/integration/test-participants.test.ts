import { parse } from 'csv-parse/sync';
import { beforeAll, describe, expect, it } from 'vitest';
import { runDispatch } from '../../functions/use-cases/dispatch';
import { createTestContext, linkToken, type TestContext } from '../helpers/test-context';
import { json, phq9Answers, testStudy, timepoint } from '../helpers/test-studies';

const study = testStudy('trial', [
  timepoint({ id: 'baseline', label: 'Baseline', arms: ['mbpm', 'waitlist', 'healthy'] }),
  timepoint({ id: 'week8', label: 'Week 8', offsetDays: 56, arms: ['mbpm', 'waitlist'] }),
]);

let t: TestContext;
let token: string;
const real = { email: '', code: '' };
const tester = { email: '', code: '' };
beforeAll(async () => {
  t = await createTestContext({ study, now: '2026-03-02T10:00:00.000Z', storage: 'memory' });
  token = await t.coordinator();
  Object.assign(real, await t.enrol({ arm: 'mbpm' }, 'real'));
  tester.email = t.uniqueEmail('tester');
  const response = await t.request('POST', '/api/studies/trial/participants', { token, body: { email: tester.email, arm: 'mbpm', test: true } });
  expect(response.status).toBe(201);
  tester.code = ((await json(response)) as { code: string }).code;
  await runDispatch(t.deps);
  for (const [p, total] of [[real, 12], [tester, 4]] as const) {
    const submitted = await t.request('POST', `/api/p/${linkToken((await t.inbox(p.email)).at(-1))}/submit`, { body: { answers: phq9Answers(total) } });
    expect(submitted.status).toBe(200);
  }
  await runDispatch(t.deps);
});

const rows = async (query: string) => {
  const response = await t.request('GET', `/api/studies/trial/export?${query}`, { token });
  expect(response.status).toBe(200);
  return parse(await response.text(), { columns: true }) as Array<Record<string, string>>;
};

describe('test participants', () => {
  it('are marked in their record', async () => {
    const participant = await t.deps.participants.get('trial', tester.code);
    expect(participant?.test).toBe(true);
    expect((await t.deps.participants.get('trial', real.code))?.test).toBeUndefined();
  });

  it('get emails that say they are a test; real participants’ emails do not', async () => {
    const [testMail] = await t.inbox(tester.email);
    expect(testMail?.subject).toMatch(/^\[TEST\] /);
    expect(testMail?.body.text).toContain('This is a test: you are enrolled in Test study trial as a test participant');
    const [realMail] = await t.inbox(real.email);
    expect(realMail?.subject).not.toContain('TEST');
    expect(realMail?.body.text).not.toContain('test participant');
  });

  it('are left out of every export unless asked for, and then a test column says which', async () => {
    for (const format of ['long', 'wide', 'items']) {
      const plain = await rows(`format=${format}`);
      expect(plain.map((r) => r.participant)).not.toContain(tester.code);
      expect(plain.map((r) => r.participant)).toContain(real.code);
      expect(Object.keys(plain[0]!)).not.toContain('test');
      const all = await rows(`format=${format}&include_test=1`);
      expect(all.find((r) => r.participant === tester.code)?.test).toBe('1');
      expect(all.find((r) => r.participant === real.code)?.test).toBe('0');
      expect(Object.keys(all[0]!).at(-1)).toBe('test');
    }
    const fhir = await (await t.request('GET', '/api/studies/trial/export?format=fhir', { token })).text();
    expect(fhir).not.toContain(tester.code);
    const codebook = await rows('format=codebook&include_test=1');
    expect(codebook.filter((r) => r.column === 'test').map((r) => r.format)).toEqual(['long', 'wide', 'items']);
    expect((await rows('format=codebook')).some((r) => r.column === 'test')).toBe(false);
  });

  it('are left out of the outcome summary unless asked for', async () => {
    const baselineN = async (query: string) => {
      const summary = await json((await t.request('GET', `/api/studies/trial/summary${query}`, { token })));
      return { n: summary.rows.find((r: { arm: string }) => r.arm === 'mbpm').baseline.n, test: summary.testParticipants };
    };
    expect(await baselineN('')).toEqual({ n: 1, test: { count: 1, included: false } });
    expect(await baselineN('?include_test=1')).toEqual({ n: 2, test: { count: 1, included: true } });
    // The flow diagram's counts follow the same choice.
    const enrolled = async (query: string) =>
      (await json(await t.request('GET', `/api/studies/trial/summary${query}`, { token }))).consort.arms.find((a: { arm: string }) => a.arm === 'mbpm').enrolled;
    expect(await enrolled('')).toBe(1);
    expect(await enrolled('?include_test=1')).toBe(2);
    expect((await t.request('GET', '/api/studies/trial/summary?include_test=yes', { token })).status).toBe(400);
  });

  it('are not counted on the dashboard, which says how many there are', async () => {
    const dashboard = await json((await t.request('GET', '/api/studies/trial/dashboard', { token })));
    expect(dashboard.participants).toEqual({ total: 1, active: 1, withdrawn: 0, test: 1 });
    expect(dashboard.completion.find((c: { arm: string; timepoint: string }) => c.arm === 'mbpm' && c.timepoint === 'baseline')).toMatchObject({ completed: 1 });
    expect(dashboard.consort.arms.find((a: { arm: string }) => a.arm === 'mbpm')).toMatchObject({ enrolled: 1, timepoints: [{ timepoint: 'baseline', planned: 1, completed: 1 }, { timepoint: 'week8', planned: 1, completed: 0 }] });
  });

  it('are the only participants time travel acts on', async () => {
    // Week 8 falls due for both; a pass on a moved clock restricted to test participants.
    t.clock.set('2026-04-27T08:00:05.000Z');
    const report = await runDispatch(t.deps, { onlyTestParticipants: true });
    expect(report.sent).toBe(1);
    expect(report.leftAlone).toBeGreaterThan(0);
    expect((await t.inbox(tester.email)).at(-1)?.subject).toContain('Week 8');
    expect((await t.inbox(real.email)).some((m) => m.subject.includes('Week 8'))).toBe(false);
    const realWeek8 = (await t.deps.messages.listForParticipant('trial', real.code)).find((m) => m.timepoint === 'week8' && m.kind === 'invitation');
    expect(realWeek8?.status).toBe('planned');
    // An ordinary pass (real time) then sends the real participant's as usual.
    await runDispatch(t.deps);
    expect((await t.inbox(real.email)).at(-1)?.subject).toContain('Week 8');
  });
});
