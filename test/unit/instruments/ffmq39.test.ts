import { describe, expect, it } from 'vitest';
import { itHasAConsistentFormAndDefinition, loadInstrument } from './instrument-harness';

// Expected values computed by hand from Baer et al. 2006 / reference §2.9 (facets confirmed, errata 9):
// facet = sum; codes 1–5; reversed items (R) score 6 − x.
const { score } = loadInstrument('ffmq39');
const FACETS = {
  observe: { items: [1, 6, 11, 15, 20, 26, 31, 36], reversed: [] as number[] },
  describe: { items: [2, 7, 12, 16, 22, 27, 32, 37], reversed: [12, 16, 22] },
  act_aware: { items: [5, 8, 13, 18, 23, 28, 34, 38], reversed: [5, 8, 13, 18, 23, 28, 34, 38] },
  nonjudge: { items: [3, 10, 14, 17, 25, 30, 35, 39], reversed: [3, 10, 14, 17, 25, 30, 35, 39] },
  nonreact: { items: [4, 9, 19, 21, 24, 29, 33], reversed: [] as number[] },
};
const same = (code: number) => Object.fromEntries(Array.from({ length: 39 }, (_, i) => [`FFMQ_${i + 1}`, code]));
const facets = (answers: Record<string, number | null>) => {
  const s = score(answers).scales;
  return [s.observe?.value, s.describe?.value, s.act_aware?.value, s.nonjudge?.value, s.nonreact?.value, s.total?.value];
};

describe('FFMQ-39', () => {
  itHasAConsistentFormAndDefinition('ffmq39');

  it('all 1: reversed items score 5', () => {
    // observe 8×1; describe 5×1 + 3×5 = 20; act 8×5; nonjudge 8×5; nonreact 7×1; total 19×5 + 20×1 = 115
    expect(facets(same(1))).toEqual([8, 20, 40, 40, 7, 115]);
  });

  it('all 5: reversed items score 1', () => {
    // observe 40; describe 5×5 + 3×1 = 28; act 8; nonjudge 8; nonreact 35; total 20×5 + 19×1 = 119
    expect(facets(same(5))).toEqual([40, 28, 8, 8, 35, 119]);
  });

  it('all 3: the midpoint is its own reverse', () => {
    expect(facets(same(3))).toEqual([24, 24, 24, 24, 21, 117]);
  });

  it('most and least mindful patterns reach each facet’s range ends', () => {
    const pattern = (forward: number, reversed: number) => {
      const rev = new Set(Object.values(FACETS).flatMap((f) => f.reversed));
      return Object.fromEntries(Array.from({ length: 39 }, (_, i) => [`FFMQ_${i + 1}`, rev.has(i + 1) ? reversed : forward]));
    };
    expect(facets(pattern(5, 1))).toEqual([40, 40, 40, 40, 35, 195]);
    expect(facets(pattern(1, 5))).toEqual([8, 8, 8, 8, 7, 39]);
  });

  it('assigns every item to its facet', () => {
    // observe items 2 → 16; describe forward 3 (5×3 = 15) and reversed 2 (3×4 = 12) → 27;
    // act answered 4 → 8×2 = 16; nonjudge answered 5 → 8×1 = 8; nonreact answered 1 → 7; total 74
    const answers: Record<string, number> = {};
    const set = (nums: number[], code: number) => nums.forEach((n) => (answers[`FFMQ_${n}`] = code));
    set(FACETS.observe.items, 2);
    set([2, 7, 27, 32, 37], 3);
    set([12, 16, 22], 2);
    set(FACETS.act_aware.items, 4);
    set(FACETS.nonjudge.items, 5);
    set(FACETS.nonreact.items, 1);
    expect(Object.keys(answers)).toHaveLength(39);
    expect(facets(answers)).toEqual([16, 27, 16, 8, 7, 74]);
  });

  it('does not score a facet or the total with a missing item (no published rule)', () => {
    const s = score({ ...same(2), FFMQ_20: null }).scales;
    expect(s.observe).toMatchObject({ value: null, status: 'not_scored', answered: 7, items: 8 });
    expect(s.total).toMatchObject({ value: null, status: 'not_scored', answered: 38, items: 39 });
    expect(s.describe).toMatchObject({ value: 2 * 5 + 4 * 3, status: 'complete' });
  });
});
