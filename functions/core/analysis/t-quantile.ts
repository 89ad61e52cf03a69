import jStat from 'jstat';

/**
 * Above this many degrees of freedom jStat's incomplete-beta inversion loses accuracy (at 10⁹ it
 * is off in the third decimal), while Student's t is within 2.4 × 10⁻⁷ of the normal (the gap is
 * about (z³ + z) / 4ν): so from here on the normal quantile is used.
 */
export const NORMAL_ABOVE_DF = 1e7;

/**
 * The p-quantile of Student's t distribution with `df` degrees of freedom (df > 0, not
 * necessarily an integer, as Welch–Satterthwaite gives; `Infinity` for the normal limit).
 * Computed by jStat, accurate to about 10⁻⁸ relative (checked against published tables in
 * test/unit/outcome-summary.test.ts).
 */
export function tQuantile(p: number, df: number): number {
  if (!(p > 0 && p < 1)) throw new RangeError(`tQuantile: p must be in (0, 1), got ${p}`);
  if (!(df > 0)) throw new RangeError(`tQuantile: df must be positive, got ${df}`);
  if (df > NORMAL_ABOVE_DF) return jStat.normal.inv(p, 0, 1);
  return jStat.studentt.inv(p, df);
}
