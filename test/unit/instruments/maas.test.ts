import { describe, expect, it } from 'vitest';
import { itHasAConsistentFormAndDefinition, loadInstrument } from './instrument-harness';

// Expected values computed by hand from Brown & Ryan 2003: score = mean of the 15 items coded
// 1 (almost always) … 6 (almost never), no reversal, range 1–6; no official bands.
const { scoring, score } = loadInstrument('maas');
const items = (codes: Array<number | null>) => Object.fromEntries(codes.map((c, i) => [`MAAS_${i + 1}`, c]));

describe('MAAS', () => {
  itHasAConsistentFormAndDefinition('maas');

  it('reverses nothing', () => {
    expect(scoring.scales[0]?.reversed).toEqual([]);
  });

  it('is the mean of the fifteen items', () => {
    expect(score(items(Array(15).fill(1))).scales.mean).toMatchObject({ value: 1, band: null, status: 'complete' });
    expect(score(items(Array(15).fill(6))).scales.mean?.value).toBe(6);
    // (1+2+3+4+5+6) × 2 + 1+2+3 = 48; 48 / 15 = 3.2
    expect(score(items([1, 2, 3, 4, 5, 6, 1, 2, 3, 4, 5, 6, 1, 2, 3])).scales.mean?.value).toBeCloseTo(3.2, 12);
  });

  it('does not score with a missing item (no published rule)', () => {
    const codes: Array<number | null> = Array(15).fill(4);
    codes[0] = null;
    expect(score(items(codes)).scales.mean).toMatchObject({ value: null, status: 'not_scored', answered: 14, items: 15 });
  });
});
