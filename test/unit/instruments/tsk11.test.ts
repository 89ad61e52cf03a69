import { describe, expect, it } from 'vitest';
import { itHasAConsistentFormAndDefinition, loadInstrument } from './instrument-harness';

// Expected values computed by hand from Woby et al. 2005: the TSK-11 drops every reverse-keyed TSK
// item, so its 11 items (codes 1–4) are summed as answered, total 11–44; no established cut-off.
const { scoring, score } = loadInstrument('tsk11');
const items = (codes: Array<number | null>) => Object.fromEntries(codes.map((c, i) => [`TSK11_${i + 1}`, c]));

describe('TSK-11', () => {
  itHasAConsistentFormAndDefinition('tsk11');

  it('has no reversed items and no bands', () => {
    expect(scoring.scales.map((s) => [s.reversed, s.bands])).toEqual([[[], []]]);
  });

  it('sums the eleven items', () => {
    expect(score(items(Array(11).fill(1))).scales.total).toMatchObject({ value: 11, band: null, status: 'complete' });
    expect(score(items(Array(11).fill(4))).scales.total?.value).toBe(44);
    // 1+2+3+4+1+2+3+4+1+2+3 = 26
    expect(score(items([1, 2, 3, 4, 1, 2, 3, 4, 1, 2, 3])).scales.total?.value).toBe(26);
  });

  it('does not score with a missing item (no published rule)', () => {
    expect(score(items([1, 2, 3, 4, 1, 2, 3, 4, 1, 2, null])).scales.total).toMatchObject({ value: null, status: 'not_scored', answered: 10 });
  });
});
