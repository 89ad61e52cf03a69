import { parse } from 'csv-parse/sync';
import { DOMParser } from '@xmldom/xmldom';
import { beforeAll, describe, expect, it } from 'vitest';
import type { OutcomeSummary } from '../../functions/core/analysis/outcome-summary';
import { runDispatch } from '../../functions/use-cases/dispatch';
import { createTestContext, linkToken, type TestContext } from '../helpers/test-context';

/**
 * A small demo study run through the real API: enrolled in the mbpm, waitlist and healthy arms,
 * baseline answered on 2 March 2026, the clock moved to week 8 (27 April, 09:00 London), the
 * dispatcher run, and week 8 answered from the link in each new invitation.
 *
 * PHQ-9 totals (GAD-7 every item 1 → 7 and PEG every item 5 → 5, for everyone, every time):
 *   mbpm      M1 14 → 8, M2 10 → 6, M3 12 → (week 8 left open: excluded, counted)
 *   waitlist  W1 12 → 11, W2 9 → 10
 *   healthy   H1 3 (baseline only, by protocol)
 */
const plan = [
  { label: 'M1', arm: 'mbpm', baseline: 14, week8: 8 },
  { label: 'M2', arm: 'mbpm', baseline: 10, week8: 6 },
  { label: 'M3', arm: 'mbpm', baseline: 12, week8: null },
  { label: 'W1', arm: 'waitlist', baseline: 12, week8: 11 },
  { label: 'W2', arm: 'waitlist', baseline: 9, week8: 10 },
  { label: 'H1', arm: 'healthy', baseline: 3, week8: null },
] as const;

/** PHQ-9 answers summing to `total` (items 1–8 filled up to 3 each; item 9 always 0), plus GAD-7 and PEG-3. */
const answersFor = (total: number) => {
  const answers: Record<string, number> = {};
  let left = total;
  for (let i = 1; i <= 8; i++) {
    answers[`PHQ9_${i}`] = Math.min(3, left);
    left -= answers[`PHQ9_${i}`]!;
  }
  answers.PHQ9_9 = 0;
  for (let i = 1; i <= 7; i++) answers[`GAD7_${i}`] = 1;
  for (let i = 1; i <= 3; i++) answers[`PEG_${i}`] = 5;
  return answers;
};

let t: TestContext;
let analyst: string;
beforeAll(async () => {
  t = await createTestContext({ now: '2026-03-02T10:00:00.000Z' });
  const enrolled = [];
  for (const p of plan) enrolled.push({ ...p, ...(await t.enrol({ arm: p.arm }, p.label.toLowerCase())) });
  await runDispatch(t.deps);
  t.clock.set('2026-03-02T12:00:00.000Z');
  for (const p of enrolled) {
    const token = linkToken((await t.inbox(p.email)).at(-1));
    const response = await t.request('POST', `/api/p/${token}/submit`, { body: { answers: answersFor(p.baseline) } });
    if (response.status !== 200) throw new Error(`baseline of ${p.label}: ${response.status} ${await response.text()}`);
  }
  // Week 8: 56 days after enrolment, 09:00 in London (BST) = 08:00 UTC.
  t.clock.set('2026-04-27T08:00:00.000Z');
  await runDispatch(t.deps);
  t.clock.set('2026-04-27T10:00:00.000Z');
  for (const p of enrolled) {
    if (p.week8 === null) continue;
    const mails = await t.inbox(p.email);
    expect(mails.at(-1)?.subject).toContain('Week 8');
    const response = await t.request('POST', `/api/p/${linkToken(mails.at(-1))}/submit`, { body: { answers: answersFor(p.week8) } });
    if (response.status !== 200) throw new Error(`week 8 of ${p.label}: ${response.status} ${await response.text()}`);
  }
  analyst = await t.signIn({ email: 'analyst@staff.test', role: 'analyst', studies: ['demo'] });
});

const get = (query: string, token: string | null = analyst) => t.request('GET', `/api/studies/demo/summary${query}`, token ? { token } : {});

describe('the outcome summary endpoint', () => {
  it('answers JSON with the hand-computed PHQ-9 numbers', async () => {
    const response = await get('');
    expect(response.status).toBe(200);
    const summary = (await response.json()) as OutcomeSummary;
    expect(summary).toMatchObject({ baseline: 'baseline', followup: 'week8', reference: 'mbpm', arms: ['mbpm', 'waitlist', 'healthy'] });
    expect(summary.scales).toEqual([{ instrument: 'phq9', scale: 'total' }, { instrument: 'gad7', scale: 'total' }, { instrument: 'peg3', scale: 'peg' }]);
    const phq9 = (arm: string) => summary.rows.find((r) => r.instrument === 'phq9' && r.arm === arm)!;

    // mbpm baseline 14, 10, 12: mean 12; deviations 2, −2, 0; SD √(8 / 2) = 2; CI 12 ± 4.3026527 · 2 / √3 = 12 ± 4.9682754.
    const mbpm = phq9('mbpm');
    expect(mbpm.baseline).toMatchObject({ n: 3, mean: 12, sd: 2, nExcluded: 0 });
    expect(mbpm.baseline.ciLow).toBeCloseTo(7.0317245765, 7);
    expect(mbpm.baseline.ciHigh).toBeCloseTo(16.9682754235, 7);
    // Week 8 8, 6: mean 7, SD √2; M3's week 8 is still open: excluded and counted.
    expect(mbpm.followup).toMatchObject({ n: 2, mean: 7, nExcluded: 1, excluded: { open: 1 } });
    expect(mbpm.followup!.sd).toBeCloseTo(Math.SQRT2, 11);
    // Changes −6, −4: mean −5, SD √2; CI −5 ± t(0.975, 1) · √2 / √2 = −5 ± 12.7062047 → [−17.7062047, 7.7062047].
    // d_z = −5 / √2 = −3.5355339. d_av: paired SDs 2√2 (14, 10) and √2 (8, 6) → −5 / (1.5 √2) = −2.3570226.
    expect(mbpm.change).toMatchObject({ n: 2, mean: -5, df: 1 });
    expect(mbpm.change!.sd).toBeCloseTo(Math.SQRT2, 11);
    expect(mbpm.change!.ciLow).toBeCloseTo(-17.7062047362, 7);
    expect(mbpm.change!.ciHigh).toBeCloseTo(7.7062047362, 7);
    expect(mbpm.change!.dz).toBeCloseTo(-3.5355339059, 9);
    expect(mbpm.change!.dav).toBeCloseTo(-2.3570226040, 9);
    expect(mbpm.vsReference).toBeNull();

    // waitlist 12 → 11, 9 → 10: baseline mean 10.5, SD √4.5; week 8 mean 10.5, SD √0.5; changes −1, +1: mean 0, SD √2.
    const waitlist = phq9('waitlist');
    expect(waitlist.baseline).toMatchObject({ n: 2, mean: 10.5 });
    expect(waitlist.baseline.sd).toBeCloseTo(Math.sqrt(4.5), 11);
    expect(waitlist.followup).toMatchObject({ n: 2, mean: 10.5, nExcluded: 0 });
    expect(waitlist.change).toMatchObject({ n: 2, mean: 0, dz: 0, dav: 0 });
    // waitlist − mbpm = 0 − (−5) = 5; s²/n = 2 / 2 = 1 in each arm; se = √2;
    // Welch df = (1 + 1)² / (1² / 1 + 1² / 1) = 2; CI 5 ± 4.3026527 · 1.4142136 = 5 ± 6.0848698 → [−1.0848698, 11.0848698].
    expect(waitlist.vsReference).toMatchObject({ reference: 'mbpm', difference: 5, df: 2 });
    expect(waitlist.vsReference!.se).toBeCloseTo(Math.SQRT2, 11);
    expect(waitlist.vsReference!.ciLow).toBeCloseTo(-1.0848698446, 7);
    expect(waitlist.vsReference!.ciHigh).toBeCloseTo(11.0848698446, 7);

    // healthy: one baseline (3), no week 8 by protocol.
    expect(phq9('healthy')).toMatchObject({ baseline: { n: 1, mean: 3, sd: null, ciLow: null }, followup: null, change: null, vsReference: null });

    // GAD-7 is 7 for everyone at both timepoints: changes all 0, SD 0 → no d_z and no CI.
    const gad7 = summary.rows.find((r) => r.instrument === 'gad7' && r.arm === 'mbpm')!;
    expect(gad7.change).toEqual({ n: 2, mean: 0, sd: 0, ciLow: null, ciHigh: null, df: 1, dz: null, dav: null });
  });

  it('answers CSV, one row per instrument × scale × arm, with the same numbers', async () => {
    const response = await get('?format=csv');
    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toBe('text/csv; charset=utf-8');
    expect(response.headers.get('content-disposition')).toMatch(/^attachment; filename="demo-summary-week8-\d{4}-\d{2}-\d{2}\.csv"$/);
    const rows = parse(await response.text(), { columns: true }) as Array<Record<string, string>>;
    expect(rows.map((r) => `${r.instrument}.${r.scale}/${r.arm}`)).toEqual([
      'phq9.total/mbpm', 'phq9.total/waitlist', 'phq9.total/healthy',
      'gad7.total/mbpm', 'gad7.total/waitlist', 'gad7.total/healthy',
      'peg3.peg/mbpm', 'peg3.peg/waitlist', 'peg3.peg/healthy',
    ]);
    expect(rows[0]).toMatchObject({
      baseline_timepoint: 'baseline', followup_timepoint: 'week8', n_baseline: '3', mean_baseline: '12', sd_baseline: '2', n_excluded_baseline: '0',
      n_followup: '2', mean_followup: '7', n_excluded_followup: '1', excluded_followup: 'open=1', n_paired: '2', mean_change: '-5', change_df: '1',
      // −5 / √2 and −5 / (1.5 √2), to 12 significant digits
      d_z: '-3.53553390593', d_av: '-2.35702260396', reference_arm: 'mbpm', diff_vs_reference: '', note: 'reference arm',
    });
    expect(Number(rows[0]!.change_ci_low)).toBeCloseTo(-17.7062047362, 7);
    expect(rows[1]).toMatchObject({ mean_baseline: '10.5', mean_followup: '10.5', mean_change: '0', d_z: '0', diff_vs_reference: '5', diff_df: '2', note: '' });
    expect(Number(rows[1]!.diff_se)).toBeCloseTo(Math.SQRT2, 10);
    expect(Number(rows[1]!.diff_ci_low)).toBeCloseTo(-1.0848698446, 7);
    expect(Number(rows[1]!.diff_ci_high)).toBeCloseTo(11.0848698446, 7);
    expect(rows[2]).toMatchObject({ n_baseline: '1', mean_baseline: '3', sd_baseline: '', n_followup: '', mean_change: '', reference_arm: '', note: 'arm does not get week8: baseline only' });
    expect(rows[3]).toMatchObject({ mean_change: '0', sd_change: '0', change_ci_low: '', d_z: '' });
  });

  it('answers an SVG figure of each scale by arm, inline', async () => {
    const response = await get('?format=svg&scale=phq9.total');
    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toBe('image/svg+xml; charset=utf-8');
    expect(response.headers.get('content-disposition')).toMatch(/^inline; filename="demo-summary-week8-phq9\.total-\d{4}-\d{2}-\d{2}\.svg"$/);
    const doc = new DOMParser({ onError: (level, message) => { throw new Error(`${level}: ${message}`); } }).parseFromString(await response.text(), 'image/svg+xml');
    const panels = Array.from(doc.getElementsByTagName('g')).filter((g) => g.getAttribute('class') === 'panel');
    expect(panels.map((p) => p.getAttribute('data-instrument'))).toEqual(['phq9']);
    const lines = Array.from(doc.getElementsByTagName('path')).filter((p) => p.getAttribute('class') === 'arm-line');
    expect(lines.map((l) => l.getAttribute('data-arm'))).toEqual(['mbpm', 'waitlist', 'healthy']);
    expect(doc.getElementById('tp-title')!.textContent).toContain('Mindfulness-Based Pain Management (demo)');
    const text = Array.from(doc.getElementsByTagName('text')).map((e) => e.textContent);
    expect(text).toContain('Depression severity (points)');
    expect(text).toContain('Week 8');
    expect(text).toContain('Patient Health Questionnaire-9');

    // The whole figure: one panel per scale of the battery.
    const whole = await (await get('?format=svg')).text();
    expect(whole.match(/class="panel"/g)).toHaveLength(3);
  });

  it('takes the follow-up, reference arm and scale as parameters', async () => {
    const switched = (await (await get('?reference=waitlist&followup=week8&scale=phq9')).json()) as OutcomeSummary;
    expect(switched.reference).toBe('waitlist');
    expect(switched.rows.find((r) => r.arm === 'mbpm')!.vsReference).toMatchObject({ reference: 'waitlist', difference: -5 });
    expect(switched.rows.every((r) => r.instrument === 'phq9')).toBe(true);
  });

  it.each([
    ['?format=xlsx', 'format'],
    ['?followup=week12', 'followup'],
    ['?followup=baseline', 'followup'],
    ['?reference=healthy', 'reference'],
    ['?reference=nobody', 'reference'],
    ['?scale=bdi2.total', 'scale'],
  ])('refuses %s with a 400 naming %s', async (query, field) => {
    const response = await get(query);
    expect(response.status).toBe(400);
    expect(await response.json()).toMatchObject({ error: { code: 'bad_request', field } });
  });

  it('is open to analysts, coordinators and admins of the study only', async () => {
    // (sessions signed in before the clock moved to week 8 have expired: sign in afresh)
    expect((await get('', await t.signIn({ email: 'coordinator-now@staff.test', role: 'coordinator', studies: ['demo'] }))).status).toBe(200);
    expect((await get('?format=csv', await t.signIn({ email: 'admin@staff.test', role: 'admin', studies: [] }))).status).toBe(200);
    expect((await get('', null)).status).toBe(401);
    expect((await get('?format=svg', null)).status).toBe(401);
    const elsewhere = await t.signIn({ email: 'other-coordinator@staff.test', role: 'coordinator', studies: ['aygun2024'] });
    expect((await get('', elsewhere)).status).toBe(403);
    expect((await get('?format=svg', elsewhere)).status).toBe(403);
  });

  it('is recorded in the audit log', async () => {
    const entries = await t.deps.audit.list('study:demo');
    expect(entries.some((e) => e.action === 'summary.viewed' && e.actor === 'staff:analyst@staff.test')).toBe(true);
  });
});
