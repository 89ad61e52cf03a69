import { parse } from 'csv-parse/sync';
import { beforeAll, describe, expect, it } from 'vitest';
import type { OutcomeSummary } from '../../functions/core/analysis/outcome-summary';
import { demoStudy } from '../../functions/demo/demo-study';
import { runDispatch } from '../../functions/use-cases/dispatch';
import { seedSyntheticDemo, SYNTHETIC_DOMAIN } from '../../functions/use-cases/seed-synthetic-demo';
import { json } from '../helpers/test-studies';
import { createTestContext, type TestContext } from '../helpers/test-context';

let t: TestContext;
let token: string;
let seededMs: number;
beforeAll(async () => {
  t = await createTestContext({ study: demoStudy, now: '2026-06-01T10:00:00.000Z' });
  const started = performance.now();
  await seedSyntheticDemo(t.deps, demoStudy);
  seededMs = performance.now() - started;
  token = await t.signIn({ email: 'analyst@staff.test', role: 'coordinator', studies: ['demo'] });
}, 120_000);

const participants = () => t.deps.participants.list('demo');

describe('the synthetic demo history', () => {
  it('is about thirty clearly labelled participants, marked synthetic, with reserved .invalid addresses', async () => {
    const all = await participants();
    console.log(`seeded ${all.length} synthetic participants in ${Math.round(seededMs)} ms`);
    expect(all.length).toBeGreaterThanOrEqual(30);
    expect(all.every((p) => p.synthetic === true && /^SYN-\d{3}$/.test(p.code))).toBe(true);
    const contacts = await Promise.all(all.map((p) => t.deps.contacts.get('demo', p.code)));
    expect(contacts.every((c) => c?.email.endsWith(`@${SYNTHETIC_DOMAIN}`))).toBe(true);
  });

  it('was never emailed, and no other dispatcher pass ever touches it: it stays a snapshot', async () => {
    expect(await t.inbox(SYNTHETIC_DOMAIN)).toEqual([]);
    const snapshot = async () => ({ messages: await t.deps.messages.listForStudy('demo'), instances: await t.deps.instances.listForStudy('demo') });
    const before = await snapshot();
    // Days later an ordinary pass, with overdue reminders and closing windows due: it leaves every synthetic record as it is.
    t.clock.set('2026-06-10T10:00:00.000Z');
    const report = await runDispatch(t.deps);
    expect(report.sent).toBe(0);
    expect(await snapshot()).toEqual(before);
    expect(await t.inbox(SYNTHETIC_DOMAIN)).toEqual([]);
    t.clock.set('2026-06-01T10:00:00.000Z');
  });

  it('shows a plausible course effect in the outcome summary, in each scale’s better direction', async () => {
    const summary = (await json((await t.request('GET', '/api/studies/demo/summary?reference=waitlist', { token })))) as OutcomeSummary;
    const mbpm = (instrument: string) => summary.rows.find((r) => r.instrument === instrument && r.arm === 'mbpm')!;
    for (const instrument of ['phq9', 'gad7', 'peg3']) {
      const row = mbpm(instrument);
      expect(row.change!.n, instrument).toBeGreaterThanOrEqual(14);
      // Lower is better on these symptom scales: the course lowers them more than the wait-list does.
      expect(row.vsReference!.difference!, instrument).toBeLessThan(0);
      expect(row.vsReference!.ciHigh!, instrument).toBeLessThan(0);
    }
  });

  it('fills the dashboard: completion, overdue week 8s, a withdrawal, a bounce and a safety alert', async () => {
    const dashboard = await json((await t.request('GET', '/api/studies/demo/dashboard', { token })));
    expect(dashboard.participants.withdrawn).toBe(1);
    expect(dashboard.completion.find((c: { arm: string; timepoint: string }) => c.arm === 'mbpm' && c.timepoint === 'week8').completed).toBeGreaterThanOrEqual(14);
    expect(dashboard.overdue.filter((o: { timepoint: string }) => o.timepoint === 'week8')).toHaveLength(3);
    expect(dashboard.suppressed).toHaveLength(1);
    expect(dashboard.deliveryProblems.some((d: { status: string }) => d.status === 'bounced')).toBe(true);
    expect(dashboard.alerts).toHaveLength(1);
    expect(dashboard.unacknowledgedAlerts).toBe(1);
  });

  it('exports like real data, with the timing columns filled', async () => {
    const rows = parse(await (await t.request('GET', '/api/studies/demo/export?format=wide', { token })).text(), { columns: true }) as Array<Record<string, string>>;
    expect(rows.length).toBe((await participants()).length);
    const done = rows.filter((r) => r.week8_phq9_total !== '');
    expect(done.length).toBeGreaterThanOrEqual(28);
    for (const r of done) expect(Number(r.week8_days_from_enrolment)).toBeGreaterThan(55);
  });
});
