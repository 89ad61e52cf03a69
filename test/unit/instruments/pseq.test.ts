import { describe, expect, it } from 'vitest';
import { itHasAConsistentFormAndDefinition, loadInstrument } from './instrument-harness';

// Expected values computed by hand from Nicholas 2007: total = sum of 10 items coded 0–6 (0–60),
// nothing reversed. No bands: the ePPOC bands are single-source (errata 10), so none are shipped.
const { scoring, score } = loadInstrument('pseq');
const items = (codes: Array<number | null>) => Object.fromEntries(codes.map((c, i) => [`PSEQ_${i + 1}`, c]));

describe('PSEQ', () => {
  itHasAConsistentFormAndDefinition('pseq');

  it('ships no bands and no wording', () => {
    expect(scoring.scales[0]?.bands).toEqual([]);
    expect(scoring.licence.textIncluded).toBe(false);
  });

  it('sums the ten items', () => {
    expect(score(items(Array(10).fill(0))).scales.total).toMatchObject({ value: 0, band: null, status: 'complete' });
    expect(score(items(Array(10).fill(6))).scales.total?.value).toBe(60);
    // 0+1+2+3+4+5+6+0+1+2 = 24
    expect(score(items([0, 1, 2, 3, 4, 5, 6, 0, 1, 2])).scales.total?.value).toBe(24);
  });

  it('does not score with a missing item (no published rule)', () => {
    expect(score(items([6, 6, 6, 6, 6, 6, 6, 6, 6, null])).scales.total).toMatchObject({ value: null, status: 'not_scored', answered: 9 });
  });
});
