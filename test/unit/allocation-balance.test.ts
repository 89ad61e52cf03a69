import { describe, expect, it } from 'vitest';
import { allocationSchema, type AllocationConfig } from '../../functions/core/allocation/allocation-schema';
import { allocate, emptyAllocationState, recordManual, type AllocationState } from '../../functions/core/allocation/allocate';
import { imbalanceScores, marginalTotals, minimise } from '../../functions/core/allocation/minimisation';
import { newBlock } from '../../functions/core/allocation/permuted-blocks';
import { levelsOf, stratumOf, strataProblems } from '../../functions/core/allocation/strata';
import type { RandomSource } from '../../functions/core/allocation/random';
import { seededRandom } from '../helpers/seeded-random';

/** Simulated trials: each run enrols `size` participants whose levels are drawn from unequal prevalences. */
const RUNS = 1_000;
const TRIAL_SIZE = 100;

const sites = ['lyon', 'lyon', 'paris', 'marseille'];
const drawParticipant = (random: RandomSource) => ({ site: sites[random.int(sites.length)]!, sex: ['f', 'm'][random.int(2)]! });
const levels = { site: ['lyon', 'paris', 'marseille'], sex: ['f', 'm'] };

function simulate(config: AllocationConfig, random: RandomSource, size: number, check: (state: AllocationState) => void): AllocationState {
  let state = emptyAllocationState();
  for (let i = 0; i < size; i++) {
    state = allocate(config, state, drawParticipant(random), random).state;
    check(state);
  }
  return state;
}

const spreadOf = (counts: Record<string, number>, arms: string[], ratios: Record<string, number> = {}) => {
  const adjusted = arms.map((a) => (counts[a] ?? 0) / (ratios[a] ?? 1));
  return Math.max(...adjusted) - Math.min(...adjusted);
};

describe('permuted blocks', () => {
  const config = allocationSchema().parse({ method: 'blocked', arms: { mbpm: 1, waitlist: 1 }, blockSizes: [4, 6], strata: ['site', 'sex'], levels });

  it(`keeps every stratum within half the largest block at every allocation, in ${RUNS} simulated trials of ${TRIAL_SIZE}`, { timeout: 60_000 }, () => {
    const random = seededRandom(15);
    let worst = 0;
    for (let run = 0; run < RUNS; run++) {
      simulate(config, random, TRIAL_SIZE, (state) => {
        for (const counts of Object.values(state.counts)) worst = Math.max(worst, spreadOf(counts, ['mbpm', 'waitlist']));
      });
    }
    expect(worst).toBeLessThanOrEqual(Math.max(...config.blockSizes!) / 2);
    // Blocks do get unbalanced mid-way (the bound is reached), or the sequence would be predictable.
    expect(worst).toBe(3);
  });

  it('balances each stratum exactly whenever a block ends, and draws both block sizes', () => {
    const random = seededRandom(7);
    const sizes = new Map<number, number>();
    for (let i = 0; i < 2_000; i++) {
      const block = newBlock(config, random);
      sizes.set(block.length, (sizes.get(block.length) ?? 0) + 1);
      expect(block.filter((a) => a === 'mbpm')).toHaveLength(block.length / 2);
    }
    expect([...sizes.keys()].sort()).toEqual([4, 6]);
    // Sizes are drawn uniformly: neither is rare.
    expect(Math.min(...sizes.values())).toBeGreaterThan(900);
  });

  it('respects unequal ratios: 2:1 blocks of 6 hold four of one arm and two of the other', () => {
    const twoToOne = allocationSchema().parse({ method: 'blocked', arms: { mbpm: 2, waitlist: 1 }, blockSizes: [3, 6] });
    const random = seededRandom(3);
    let state = emptyAllocationState();
    for (let i = 0; i < 3_000; i++) state = allocate(twoToOne, state, {}, random).state;
    const counts = state.counts.all!;
    // 3,000 is a multiple of both sizes only by chance; the ratio holds to within one block.
    expect(Math.abs(counts.mbpm! - 2 * counts.waitlist!)).toBeLessThanOrEqual(6);
  });

  it('orders each block at random: every one of the six orders of a block of four appears about as often', () => {
    const random = seededRandom(11);
    const four = allocationSchema().parse({ method: 'blocked', arms: { a: 1, b: 1 }, blockSizes: [4] });
    const seen = new Map<string, number>();
    for (let i = 0; i < 6_000; i++) {
      const key = newBlock(four, random).join('');
      seen.set(key, (seen.get(key) ?? 0) + 1);
    }
    expect(seen.size).toBe(6);
    for (const n of seen.values()) expect(n).toBeGreaterThan(850);
  });
});

describe('Pocock–Simon minimisation', () => {
  const oneFactor = allocationSchema().parse({ method: 'minimisation', arms: { mbpm: 1, waitlist: 1 }, strata: ['site'], levels: { site: levels.site } });
  const twoFactors = (probability?: number) =>
    allocationSchema().parse({ method: 'minimisation', arms: { mbpm: 1, waitlist: 1 }, strata: ['site', 'sex'], levels, ...(probability ? { probability } : {}) });

  /** Per factor level, the share of runs whose marginal imbalance at the end is at most 2. */
  function shareBalanced(config: AllocationConfig, seed: number): Map<string, number> {
    const random = seededRandom(seed);
    const balanced = new Map<string, number>();
    for (let run = 0; run < RUNS; run++) {
      const state = simulate(config, random, TRIAL_SIZE, () => {});
      for (const [factor, byLevel] of Object.entries(marginalTotals(config, state.counts, levelsOf))) {
        for (const [level, counts] of Object.entries(byLevel)) {
          const key = `${factor}=${level}`;
          balanced.set(key, (balanced.get(key) ?? 0) + (spreadOf(counts, ['mbpm', 'waitlist']) <= 2 ? 1 : 0));
        }
      }
    }
    return new Map([...balanced].map(([k, v]) => [k, v / RUNS]));
  }

  it(`with the default p = 0.8 on one factor, keeps every level's marginal imbalance ≤ 2 in ≥ 95 % of ${RUNS} runs`, { timeout: 60_000 }, () => {
    const shares = shareBalanced(oneFactor, 21);
    expect(shares.size).toBe(3);
    for (const share of shares.values()) expect(share).toBeGreaterThanOrEqual(0.95);
  });

  it('on two factors (site × sex) reaches ≥ 95 % per level at p = 0.9; the default 0.8 gives about 90 % (docs/randomisation.md)', { timeout: 120_000 }, () => {
    for (const share of shareBalanced(twoFactors(0.9), 22).values()) expect(share).toBeGreaterThanOrEqual(0.95);
    const atDefault = [...shareBalanced(twoFactors(), 23).values()];
    for (const share of atDefault) expect(share).toBeGreaterThanOrEqual(0.85);
    // The documented figure: the default does not reach 95 % with two factors.
    expect(Math.min(...atDefault)).toBeLessThan(0.95);
  });

  it('balances far better than simple randomisation would (whose imbalance grows like √n)', { timeout: 60_000 }, () => {
    const random = seededRandom(5);
    const state = simulate(twoFactors(), random, 1_000, () => {});
    const overall = Object.values(state.counts).reduce<Record<string, number>>((sum, c) => ({ mbpm: (sum.mbpm ?? 0) + (c.mbpm ?? 0), waitlist: (sum.waitlist ?? 0) + (c.waitlist ?? 0) }), {});
    expect(Math.abs(overall.mbpm! - overall.waitlist!)).toBeLessThanOrEqual(4);
  });

  it('assigns the imbalance-minimising arm with probability p (0.8 by default), and the other otherwise', () => {
    const random = seededRandom(9);
    // Lyon has one more participant on mbpm: waitlist minimises the imbalance.
    const totals = { site: { lyon: { mbpm: 3, waitlist: 2 } } };
    let favoured = 0;
    for (let i = 0; i < 10_000; i++) if (minimise(oneFactor, totals, { site: 'lyon' }, random) === 'waitlist') favoured++;
    expect(favoured / 10_000).toBeGreaterThan(0.78);
    expect(favoured / 10_000).toBeLessThan(0.82);
  });

  it('breaks a tie at random', () => {
    const random = seededRandom(10);
    let mbpm = 0;
    for (let i = 0; i < 10_000; i++) if (minimise(oneFactor, {}, { site: 'paris' }, random) === 'mbpm') mbpm++;
    expect(mbpm / 10_000).toBeGreaterThan(0.48);
    expect(mbpm / 10_000).toBeLessThan(0.52);
  });

  it('balances to unequal ratios: 2:1 minimisation allocates two to one', { timeout: 60_000 }, () => {
    const random = seededRandom(12);
    const twoToOne = allocationSchema().parse({ method: 'minimisation', arms: { mbpm: 2, waitlist: 1 }, strata: ['site', 'sex'], levels });
    const state = simulate(twoToOne, random, 3_000, () => {});
    const mbpm = Object.values(state.counts).reduce((n, c) => n + (c.mbpm ?? 0), 0);
    expect(mbpm / 3_000).toBeGreaterThan(0.65);
    expect(mbpm / 3_000).toBeLessThan(0.68);
  });

  it('scores imbalance by range or by variance, weighting factors', () => {
    const weighted = allocationSchema().parse({ method: 'minimisation', arms: { a: 1, b: 1, c: 1 }, strata: ['site', 'sex'], levels, weights: { site: 2 }, imbalance: 'variance' });
    const totals = { site: { lyon: { a: 2, b: 1, c: 0 } }, sex: { f: { a: 0, b: 1, c: 1 } } };
    const scores = imbalanceScores(weighted, totals, { site: 'lyon', sex: 'f' });
    // Assigning to c: lyon (2,1,1) variance 2/9, f (0,1,2) variance 6/9 → 2·2/9 + 6/9.
    expect(scores.c).toBeCloseTo((2 * 2) / 9 + 6 / 9, 10);
    expect(Object.entries(scores).sort(([, x], [, y]) => x - y)[0]![0]).toBe('c');
  });
});

describe('allocation design and strata', () => {
  it('refuses block sizes that are not multiples of the ratios, minimisation without factors, and levels of undeclared factors', () => {
    const problems = (input: unknown) => allocationSchema().safeParse(input).error?.issues.map((i) => `${i.path.join('.')}: ${i.message}`) ?? [];
    expect(problems({ method: 'blocked', arms: { a: 2, b: 1 }, blockSizes: [4] })).toEqual(['blockSizes.0: 4 is not a multiple of 3, the sum of the arms\' ratios']);
    expect(problems({ method: 'minimisation', arms: { a: 1, b: 1 } })).toEqual(['strata: minimisation needs at least one factor']);
    expect(problems({ method: 'blocked', arms: { a: 1 }, blockSizes: [2] })).toContain('arms: at least two randomised arms');
    expect(problems({ method: 'blocked', arms: { a: 1, b: 1 }, blockSizes: [2], strata: ['site'] })).toContain('levels.site: give the levels of factor "site" (e.g. ["lyon", "paris"])');
    expect(problems({ method: 'minimisation', arms: { a: 1, b: 1 }, strata: ['site'], levels: { site: ['x'] }, probability: 1 })[0]).toMatch(/^probability: /);
  });

  it('names a stratum by every factor level in declared order, and checks every enrolment’s strata', () => {
    const config = allocationSchema().parse({ method: 'blocked', arms: { a: 1, b: 1 }, blockSizes: [2], strata: ['site', 'sex'], levels });
    expect(stratumOf(config, { sex: 'f', site: 'lyon' })).toBe('site=lyon|sex=f');
    expect(levelsOf('site=lyon|sex=f')).toEqual({ site: 'lyon', sex: 'f' });
    expect(strataProblems(config, { site: 'nice', age: '40' })).toEqual([
      { field: 'strata.site', message: '"nice" is not a level of site (one of: lyon, paris, marseille)' },
      { field: 'strata.sex', message: 'required (one of: f, m)' },
      { field: 'strata.age', message: "unknown factor (this study's: site, sex)" },
    ]);
  });

  it('counts an arm chosen by hand towards the balance without taking a place in any block', () => {
    const config = allocationSchema().parse({ method: 'blocked', arms: { a: 1, b: 1 }, blockSizes: [2], strata: ['sex'], levels: { sex: ['f', 'm'] } });
    const random = seededRandom(1);
    const first = allocate(config, emptyAllocationState(), { sex: 'f' }, random);
    const manual = recordManual(config, first.state, { sex: 'f' }, 'a');
    expect(manual.state.sealed).toEqual(first.state.sealed);
    expect(manual.state.counts['sex=f']).toEqual({ ...first.state.counts['sex=f'], a: (first.state.counts['sex=f']!.a ?? 0) + 1 });
    // The block continues where it was: its second arm is the other one.
    const second = allocate(config, manual.state, { sex: 'f' }, random);
    expect(second.arm).not.toBe(first.arm);
  });
});
