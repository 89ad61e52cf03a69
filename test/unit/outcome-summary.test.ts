import { DOMParser } from '@xmldom/xmldom';
import { describe, expect, it } from 'vitest';
import { outcomeSummary, sampleSd, welchDifference, type ArmSummary, type OutcomeSummaryOptions } from '../../functions/core/analysis/outcome-summary';
import { summaryColumns, summaryTableRows } from '../../functions/core/analysis/summary-table';
import { NORMAL_ABOVE_DF, tQuantile } from '../../functions/core/analysis/t-quantile';
import { axisLabel, okabeIto, trajectorySvg } from '../../functions/core/analysis/trajectory-plot';
import { isAppError } from '../../functions/core/errors';
import type { LongRow } from '../../functions/core/export/long-rows';

/** A long row with only what the summary reads filled in. */
const row = (participant: string, arm: string, timepoint: string, value: number | null, status = value === null ? 'not_scored' : 'complete', scale = 'total', instrument = 'phq9'): LongRow => ({
  participant, arm, stratum: null, allocation_sequence: null, timepoint, instrument, instrument_version: '1.0', scoring_version: '1', scale, value, raw: value, se: null,
  band: null, status, missing_rule: null, answered: null, items: null, completed_at: null,
  enrolled_at: null, due_at: null, days_from_enrolment: null, protocol_version: null, language: null,
});

const options: OutcomeSummaryOptions = {
  timepoints: [
    { id: 'baseline', label: 'Baseline', arms: ['mbpm', 'waitlist', 'healthy'] },
    { id: 'week8', label: 'Week 8', arms: ['mbpm', 'waitlist'] },
  ],
  arms: [{ id: 'mbpm', label: 'MBPM course' }, { id: 'waitlist', label: 'Wait-list' }, { id: 'healthy', label: 'Healthy control' }],
};

/**
 * The worked example (PHQ-9 total):
 *   mbpm      M1 10 → 6, M2 12 → 10, M3 14 → 8, M4 16 → (week 8 expired)
 *   waitlist  W1 11 → 11, W2 13 → 12, W3 9 → 10 (prorated), W4 (not scored) → 12
 *   healthy   H1 3, H2 5 (baseline only)
 */
const rows: LongRow[] = [
  row('M1', 'mbpm', 'baseline', 10), row('M1', 'mbpm', 'week8', 6),
  row('M2', 'mbpm', 'baseline', 12), row('M2', 'mbpm', 'week8', 10),
  row('M3', 'mbpm', 'baseline', 14), row('M3', 'mbpm', 'week8', 8),
  row('M4', 'mbpm', 'baseline', 16), row('M4', 'mbpm', 'week8', null, 'expired'),
  row('W1', 'waitlist', 'baseline', 11), row('W1', 'waitlist', 'week8', 11),
  row('W2', 'waitlist', 'baseline', 13), row('W2', 'waitlist', 'week8', 12),
  row('W3', 'waitlist', 'baseline', 9), row('W3', 'waitlist', 'week8', 10, 'prorated'),
  row('W4', 'waitlist', 'baseline', null, 'not_scored'), row('W4', 'waitlist', 'week8', 12),
  row('H1', 'healthy', 'baseline', 3),
  row('H2', 'healthy', 'baseline', 5),
];

// Published two-sided 95% critical values t(0.975, ν) (e.g. any statistics text's t table, to 6 decimals).
const t975 = { 1: 12.706205, 2: 4.302653, 3: 3.182446, 9: 2.262157, 10: 2.228139, 30: 2.042272, [Infinity]: 1.959964 } as const;

const armRow = (summary: ReturnType<typeof outcomeSummary>, arm: string, scale = 'total'): ArmSummary => {
  const found = summary.rows.find((r) => r.arm === arm && r.scale === scale);
  if (!found) throw new Error(`no row for ${arm}`);
  return found;
};

/** Every number anywhere in a value, to check that none is NaN or infinite. */
const numbersIn = (value: unknown): number[] =>
  typeof value === 'number' ? [value] : value && typeof value === 'object' ? Object.values(value).flatMap(numbersIn) : [];

describe('the t quantile (jStat)', () => {
  it('matches published t-table values', () => {
    for (const [df, expected] of Object.entries(t975)) expect(tQuantile(0.975, Number(df))).toBeCloseTo(expected, 6);
    // One-sided 95%, 30 df: 1.697261; lower tail is the mirror image.
    expect(tQuantile(0.95, 30)).toBeCloseTo(1.697261, 6);
    expect(tQuantile(0.025, 9)).toBeCloseTo(-2.262157, 6);
  });

  it('handles the fractional df of Welch–Satterthwaite and very large df', () => {
    // scipy.stats.t.ppf(0.975, 50/17) = 3.218758614532882
    expect(tQuantile(0.975, 50 / 17)).toBeCloseTo(3.2187586145, 8);
    // Beyond 10⁷ df the normal quantile is used (jStat degrades there); t(0.975, 10⁹) = 1.959964 to 6 decimals.
    expect(tQuantile(0.975, 1e9)).toBeCloseTo(1.959964, 6);
    expect(tQuantile(0.975, NORMAL_ABOVE_DF)).toBeCloseTo(1.959964, 6);
  });

  it('refuses impossible arguments instead of returning NaN', () => {
    expect(() => tQuantile(0.975, 0)).toThrow(/df/);
    expect(() => tQuantile(1, 5)).toThrow(/p must/);
  });
});

describe('the outcome summary', () => {
  const summary = outcomeSummary(rows, options);

  it('takes the first timepoint as baseline, the last as follow-up and the first arm with the follow-up as reference', () => {
    expect(summary).toMatchObject({ baseline: 'baseline', followup: 'week8', reference: 'mbpm', confidence: 0.95, arms: ['mbpm', 'waitlist', 'healthy'], followupArms: ['mbpm', 'waitlist'] });
  });

  it('mbpm: descriptives, within-arm change, CI and effect sizes', () => {
    const mbpm = armRow(summary, 'mbpm');
    // Baseline 10, 12, 14, 16: mean 52 / 4 = 13; squared deviations 9 + 1 + 1 + 9 = 20; SD = √(20 / 3) = 2.5819889.
    // CI: 13 ± t(0.975, 3) · 2.5819889 / √4 = 13 ± 3.1824463 · 1.2909944 = 13 ± 4.1085205 → [8.8914795, 17.1085205].
    expect(mbpm.baseline).toMatchObject({ n: 4, mean: 13, nExcluded: 0, excluded: {} });
    expect(mbpm.baseline.sd).toBeCloseTo(2.5819888975, 9);
    expect(mbpm.baseline.ciLow).toBeCloseTo(8.8914794865, 7);
    expect(mbpm.baseline.ciHigh).toBeCloseTo(17.1085205135, 7);
    // Week 8 6, 10, 8 (M4 expired: excluded, counted): mean 8; deviations −2, 2, 0; SD = √(8 / 2) = 2.
    expect(mbpm.followup).toMatchObject({ n: 3, mean: 8, sd: 2, nExcluded: 1, excluded: { expired: 1 } });
    // Paired M1–M3: changes −4, −2, −6: mean −4; deviations 0, 2, −2; SD = √(8 / 2) = 2.
    // CI: −4 ± t(0.975, 2) · 2 / √3 = −4 ± 4.3026527 · 1.1547005 = −4 ± 4.9682754 → [−8.9682754, 0.9682754].
    // d_z = −4 / 2 = −2. d_av: paired baseline SD (10, 12, 14) = 2, week-8 SD (6, 10, 8) = 2 → −4 / ((2 + 2) / 2) = −2.
    expect(mbpm.change).toMatchObject({ n: 3, mean: -4, sd: 2, df: 2, dz: -2, dav: -2 });
    expect(mbpm.change!.ciLow).toBeCloseTo(-8.9682754235, 7);
    expect(mbpm.change!.ciHigh).toBeCloseTo(0.9682754235, 7);
    expect(mbpm.vsReference).toBeNull(); // the reference arm
  });

  it('waitlist: prorated values count, not_scored is excluded and counted, and the Welch difference from mbpm', () => {
    const waitlist = armRow(summary, 'waitlist');
    // Baseline 11, 13, 9 (W4 not scored): mean 11; deviations 0, 2, −2; SD 2.
    expect(waitlist.baseline).toMatchObject({ n: 3, mean: 11, sd: 2, nExcluded: 1, excluded: { not_scored: 1 } });
    // Week 8 11, 12, 10 (prorated: counted), 12: mean 45 / 4 = 11.25; squared deviations .0625 + .5625 + 1.5625 + .5625 = 2.75;
    // SD = √(2.75 / 3) = 0.9574271.
    expect(waitlist.followup).toMatchObject({ n: 4, mean: 11.25, nExcluded: 0 });
    expect(waitlist.followup!.sd).toBeCloseTo(0.9574271078, 9);
    // Paired W1–W3 (W4 has no baseline): changes 0, −1, +1: mean 0, SD 1; CI 0 ± 4.3026527 / √3 = ±2.4841377.
    // d_z = 0 / 1 = 0; d_av = 0 / ((2 + 1) / 2) = 0 (paired SDs: baseline 11, 13, 9 → 2; week 8 11, 12, 10 → 1).
    expect(waitlist.change).toMatchObject({ n: 3, mean: 0, sd: 1, df: 2, dz: 0, dav: 0 });
    expect(waitlist.change!.ciLow).toBeCloseTo(-2.4841377118, 7);
    expect(waitlist.change!.ciHigh).toBeCloseTo(2.4841377118, 7);
    // Difference in change, waitlist − mbpm = 0 − (−4) = 4.
    // s₁²/n₁ = 1 / 3, s₂²/n₂ = 4 / 3; se = √(5 / 3) = 1.2909944.
    // Welch df = (5/3)² / ((1/3)² / 2 + (4/3)² / 2) = (25/9) / (17/18) = 50 / 17 = 2.9411765.
    // CI: 4 ± t(0.975, 50/17) · 1.2909944 = 4 ± 3.2187586 · 1.2909944 = 4 ± 4.1553995 → [−0.1553995, 8.1553995]
    // (scipy.stats.ttest_ind(equal_var=False) gives the same interval).
    expect(waitlist.vsReference).toMatchObject({ reference: 'mbpm', difference: 4 });
    expect(waitlist.vsReference!.se).toBeCloseTo(1.2909944487, 9);
    expect(waitlist.vsReference!.df).toBeCloseTo(50 / 17, 9);
    expect(waitlist.vsReference!.ciLow).toBeCloseTo(-0.1553995032, 7);
    expect(waitlist.vsReference!.ciHigh).toBeCloseTo(8.1553995032, 7);
  });

  it('healthy controls (no week 8 in the protocol) get baseline columns only', () => {
    const healthy = armRow(summary, 'healthy');
    // 3, 5: mean 4, SD √2; CI 4 ± 12.7062047 · √2 / √2 → [−8.7062047, 16.7062047].
    expect(healthy).toMatchObject({ followup: null, change: null, vsReference: null });
    expect(healthy.baseline).toMatchObject({ n: 2, mean: 4 });
    expect(healthy.baseline.sd).toBeCloseTo(Math.SQRT2, 11);
    expect(healthy.baseline.ciLow).toBeCloseTo(-8.7062047362, 7);
    expect(healthy.baseline.ciHigh).toBeCloseTo(16.7062047362, 7);
  });

  it('has descriptives at every timepoint an arm gets, for the plot', () => {
    expect(summary.trajectories.map((p) => `${p.arm}/${p.timepoint}/${p.n}`)).toEqual(['mbpm/baseline/4', 'mbpm/week8/3', 'waitlist/baseline/3', 'waitlist/week8/4', 'healthy/baseline/2']);
    expect(summary.trajectories[1]).toMatchObject({ mean: 8, sd: 2 });
  });

  it('mirrors the difference when the reference arm is switched', () => {
    const switched = outcomeSummary(rows, { ...options, reference: 'waitlist' });
    expect(armRow(switched, 'waitlist').vsReference).toBeNull();
    const mbpm = armRow(switched, 'mbpm').vsReference!;
    expect(mbpm).toMatchObject({ reference: 'waitlist', difference: -4 });
    expect(mbpm.ciLow).toBeCloseTo(-8.1553995032, 7);
    expect(mbpm.ciHigh).toBeCloseTo(0.1553995032, 7);
  });

  it('contains no NaN or infinity anywhere', () => {
    expect(numbersIn(summary).filter((n) => !Number.isFinite(n))).toEqual([]);
  });
});

describe('edge cases', () => {
  it('n = 1: no SD, CI or effect size (null, not NaN), and no CI for a difference involving it', () => {
    const summary = outcomeSummary([row('M1', 'mbpm', 'baseline', 10), row('M1', 'mbpm', 'week8', 7), ...rows.filter((r) => r.arm === 'waitlist')], options);
    const mbpm = armRow(summary, 'mbpm');
    expect(mbpm.baseline).toEqual({ n: 1, mean: 10, sd: null, ciLow: null, ciHigh: null, nExcluded: 0, excluded: {} });
    expect(mbpm.change).toEqual({ n: 1, mean: -3, sd: null, ciLow: null, ciHigh: null, df: null, dz: null, dav: null });
    // waitlist − mbpm = 0 − (−3) = 3, but Welch needs n ≥ 2 in both arms.
    expect(armRow(summary, 'waitlist').vsReference).toEqual({ reference: 'mbpm', difference: 3, se: null, df: null, ciLow: null, ciHigh: null });
    expect(numbersIn(summary).filter((n) => !Number.isFinite(n))).toEqual([]);
  });

  it('identical changes: SD 0, so d_z and the CI are null (not infinite), even through floating-point noise', () => {
    // 2.1 − 0.1 = 2, 2.3 − 0.3 = 1.9999999999999998, 3.1 − 1.1 = 2: the same change, 2, for everyone.
    const same = [
      row('M1', 'mbpm', 'baseline', 0.1), row('M1', 'mbpm', 'week8', 2.1),
      row('M2', 'mbpm', 'baseline', 0.3), row('M2', 'mbpm', 'week8', 2.3),
      row('M3', 'mbpm', 'baseline', 1.1), row('M3', 'mbpm', 'week8', 3.1),
    ];
    const change = armRow(outcomeSummary(same, options), 'mbpm').change!;
    expect(change).toMatchObject({ n: 3, mean: 2, sd: 0, df: 2, dz: null, ciLow: null, ciHigh: null });
    // d_av is still defined: baseline SD of 0.1, 0.3, 1.1 = week-8 SD of 2.1, 2.3, 3.1 = √(0.28) = 0.5291503 → 2 / 0.5291503 = 3.7796447.
    expect(change.dav).toBeCloseTo(3.7796447301, 9);
    expect(sampleSd([5, 5, 5])).toBe(0);
  });

  it('both arms with SD 0: the difference is reported, its CI is not (Welch df would be 0 / 0)', () => {
    expect(welchDifference({ n: 3, mean: 2, sd: 0 }, { n: 4, mean: 1, sd: 0 }, 'ref')).toEqual({ reference: 'ref', difference: 1, se: 0, df: null, ciLow: null, ciHigh: null });
    // One SD 0: df is the other arm's n − 1 (va = 0): (4/4)² / ((4/4)² / 3) = 3.
    expect(welchDifference({ n: 3, mean: 2, sd: 0 }, { n: 4, mean: 1, sd: 2 }, 'ref')).toMatchObject({ difference: 1, se: 1, df: 3 });
  });

  it('missing follow-up: an arm whose participants have no week 8 yet has n 0 and null statistics', () => {
    const summary = outcomeSummary(
      [row('M1', 'mbpm', 'baseline', 10), row('M1', 'mbpm', 'week8', null, 'scheduled'), row('M2', 'mbpm', 'baseline', 12), row('M2', 'mbpm', 'week8', null, 'open'), ...rows.filter((r) => r.arm === 'waitlist')],
      options,
    );
    const mbpm = armRow(summary, 'mbpm');
    expect(mbpm.followup).toEqual({ n: 0, mean: null, sd: null, ciLow: null, ciHigh: null, nExcluded: 2, excluded: { scheduled: 1, open: 1 } });
    expect(mbpm.change).toMatchObject({ n: 0, mean: null, sd: null, dz: null });
    expect(armRow(summary, 'waitlist').vsReference).toMatchObject({ difference: null, ciLow: null });
  });

  it('a counted status without a value is excluded as no_value, and other scales are summarised separately', () => {
    const summary = outcomeSummary([row('M1', 'mbpm', 'baseline', null, 'complete'), row('M1', 'mbpm', 'baseline', 7, 'complete', 'peg', 'peg3')], options);
    expect(summary.scales).toEqual([{ instrument: 'phq9', scale: 'total' }, { instrument: 'peg3', scale: 'peg' }]);
    expect(armRow(summary, 'mbpm').baseline).toMatchObject({ n: 0, excluded: { no_value: 1 } });
    expect(armRow(summary, 'mbpm', 'peg').baseline).toMatchObject({ n: 1, mean: 7 });
  });

  it('follows a chosen follow-up timepoint', () => {
    const three: OutcomeSummaryOptions = { ...options, timepoints: [options.timepoints[0]!, { id: 'week4', arms: ['mbpm'] }, options.timepoints[1]!] };
    const summary = outcomeSummary([row('M1', 'mbpm', 'baseline', 10), row('M1', 'mbpm', 'week4', 8), row('M2', 'mbpm', 'baseline', 12), row('M2', 'mbpm', 'week4', 12)], { ...three, followup: 'week4' });
    expect(summary).toMatchObject({ followup: 'week4', reference: 'mbpm', followupArms: ['mbpm'] });
    // Changes −2, 0: mean −1, SD √2; d_z = −1 / √2 = −0.7071068.
    expect(armRow(summary, 'mbpm').change).toMatchObject({ n: 2, mean: -1 });
    expect(armRow(summary, 'mbpm').change!.dz).toBeCloseTo(-Math.SQRT1_2, 10);
    // waitlist does not get week 4: baseline only.
    expect(armRow(summary, 'waitlist').followup).toBeNull();
  });

  it.each([
    [{ followup: 'week12' }, 'followup', /unknown timepoint "week12".*baseline, week8/],
    [{ followup: 'baseline' }, 'followup', /is the baseline/],
    [{ reference: 'control' }, 'reference', /unknown arm "control"/],
    [{ reference: 'healthy' }, 'reference', /gets no timepoint after the baseline/],
    [{ reference: 'healthy', followup: 'week8' }, 'reference', /does not get "week8"/],
  ])('refuses %o with a 400 naming the parameter', (bad, field, message) => {
    try {
      outcomeSummary(rows, { ...options, ...bad });
      expect.unreachable();
    } catch (error) {
      expect(isAppError(error) && error.status === 400 && error.field === field).toBe(true);
      expect((error as Error).message).toMatch(message);
    }
  });
});

describe('the CSV table', () => {
  const table = [...summaryTableRows(outcomeSummary(rows, options))];

  it('has one row per instrument × scale × arm with every column', () => {
    expect(table.map((r) => r.arm)).toEqual(['mbpm', 'waitlist', 'healthy']);
    for (const r of table) expect(Object.keys(r)).toEqual([...summaryColumns]);
  });

  it('fills follow-up, change and comparison columns as they apply', () => {
    expect(table[0]).toMatchObject({ n_baseline: 4, mean_baseline: 13, n_followup: 3, mean_followup: 8, sd_followup: 2, n_excluded_followup: 1, excluded_followup: 'expired=1', n_paired: 3, mean_change: -4, sd_change: 2, change_df: 2, d_z: -2, reference_arm: 'mbpm', diff_vs_reference: null, note: 'reference arm' });
    expect(table[1]).toMatchObject({ excluded_baseline: 'not_scored=1', mean_change: 0, diff_vs_reference: 4, reference_arm: 'mbpm', note: '' });
    expect(table[2]).toMatchObject({ n_baseline: 2, mean_baseline: 4, followup_timepoint: null, n_followup: null, mean_change: null, reference_arm: null, note: 'arm does not get week8: baseline only' });
  });
});

describe('the trajectory figure', () => {
  const summary = outcomeSummary([...rows, row('M1', 'mbpm', 'baseline', 5, 'complete', 'peg', 'peg3'), row('M1', 'mbpm', 'week8', 4, 'complete', 'peg', 'peg3')], options);
  const labels = {
    title: 'MBPM & friends <demo>',
    timepoints: options.timepoints,
    arms: options.arms,
    scales: [
      { instrument: 'phq9', scale: 'total', instrumentName: 'Patient Health Questionnaire-9', label: 'Depression severity (PHQ-9 total)' },
      { instrument: 'peg3', scale: 'peg', instrumentName: 'PEG three-item pain scale', label: 'PEG score (mean of pain, enjoyment and activity, 0–10)' },
    ],
  };
  const svg = trajectorySvg(summary, labels);
  const doc = new DOMParser({ onError: (level, message) => { throw new Error(`${level}: ${message}`); } }).parseFromString(svg, 'image/svg+xml');
  const all = (tag: string) => Array.from(doc.getElementsByTagName(tag));
  const byClass = (tag: string, cls: string) => all(tag).filter((e) => e.getAttribute('class') === cls);

  it('is well-formed SVG with a title and a description for screen readers', () => {
    const root = doc.documentElement!;
    expect(root.tagName).toBe('svg');
    expect(root.getAttribute('xmlns')).toBe('http://www.w3.org/2000/svg');
    expect(root.getAttribute('role')).toBe('img');
    expect(root.getAttribute('aria-labelledby')).toBe('tp-title tp-desc');
    const title = doc.getElementById('tp-title')!;
    expect(title.textContent).toBe('MBPM & friends <demo>: outcome trajectories by arm (mean ± 95% CI)');
    const desc = doc.getElementById('tp-desc')!.textContent!;
    expect(desc).toContain('MBPM course, Week 8: mean 8, 95% CI 3.03 to 12.97, n = 3');
    expect(desc).toContain('Healthy control, Baseline: mean 4, 95% CI -8.71 to 16.71, n = 2');
  });

  it('has one panel per scale, one line per arm in each, and the axis labels with units', () => {
    const panels = byClass('g', 'panel');
    expect(panels.map((p) => `${p.getAttribute('data-instrument')}.${p.getAttribute('data-scale')}`)).toEqual(['phq9.total', 'peg3.peg']);
    const phq9 = panels[0]!;
    const lines = Array.from(phq9.getElementsByTagName('path')).filter((p) => p.getAttribute('class') === 'arm-line');
    expect(lines.map((l) => l.getAttribute('data-arm'))).toEqual(['mbpm', 'waitlist', 'healthy']);
    // healthy has one point (baseline only): a path of a single move.
    expect(lines[2]!.getAttribute('d')).toMatch(/^M[\d.]+,[\d.]+Z$/);
    const peg = Array.from(panels[1]!.getElementsByTagName('path')).filter((p) => p.getAttribute('class') === 'arm-line');
    // Only mbpm has a peg3 score; the other arms' n (0) is still in the table.
    expect(peg.map((l) => l.getAttribute('data-arm'))).toEqual(['mbpm']);
    const yLabels = byClass('text', 'y-label').map((t) => t.textContent);
    expect(yLabels).toEqual(['Depression severity (points)', 'PEG score (points, 0–10)']);
    expect(byClass('text', 'x-tick').map((t) => t.textContent)).toEqual(['Baseline', 'Week 8', 'Baseline', 'Week 8']);
    expect(byClass('text', 'x-label')[0]!.textContent).toBe('Timepoint');
  });

  it('distinguishes arms by Okabe–Ito colour, marker shape and dash, with a legend', () => {
    const lines = byClass('path', 'arm-line').slice(0, 3);
    expect(lines.map((l) => l.getAttribute('stroke'))).toEqual([okabeIto[0], okabeIto[1], okabeIto[2]]);
    expect(lines.map((l) => l.getAttribute('stroke-dasharray'))).toEqual([null, '7 4', '2 3']);
    const markerShapes = new Set(byClass('path', 'marker').map((m) => m.getAttribute('d')));
    expect(markerShapes.size).toBe(3);
    expect(byClass('g', 'legend-item').map((g) => g.textContent)).toEqual(['MBPM course (mbpm; circle)', 'Wait-list (waitlist; triangle)', 'Healthy control (healthy; square)']);
  });

  it('shows n per arm per timepoint and a CI bar where one exists', () => {
    const first = byClass('g', 'n-table')[0]!;
    const cells = Array.from(first.getElementsByTagName('text')).filter((t) => t.getAttribute('class') === 'n').map((t) => t.textContent);
    // mbpm 4, 3 · waitlist 3, 4 · healthy 2, – (no week 8)
    expect(cells).toEqual(['4', '3', '3', '4', '2', '–']);
    const panels = byClass('g', 'panel');
    expect(Array.from(panels[0]!.getElementsByTagName('path')).filter((p) => p.getAttribute('class') === 'ci')).toHaveLength(5);
    // peg3 has n = 1 at each timepoint: markers, no CI bars.
    expect(Array.from(panels[1]!.getElementsByTagName('path')).filter((p) => p.getAttribute('class') === 'ci')).toHaveLength(0);
  });

  it('needs nothing from outside: no scripts, links, external fonts or images', () => {
    expect(all('script')).toHaveLength(0);
    expect(all('image')).toHaveLength(0);
    expect(all('style')).toHaveLength(0);
    expect(svg).not.toMatch(/href|url\(|@import|@font-face|<foreignObject/i);
  });

  it('still renders, saying so, when nothing is scored', () => {
    const empty = trajectorySvg(outcomeSummary([], options), labels);
    expect(new DOMParser().parseFromString(empty, 'image/svg+xml').getElementsByTagName('svg')).toHaveLength(1);
    expect(empty).toContain('No scored data yet.');
  });
});

describe('axis labels from scale labels', () => {
  it.each([
    ['Physical Function (4a), T-score', 'Physical Function (T-score)'],
    ['Depression severity (PHQ-9 total)', 'Depression severity (points)'],
    ['Noticing (mean of items 1–4; 0–5)', 'Noticing (points, 0–5)'],
    ['PRI sensory (sum of descriptors 1–11, 0–33)', 'PRI sensory (points, 0–33)'],
    ['Visual analogue scale (0–100 mm)', 'Visual analogue scale (mm, 0–100)'],
    ['WHO-5 percentage score (raw × 4, 0–100; higher is better)', 'WHO-5 percentage score (%, 0–100)'],
    ['Patient activation score (0–100) and level (1–4), from the licensed Insignia scoring', 'Patient activation score (points, 0–100)'],
  ])('%s → %s', (label, expected) => {
    expect(axisLabel(label)).toBe(expected);
  });
});
