import type { Descriptives, OutcomeSummary } from './outcome-summary';

/** The columns of the outcome summary CSV, in order: one row per instrument × scale × arm. */
export const summaryColumns = [
  'instrument',
  'scale',
  'arm',
  'baseline_timepoint',
  'followup_timepoint',
  'n_baseline',
  'mean_baseline',
  'sd_baseline',
  'n_excluded_baseline',
  'n_followup',
  'mean_followup',
  'sd_followup',
  'n_excluded_followup',
  'n_paired',
  'mean_change',
  'sd_change',
  'change_ci_low',
  'change_ci_high',
  'change_df',
  'd_z',
  'd_av',
  'reference_arm',
  'diff_vs_reference',
  'diff_se',
  'diff_df',
  'diff_ci_low',
  'diff_ci_high',
  'excluded_baseline',
  'excluded_followup',
  'note',
] as const;

export type SummaryCsvRow = Record<(typeof summaryColumns)[number], string | number | null>;

/** `expired=2; not_scored=1`: the excluded rows by status, sorted by status. */
const excludedDetail = (d: Descriptives | null): string | null =>
  d === null
    ? null
    : Object.entries(d.excluded)
        .sort(([a], [b]) => a.localeCompare(b))
        .map(([status, n]) => `${status}=${n}`)
        .join('; ');

/**
 * The summary as flat rows for CSV: empty cells where a statistic is not estimable (n < 2, SD 0)
 * or does not apply (follow-up columns of an arm without the follow-up; comparison columns of
 * the reference arm), with a note saying which.
 */
export function* summaryTableRows(summary: OutcomeSummary): Generator<SummaryCsvRow> {
  for (const row of summary.rows) {
    const { baseline: b, followup: f, change: c, vsReference: d } = row;
    const note = f === null ? `arm does not get ${summary.followup}: baseline only` : row.arm === summary.reference ? 'reference arm' : '';
    yield {
      instrument: row.instrument,
      scale: row.scale,
      arm: row.arm,
      baseline_timepoint: summary.baseline,
      followup_timepoint: f === null ? null : summary.followup,
      n_baseline: b.n,
      mean_baseline: b.mean,
      sd_baseline: b.sd,
      n_excluded_baseline: b.nExcluded,
      n_followup: f?.n ?? null,
      mean_followup: f?.mean ?? null,
      sd_followup: f?.sd ?? null,
      n_excluded_followup: f?.nExcluded ?? null,
      n_paired: c?.n ?? null,
      mean_change: c?.mean ?? null,
      sd_change: c?.sd ?? null,
      change_ci_low: c?.ciLow ?? null,
      change_ci_high: c?.ciHigh ?? null,
      change_df: c?.df ?? null,
      d_z: c?.dz ?? null,
      d_av: c?.dav ?? null,
      reference_arm: f === null ? null : summary.reference,
      diff_vs_reference: d?.difference ?? null,
      diff_se: d?.se ?? null,
      diff_df: d?.df ?? null,
      diff_ci_low: d?.ciLow ?? null,
      diff_ci_high: d?.ciHigh ?? null,
      excluded_baseline: excludedDetail(b),
      excluded_followup: excludedDetail(f),
      note,
    };
  }
}
