import { minimisationSettings, randomisedArms, type AllocationConfig } from './allocation-config';
import { chance, pick, pickWeighted, type RandomSource } from './random';
import type { StrataValues } from './strata';

/** Participants per arm at each level of each factor: `totals[factor][level][arm]`. */
export type MarginalTotals = Record<string, Record<string, Record<string, number>>>;

/** How a factor level's counts (each divided by its arm's ratio) spread: range or variance. */
function spread(values: number[], measure: 'range' | 'variance'): number {
  if (measure === 'range') return Math.max(...values) - Math.min(...values);
  const mean = values.reduce((a, b) => a + b, 0) / values.length;
  return values.reduce((sum, v) => sum + (v - mean) ** 2, 0) / values.length;
}

/**
 * Pocock & Simon's total imbalance G(a) if the new participant were assigned to arm `a`, for
 * every randomised arm: the weighted sum over factors of the spread of the counts at the
 * participant's level, each count divided by its arm's ratio (so unequal ratios balance to them).
 */
export function imbalanceScores(config: AllocationConfig, totals: MarginalTotals, participant: StrataValues): Record<string, number> {
  const { imbalance, weight } = minimisationSettings(config);
  const arms = randomisedArms(config);
  return Object.fromEntries(
    arms.map((candidate) => {
      let score = 0;
      for (const factor of config.strata) {
        const here = totals[factor]?.[participant[factor]!] ?? {};
        const adjusted = arms.map((arm) => ((here[arm] ?? 0) + (arm === candidate ? 1 : 0)) / config.arms[arm]!);
        score += weight(factor) * spread(adjusted, imbalance);
      }
      return [candidate, score];
    }),
  );
}

/**
 * Pocock–Simon minimisation with a random element. The arms with the least total imbalance are
 * favoured: with `probability` one of them is chosen (uniformly if several tie), otherwise one
 * of the other arms (uniformly). When every arm ties (the first participant, or balance
 * whichever arm is chosen) the arm is drawn with the allocation ratios.
 */
export function minimise(config: AllocationConfig, totals: MarginalTotals, participant: StrataValues, random: RandomSource): string {
  const scores = imbalanceScores(config, totals, participant);
  const arms = randomisedArms(config);
  const best = Math.min(...arms.map((a) => scores[a]!));
  // Scores are sums of ratios of small integers: compare with a tolerance, not exactly.
  const favoured = arms.filter((a) => scores[a]! - best < 1e-9);
  if (favoured.length === arms.length) return pickWeighted(random, arms.map((arm) => ({ item: arm, weight: config.arms[arm]! })));
  const others = arms.filter((a) => !favoured.includes(a));
  return chance(random, minimisationSettings(config).probability) ? pick(random, favoured) : pick(random, others);
}

/** Marginal totals from per-stratum counts (each stratum names a level of every factor). */
export function marginalTotals(config: Pick<AllocationConfig, 'strata'>, counts: Record<string, Record<string, number>>, levelsOf: (stratum: string) => StrataValues): MarginalTotals {
  const totals: MarginalTotals = {};
  for (const [stratum, byArm] of Object.entries(counts)) {
    const levels = levelsOf(stratum);
    for (const factor of config.strata) {
      const level = levels[factor];
      if (level === undefined) continue;
      const cell = ((totals[factor] ??= {})[level] ??= {});
      for (const [arm, n] of Object.entries(byArm)) cell[arm] = (cell[arm] ?? 0) + n;
    }
  }
  return totals;
}
