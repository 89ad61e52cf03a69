/**
 * Randomness for allocation: a cryptographically secure generator in production
 * (adapters/system/crypto-random.ts), a seeded one in tests, so the algorithms here stay pure.
 */
export interface RandomSource {
  /** A uniformly distributed integer in [0, bound); `bound` is a positive safe integer. */
  int(bound: number): number;
}

const CHANCE_RESOLUTION = 1_000_000_000;

/** True with probability `p` (to one part in a billion). */
export function chance(random: RandomSource, p: number): boolean {
  return random.int(CHANCE_RESOLUTION) < Math.round(p * CHANCE_RESOLUTION);
}

/** One element, uniformly. */
export function pick<T>(random: RandomSource, items: readonly T[]): T {
  if (items.length === 0) throw new Error('pick from nothing');
  return items[random.int(items.length)]!;
}

/** One element, with probability proportional to its weight (positive integers). */
export function pickWeighted<T>(random: RandomSource, items: ReadonlyArray<{ item: T; weight: number }>): T {
  const total = items.reduce((sum, i) => sum + i.weight, 0);
  let draw = random.int(total);
  for (const { item, weight } of items) {
    if (draw < weight) return item;
    draw -= weight;
  }
  throw new Error('unreachable: weights must be positive integers');
}

/** A uniformly random permutation (Fisher–Yates), leaving the input untouched. */
export function shuffle<T>(random: RandomSource, items: readonly T[]): T[] {
  const out = [...items];
  for (let i = out.length - 1; i > 0; i--) {
    const j = random.int(i + 1);
    [out[i], out[j]] = [out[j]!, out[i]!];
  }
  return out;
}
