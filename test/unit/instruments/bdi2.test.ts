import { describe, expect, it } from 'vitest';
import { itHasAConsistentFormAndDefinition, loadInstrument } from './instrument-harness';

// Expected values computed by hand from the reference (instruments.md §2.6): 21 items scored 0–3, total 0–63,
// bands 0–13 minimal · 14–19 mild · 20–28 moderate · 29–63 severe; items 16 and 18 print seven options
// 0, 1a, 1b, 2a, 2b, 3a, 3b, which our form codes 0–6 and which score 0, 1, 1, 2, 2, 3, 3.
const { score } = loadInstrument('bdi2');

/** Items 1–21 in order; items 16 and 18 take form codes 0–6. */
const items = (codes: Array<number | null>) => Object.fromEntries(codes.map((c, i) => [`BDI2_${i + 1}`, c]));
/** n items scored 1 (from item 1 on, skipping 16 and 18, which stay 0), the rest 0. */
const ones = (n: number) => {
  const codes = Array<number>(21).fill(0);
  const order = [1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 17, 19, 20, 21];
  for (const item of order.slice(0, n)) codes[item - 1] = 1;
  return codes;
};

describe('BDI-II', () => {
  itHasAConsistentFormAndDefinition('bdi2');

  it('totals the 21 items', () => {
    expect(score(items(Array(21).fill(1))).scales.total).toMatchObject({ value: 21, raw: 21, status: 'complete', answered: 21, items: 21 });
  });

  it.each([
    [Array<number>(21).fill(0), 0, 'minimal'],
    [ones(13), 13, 'minimal'],
    [ones(14), 14, 'mild'],
    [ones(19), 19, 'mild'],
    // 19 ones plus item 1 raised to 2: 20.
    [[2, ...ones(19).slice(1)], 20, 'moderate'],
    // 19 ones with items 1–9 raised to 2: 19 + 9 = 28.
    [[2, 2, 2, 2, 2, 2, 2, 2, 2, ...ones(19).slice(9)], 28, 'moderate'],
    [[2, 2, 2, 2, 2, 2, 2, 2, 2, 2, ...ones(19).slice(10)], 29, 'severe'],
  ])('scores %j as %d (%s)', (codes, total, band) => {
    expect(score(items(codes)).scales.total).toMatchObject({ value: total, band, status: 'complete' });
  });

  it('reaches 63 (severe) with every item at 3, items 16 and 18 at 3a or 3b', () => {
    const top = Array<number>(21).fill(3);
    top[15] = 6; // 3b
    top[17] = 5; // 3a
    expect(score(items(top)).scales.total).toMatchObject({ value: 63, band: 'severe' });
    top[15] = 5;
    top[17] = 6;
    expect(score(items(top)).scales.total?.value).toBe(63);
  });

  it.each([
    [0, 0], // 0
    [1, 1], // 1a
    [2, 1], // 1b
    [3, 2], // 2a
    [4, 2], // 2b
    [5, 3], // 3a
    [6, 3], // 3b
  ])('scores items 16 and 18 form code %d as %d', (code, itemScore) => {
    const sleep = Array<number>(21).fill(0);
    sleep[15] = code;
    expect(score(items(sleep)).scales.total?.value).toBe(itemScore);
    const appetite = Array<number>(21).fill(0);
    appetite[17] = code;
    expect(score(items(appetite)).scales.total?.value).toBe(itemScore);
  });

  it('recodes items 16 and 18 before banding: all other items 1, items 16 and 18 at 1b give 21, not 23', () => {
    const codes = Array<number>(21).fill(1);
    codes[15] = 2; // 1b
    codes[17] = 2; // 1b
    expect(score(items(codes)).scales.total).toMatchObject({ value: 21, band: 'moderate' });
    // 2b and 3b on the sleep and appetite items, 1 elsewhere: 19 + 2 + 3 = 24.
    codes[15] = 4;
    codes[17] = 6;
    expect(score(items(codes)).scales.total?.value).toBe(24);
  });

  it('is not scored with any item missing (no published missing-data rule)', () => {
    const codes: Array<number | null> = Array(21).fill(1);
    codes[20] = null;
    expect(score(items(codes)).scales.total).toMatchObject({ value: null, status: 'not_scored', answered: 20, rule: 'all_required' });
    expect(score(items(codes)).scales.total?.reason).toContain('BDI2_21');
  });

  it('raises an urgent flag when item 9 is 1 or more, and a (non-urgent) flag when it is unanswered', () => {
    const none = Array<number | null>(21).fill(0);
    expect(score(items(none)).flags).toEqual([]);
    for (const answer of [1, 2, 3]) {
      const codes = [...none];
      codes[8] = answer;
      expect(score(items(codes)).flags).toEqual([
        expect.objectContaining({ id: 'bdi2_item9_positive', item: 'BDI2_9', urgent: true }),
      ]);
    }
    const unanswered = [...none];
    unanswered[8] = null;
    const result = score(items(unanswered));
    expect(result.flags).toEqual([expect.objectContaining({ id: 'bdi2_item9_unanswered', item: 'BDI2_9', urgent: false })]);
    expect(result.scales.total?.status).toBe('not_scored');
  });

  it('does not raise the item 9 flag from items 16 or 18 codes', () => {
    const codes = Array<number>(21).fill(0);
    codes[15] = 6;
    codes[17] = 6;
    expect(score(items(codes)).flags).toEqual([]);
  });
});
