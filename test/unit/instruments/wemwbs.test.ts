import { describe, expect, it } from 'vitest';
import { itHasAConsistentFormAndDefinition, loadInstrument } from './instrument-harness';

// Expected values computed by hand from the reference (instruments.md §3.9, bands confirmed by errata 9):
// 14 items 1–5, none reversed, total 14–70; ≤ 40 probable depression · 41–44 possible depression ·
// 45–59 average · ≥ 60 high.
const { score } = loadInstrument('wemwbs');
const items = (codes: Array<number | null>) => Object.fromEntries(codes.map((c, i) => [`WEMWBS_${i + 1}`, c]));
/** Every item at `base`, then the first `extra` items one higher. */
const spread = (base: number, extra: number) => Array.from({ length: 14 }, (_, i) => base + (i < extra ? 1 : 0));

describe('WEMWBS', () => {
  itHasAConsistentFormAndDefinition('wemwbs');

  it.each([
    [spread(1, 0), 14, 'probable_depression'],
    [spread(2, 12), 40, 'probable_depression'], // 28 + 12
    [spread(2, 13), 41, 'possible_depression'], // 28 + 13
    [spread(3, 2), 44, 'possible_depression'], // 42 + 2
    [spread(3, 3), 45, 'average'],
    [spread(4, 3), 59, 'average'], // 56 + 3
    [spread(4, 4), 60, 'high'],
    [spread(5, 0), 70, 'high'],
  ])('scores %j as %d (%s)', (codes, total, band) => {
    expect(score(items(codes)).scales.total).toMatchObject({ value: total, raw: total, band, status: 'complete', answered: 14, items: 14 });
  });

  it('reverses no item: a 5 on any single item adds 4 over all-1s', () => {
    for (let i = 0; i < 14; i++) {
      const codes = spread(1, 0);
      codes[i] = 5;
      expect(score(items(codes)).scales.total?.value).toBe(18);
    }
  });

  it('is not scored with one item missing (no confirmed published missing-data rule)', () => {
    const codes: Array<number | null> = spread(5, 0);
    codes[13] = null;
    expect(score(items(codes)).scales.total).toMatchObject({ value: null, status: 'not_scored', answered: 13, rule: 'all_required' });
  });

  it('raises no flags', () => {
    expect(score(items(spread(1, 0))).flags).toEqual([]);
  });
});
