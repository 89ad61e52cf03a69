import { badRequest } from '../errors';
import type { LongRow } from '../export/long-rows';
import { tQuantile } from './t-quantile';

/**
 * The outcome summary of a study, like a trial's results table, computed from the long export
 * rows: per instrument × scale × arm, baseline and follow-up descriptives, the within-arm change
 * with its 95% CI and paired effect size, and each arm's difference in change from a reference
 * arm (Welch). Every formula and choice is in docs/outcome-summary.md. Pure: no I/O.
 */

/** Only scores with these statuses count; every other row (not_scored, or a questionnaire not completed) is excluded and counted. */
export const countedStatuses: ReadonlySet<string> = new Set(['complete', 'prorated']);

/** Two-sided confidence level of every interval. */
export const CONFIDENCE = 0.95;

/** Reported statistics are rounded to this many significant digits, which removes floating-point noise (0.1 + 0.2) and nothing else. */
export const SIGNIFICANT_DIGITS = 12;

export interface SummaryTimepoint {
  id: string;
  label?: string;
  /** The arms that get this timepoint in the protocol. */
  arms: string[];
}

export interface SummaryArm {
  id: string;
  label?: string;
}

export interface OutcomeSummaryOptions {
  /** The protocol's timepoints in schedule order (`scheduleOrder`); the first is the baseline. */
  timepoints: SummaryTimepoint[];
  /** The study's arms in order. */
  arms: SummaryArm[];
  /** The follow-up timepoint (default: the last timepoint the reference arm gets). */
  followup?: string | undefined;
  /** The arm every other arm's change is compared with (default: the first arm in `arms` that gets the follow-up). */
  reference?: string | undefined;
}

/** Descriptives of one arm × timepoint × scale. `excluded` counts rows not counted, by their status. */
export interface Descriptives {
  n: number;
  mean: number | null;
  /** Sample SD (n − 1 denominator); null when n < 2. */
  sd: number | null;
  /** 95% CI of the mean: mean ± t(0.975, n − 1) · sd / √n; null when n < 2 or sd = 0. */
  ciLow: number | null;
  ciHigh: number | null;
  nExcluded: number;
  excluded: Record<string, number>;
}

export interface ChangeSummary {
  /** Participants with a counted value at both baseline and follow-up. */
  n: number;
  /** Mean of (follow-up − baseline) over those participants. */
  mean: number | null;
  sd: number | null;
  ciLow: number | null;
  ciHigh: number | null;
  /** Degrees of freedom of the CI: n − 1. */
  df: number | null;
  /** Cohen's d_z = mean change / SD of change; null when n < 2 or the SD is 0. */
  dz: number | null;
  /** Cohen's d_av = mean change / ((SD baseline + SD follow-up) / 2), both SDs over the same paired participants; null when n < 2 or both SDs are 0. */
  dav: number | null;
}

export interface DifferenceSummary {
  reference: string;
  /** This arm's mean change − the reference arm's mean change. */
  difference: number | null;
  /** √(s₁²/n₁ + s₂²/n₂). */
  se: number | null;
  /** Welch–Satterthwaite degrees of freedom. */
  df: number | null;
  ciLow: number | null;
  ciHigh: number | null;
}

export interface ArmSummary {
  instrument: string;
  scale: string;
  arm: string;
  baseline: Descriptives;
  /** Null when the arm does not get the follow-up timepoint (e.g. healthy controls): baseline columns only. */
  followup: Descriptives | null;
  change: ChangeSummary | null;
  /** Null for the reference arm itself and for arms without the follow-up. */
  vsReference: DifferenceSummary | null;
}

export interface TrajectoryPoint extends Descriptives {
  instrument: string;
  scale: string;
  arm: string;
  timepoint: string;
}

export interface OutcomeSummary {
  baseline: string;
  followup: string;
  reference: string;
  confidence: number;
  /** The arms summarised, in study order (arms found only in the data follow, sorted). */
  arms: string[];
  /** The timepoints in protocol order (timepoints found only in the data follow, sorted). */
  timepoints: string[];
  /** The arms that get the follow-up timepoint. */
  followupArms: string[];
  /** instrument × scale in the order they first appear in the rows. */
  scales: Array<{ instrument: string; scale: string }>;
  rows: ArmSummary[];
  /** Descriptives at every timepoint, for the trajectory plot. */
  trajectories: TrajectoryPoint[];
}

/** Numbers a long row's value may hold: a number, or a numeric string when read back from CSV. */
function numericValue(value: LongRow['value']): number | null {
  if (typeof value === 'number') return Number.isFinite(value) ? value : null;
  if (typeof value === 'string' && value.trim() !== '') {
    const n = Number(value);
    return Number.isFinite(n) ? n : null;
  }
  return null;
}

const round = (x: number): number => {
  const r = Number(x.toPrecision(SIGNIFICANT_DIGITS));
  return Object.is(r, -0) ? 0 : r;
};
const rounded = (x: number | null): number | null => (x === null ? null : round(x));

const sum = (xs: readonly number[]) => xs.reduce((a, b) => a + b, 0);
const mean = (xs: readonly number[]): number | null => (xs.length === 0 ? null : sum(xs) / xs.length);

/**
 * Sample SD with the n − 1 denominator; null when n < 2. Values equal up to floating-point noise
 * (a spread within 10⁻¹² of `magnitude`, the size of the numbers they were computed from) have
 * SD exactly 0, so that e.g. changes 0.3 − 0.1 and 0.5 − 0.3 give SD 0 rather than 10⁻¹⁷.
 */
export function sampleSd(xs: readonly number[], magnitude = Math.max(0, ...xs.map(Math.abs))): number | null {
  if (xs.length < 2) return null;
  const spread = Math.max(...xs) - Math.min(...xs);
  if (spread <= 1e-12 * magnitude) return 0;
  const m = sum(xs) / xs.length;
  return Math.sqrt(sum(xs.map((x) => (x - m) ** 2)) / (xs.length - 1));
}

/** mean ± t(0.975, df) · se; null when there are no degrees of freedom or no spread (the t interval is then undefined). */
function interval(centre: number | null, se: number | null, df: number | null): [number | null, number | null] {
  if (centre === null || se === null || df === null || !(df > 0) || !(se > 0)) return [null, null];
  const half = tQuantile(1 - (1 - CONFIDENCE) / 2, df) * se;
  return [centre - half, centre + half];
}

function describe(values: readonly number[], excluded: Record<string, number>): Descriptives {
  const m = mean(values);
  const sd = sampleSd(values);
  const [ciLow, ciHigh] = interval(m, sd === null ? null : sd / Math.sqrt(values.length), values.length - 1);
  return {
    n: values.length,
    mean: rounded(m),
    sd: rounded(sd),
    ciLow: rounded(ciLow),
    ciHigh: rounded(ciHigh),
    nExcluded: sum(Object.values(excluded)),
    excluded: { ...excluded },
  };
}

/** Within-arm change from paired values (baseline, follow-up) of the same participants. */
export function pairedChange(pairs: ReadonlyArray<readonly [number, number]>): ChangeSummary & { raw: { mean: number | null; sd: number | null } } {
  const n = pairs.length;
  const changes = pairs.map(([b, f]) => f - b);
  const magnitude = Math.max(0, ...pairs.flat().map(Math.abs));
  const m = mean(changes);
  const sd = sampleSd(changes, magnitude);
  const df = n >= 2 ? n - 1 : null;
  const [ciLow, ciHigh] = interval(m, sd === null ? null : sd / Math.sqrt(n), df);
  const sdBaseline = sampleSd(pairs.map(([b]) => b));
  const sdFollowup = sampleSd(pairs.map(([, f]) => f));
  const averageSd = sdBaseline === null || sdFollowup === null ? null : (sdBaseline + sdFollowup) / 2;
  return {
    n,
    mean: rounded(m),
    sd: rounded(sd),
    ciLow: rounded(ciLow),
    ciHigh: rounded(ciHigh),
    df,
    dz: m !== null && sd !== null && sd > 0 ? round(m / sd) : null,
    dav: m !== null && averageSd !== null && averageSd > 0 ? round(m / averageSd) : null,
    raw: { mean: m, sd },
  };
}

/**
 * Difference between two arms' mean changes (a − reference) with Welch's CI:
 * se = √(s₁²/n₁ + s₂²/n₂), df = (s₁²/n₁ + s₂²/n₂)² / ((s₁²/n₁)²/(n₁ − 1) + (s₂²/n₂)²/(n₂ − 1)).
 * The difference needs both means; the CI needs n ≥ 2 in both arms and a positive se.
 */
export function welchDifference(
  a: { n: number; mean: number | null; sd: number | null },
  ref: { n: number; mean: number | null; sd: number | null },
  reference: string,
): DifferenceSummary {
  const difference = a.mean === null || ref.mean === null ? null : a.mean - ref.mean;
  let se: number | null = null;
  let df: number | null = null;
  if (difference !== null && a.sd !== null && ref.sd !== null && a.n >= 2 && ref.n >= 2) {
    const va = a.sd ** 2 / a.n;
    const vr = ref.sd ** 2 / ref.n;
    se = Math.sqrt(va + vr);
    df = va + vr > 0 ? (va + vr) ** 2 / (va ** 2 / (a.n - 1) + vr ** 2 / (ref.n - 1)) : null;
  }
  const [ciLow, ciHigh] = interval(difference, se, df);
  return { reference, difference: rounded(difference), se: rounded(se), df: rounded(df), ciLow: rounded(ciLow), ciHigh: rounded(ciHigh) };
}

/** Items in `preferred` order first, then the rest sorted. */
const ordered = (preferred: readonly string[], found: Iterable<string>): string[] => {
  const seen = new Set(found);
  return [...preferred, ...[...seen].filter((x) => !preferred.includes(x)).sort()];
};

/**
 * Checks `followup` and `reference` against the protocol and resolves their defaults; bad values
 * are 400s naming the parameter. The baseline is the first timepoint in schedule order. Without a
 * reference, it is the study's first arm that gets the follow-up (or, with no follow-up given,
 * the first arm that gets any timepoint after the baseline); without a follow-up, it is the last
 * timepoint the reference arm gets.
 */
export function resolveSummaryParameters(options: OutcomeSummaryOptions): { baseline: string; followup: string; reference: string; followupArms: string[] } {
  const ids = options.timepoints.map((t) => t.id);
  const baseline = ids[0];
  if (baseline === undefined) throw badRequest('timepoints', 'the protocol has no timepoints');
  const later = ids.slice(1);
  if (options.followup !== undefined) {
    if (!ids.includes(options.followup)) throw badRequest('followup', `unknown timepoint "${options.followup}" (the protocol's are: ${ids.join(', ')})`);
    if (options.followup === baseline) {
      throw badRequest('followup', `"${options.followup}" is the baseline; choose a later timepoint (${later.join(', ') || 'the protocol has none'})`);
    }
  }
  const armIds = options.arms.map((a) => a.id);
  if (options.reference !== undefined && !armIds.includes(options.reference)) {
    throw badRequest('reference', `unknown arm "${options.reference}" (the study's are: ${armIds.join(', ')})`);
  }
  const gets = (arm: string, timepoint: string) => options.timepoints.find((t) => t.id === timepoint)?.arms.includes(arm) === true;
  const reference =
    options.reference ?? armIds.find((arm) => (options.followup !== undefined ? gets(arm, options.followup) : later.some((t) => gets(arm, t))));
  if (reference === undefined) {
    throw badRequest('followup', options.followup !== undefined ? `no arm gets "${options.followup}"` : 'no arm gets a timepoint after the baseline');
  }
  const followup = options.followup ?? later.filter((t) => gets(reference, t)).at(-1);
  if (followup === undefined) throw badRequest('reference', `arm "${reference}" gets no timepoint after the baseline, so has no change to compare with`);
  const getsFollowup = options.timepoints.find((t) => t.id === followup)!.arms;
  const followupArms = ordered(armIds.filter((a) => getsFollowup.includes(a)), getsFollowup);
  if (!followupArms.includes(reference)) {
    throw badRequest('reference', `arm "${reference}" does not get "${followup}", so has no change to compare with (choose one of: ${followupArms.join(', ')})`);
  }
  return { baseline, followup, reference, followupArms };
}

const key = (...parts: string[]) => parts.join('\u0000');

/**
 * The outcome summary of a study's long rows. A participant's arm is the row's arm (their current
 * arm). Rows whose status is complete or prorated and whose value is a number count; every other
 * row is excluded and counted under its status (`no_value` for a counted status without a value).
 */
export function outcomeSummary(rows: Iterable<LongRow>, options: OutcomeSummaryOptions): OutcomeSummary {
  const { baseline, followup, reference, followupArms: protocolFollowupArms } = resolveSummaryParameters(options);

  const scales: Array<{ instrument: string; scale: string }> = [];
  const seenScales = new Set<string>();
  const armsFound = new Set<string>();
  const timepointsFound = new Set<string>();
  /** instrument × scale × arm × timepoint → participant → value */
  const values = new Map<string, Map<string, number>>();
  /** instrument × scale × arm × timepoint → status → count */
  const excluded = new Map<string, Record<string, number>>();

  for (const row of rows) {
    const instrument = String(row.instrument);
    const scale = String(row.scale);
    const arm = String(row.arm);
    const timepoint = String(row.timepoint);
    const participant = String(row.participant);
    const scaleKey = key(instrument, scale);
    if (!seenScales.has(scaleKey)) {
      seenScales.add(scaleKey);
      scales.push({ instrument, scale });
    }
    armsFound.add(arm);
    timepointsFound.add(timepoint);
    const cell = key(instrument, scale, arm, timepoint);
    const status = String(row.status ?? 'unknown');
    const value = numericValue(row.value);
    if (countedStatuses.has(status) && value !== null) {
      const byParticipant = values.get(cell) ?? new Map<string, number>();
      if (byParticipant.has(participant)) {
        throw new Error(`outcomeSummary: two rows for ${participant} ${timepoint} ${instrument}.${scale}`);
      }
      values.set(cell, byParticipant.set(participant, value));
    } else {
      const reason = countedStatuses.has(status) ? 'no_value' : status;
      const counts = excluded.get(cell) ?? {};
      counts[reason] = (counts[reason] ?? 0) + 1;
      excluded.set(cell, counts);
    }
  }

  const arms = ordered(options.arms.map((a) => a.id), armsFound);
  const timepoints = ordered(options.timepoints.map((t) => t.id), timepointsFound);
  const armsAt = new Map(options.timepoints.map((t) => [t.id, new Set(t.arms)]));
  const has = (cell: string) => values.has(cell) || excluded.has(cell);
  /** An arm gets a timepoint if the protocol says so or (after an arm change) the data has rows there. */
  const getsTimepoint = (arm: string, timepoint: string) =>
    armsAt.get(timepoint)?.has(arm) === true || scales.some((s) => has(key(s.instrument, s.scale, arm, timepoint)));
  const followupArms = arms.filter((arm) => protocolFollowupArms.includes(arm) || getsTimepoint(arm, followup));

  const trajectories: TrajectoryPoint[] = [];
  for (const { instrument, scale } of scales) {
    for (const arm of arms) {
      for (const timepoint of timepoints) {
        if (!getsTimepoint(arm, timepoint)) continue;
        const cell = key(instrument, scale, arm, timepoint);
        trajectories.push({ instrument, scale, arm, timepoint, ...describe([...(values.get(cell)?.values() ?? [])], excluded.get(cell) ?? {}) });
      }
    }
  }

  const summaryRows: ArmSummary[] = [];
  for (const { instrument, scale } of scales) {
    const changes = new Map<string, ReturnType<typeof pairedChange>>();
    for (const arm of followupArms) {
      const before = values.get(key(instrument, scale, arm, baseline)) ?? new Map<string, number>();
      const after = values.get(key(instrument, scale, arm, followup)) ?? new Map<string, number>();
      const pairs = [...before].filter(([p]) => after.has(p)).map(([p, b]) => [b, after.get(p)!] as const);
      changes.set(arm, pairedChange(pairs));
    }
    const referenceChange = changes.get(reference);
    for (const arm of arms) {
      const cell = (timepoint: string) => key(instrument, scale, arm, timepoint);
      const describeAt = (timepoint: string) => describe([...(values.get(cell(timepoint))?.values() ?? [])], excluded.get(cell(timepoint)) ?? {});
      const change = changes.get(arm);
      if (change === undefined) {
        summaryRows.push({ instrument, scale, arm, baseline: describeAt(baseline), followup: null, change: null, vsReference: null });
        continue;
      }
      const { raw, ...changeSummary } = change;
      summaryRows.push({
        instrument,
        scale,
        arm,
        baseline: describeAt(baseline),
        followup: describeAt(followup),
        change: changeSummary,
        vsReference:
          referenceChange !== undefined && arm !== reference
            ? welchDifference({ n: change.n, ...raw }, { n: referenceChange.n, ...referenceChange.raw }, reference)
            : null,
      });
    }
  }

  return { baseline, followup, reference, confidence: CONFIDENCE, arms, timepoints, followupArms, scales, rows: summaryRows, trajectories };
}
