import { describe, expect, it } from 'vitest';
import { itHasAConsistentFormAndDefinition, loadInstrument } from './instrument-harness';

// Expected values computed by hand from the reference (instruments.md §3.8 and errata 7): 5 items 0–5,
// raw = sum (0–25), percentage = raw × 4; raw < 13 is poor well-being, and any single item at 0 or 1 also
// calls for further assessment.
const { score } = loadInstrument('who5');
const items = (codes: Array<number | null>) => Object.fromEntries(codes.map((c, i) => [`WHO5_${i + 1}`, c]));

describe('WHO-5', () => {
  itHasAConsistentFormAndDefinition('who5');

  it.each([
    [[0, 0, 0, 0, 0], 0, 0],
    [[5, 5, 5, 5, 5], 25, 100],
    [[3, 3, 2, 2, 2], 12, 48],
    [[3, 3, 3, 2, 2], 13, 52],
    [[4, 4, 3, 3, 3], 17, 68],
  ])('scores %j as raw %d, percentage %d', (codes, raw, percentage) => {
    const result = score(items(codes));
    expect(result.scales.raw).toMatchObject({ value: raw, raw, status: 'complete', answered: 5, items: 5 });
    expect(result.scales.percentage).toMatchObject({ value: percentage, raw, status: 'complete' });
  });

  it('flags poor well-being below raw 13 (percentage below 50), not at 13', () => {
    expect(score(items([3, 3, 2, 2, 2])).flags).toEqual([
      expect.objectContaining({ id: 'who5_poor_wellbeing', scale: 'raw', urgent: false }),
    ]);
    expect(score(items([3, 3, 3, 2, 2])).flags).toEqual([]);
  });

  it('flags any single item at 0 or 1, once, listing the items', () => {
    expect(score(items([5, 5, 5, 5, 1])).flags).toEqual([
      expect.objectContaining({ id: 'who5_item_0_or_1', items: ['WHO5_5'], urgent: false }),
    ]);
    expect(score(items([0, 1, 5, 5, 5])).flags).toEqual([
      expect.objectContaining({ id: 'who5_item_0_or_1', items: ['WHO5_1', 'WHO5_2'] }),
    ]);
    // 2 is not 0 or 1: only the low-total flag (raw 10).
    expect(score(items([2, 2, 2, 2, 2])).flags.map((f) => f.id)).toEqual(['who5_poor_wellbeing']);
  });

  it('raises both flags together when both hold', () => {
    // 1 + 2 + 3 + 3 + 3 = 12 < 13, and item 1 is 1.
    expect(score(items([1, 2, 3, 3, 3])).flags).toEqual([
      expect.objectContaining({ id: 'who5_poor_wellbeing' }),
      expect.objectContaining({ id: 'who5_item_0_or_1', items: ['WHO5_1'] }),
    ]);
  });

  it('is not scored with an item missing; the item flag still reads the answered items', () => {
    const result = score(items([5, 5, 5, 0, null]));
    expect(result.scales.raw).toMatchObject({ value: null, status: 'not_scored', answered: 4 });
    expect(result.scales.percentage).toMatchObject({ value: null, status: 'not_scored' });
    expect(result.flags).toEqual([expect.objectContaining({ id: 'who5_item_0_or_1', items: ['WHO5_4'] })]);
  });
});
