import { describe, expect, it } from 'vitest';
import { itHasAConsistentFormAndDefinition, loadInstrument } from './instrument-harness';

// Expected values computed by hand from reference §3.6: codes 1–4, items 4, 8, 12, 16 reversed as
// 5 − x, total 17–68; "high kinesiophobia" when the total is > 37 (Vlaeyen et al. 1995), so 37 is not high.
const { score } = loadInstrument('tsk17');
const items = (codes: Array<number | null>) => Object.fromEntries(codes.map((c, i) => [`TSK_${i + 1}`, c]));
const REVERSED = [4, 8, 12, 16];
const pattern = (forward: number, reversed: number) =>
  items(Array.from({ length: 17 }, (_, i) => (REVERSED.includes(i + 1) ? reversed : forward)));

describe('TSK-17', () => {
  itHasAConsistentFormAndDefinition('tsk17');

  it('reverses items 4, 8, 12 and 16', () => {
    expect(score(items(Array(17).fill(1))).scales.total).toMatchObject({ value: 13 + 4 * 4, status: 'complete' }); // 29
    expect(score(items(Array(17).fill(4))).scales.total?.value).toBe(13 * 4 + 4 * 1); // 56
    expect(score(items(Array(17).fill(2))).scales.total?.value).toBe(13 * 2 + 4 * 3); // 38
  });

  it('spans 17–68', () => {
    expect(score(pattern(1, 4)).scales.total).toMatchObject({ value: 17, band: 'not_high' });
    expect(score(pattern(4, 1)).scales.total).toMatchObject({ value: 68, band: 'high' });
  });

  it('classes 37 as not high and 38 as high (cut-off > 37)', () => {
    // reversed items answered 4 (score 1 each = 4); items 1, 2, 3, 5, 6, 7, 9 at 3 (21);
    // items 10, 11, 13, 14, 15, 17 at 2 (12): 4 + 21 + 12 = 37
    const at37 = [3, 3, 3, 4, 3, 3, 3, 4, 3, 2, 2, 4, 2, 2, 2, 4, 2];
    expect(score(items(at37)).scales.total).toMatchObject({ value: 37, band: 'not_high' });
    const at38 = [...at37];
    at38[9] = 3; // item 10: 2 → 3
    expect(score(items(at38)).scales.total).toMatchObject({ value: 38, band: 'high' });
  });

  it('does not score with a missing item (no published rule)', () => {
    const codes: Array<number | null> = Array(17).fill(2);
    codes[11] = null; // item 12
    expect(score(items(codes)).scales.total).toMatchObject({ value: null, status: 'not_scored', answered: 16, items: 17 });
  });
});
