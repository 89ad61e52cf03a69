import { describe, expect, it } from 'vitest';
import { itHasAConsistentFormAndDefinition, loadInstrument } from './instrument-harness';

// Expected values computed by hand from Waddell et al. 1993 / reference §3.5 (item keys confirmed,
// errata 9): physical_activity = 2+3+4+5 (0–24), work = 6+7+9+10+11+12+15 (0–42); items 1, 8, 13,
// 14, 16 are asked but unscored; codes 0–6; nothing reversed; no bands (no single standard cut-off).
const { scoring, score } = loadInstrument('fabq');
const items = (codes: Array<number | null>) => Object.fromEntries(codes.map((c, i) => [`FABQ_${i + 1}`, c]));

describe('FABQ', () => {
  itHasAConsistentFormAndDefinition('fabq');

  it('lists items 1, 8, 13, 14 and 16 as unscored', () => {
    expect(scoring.unscored).toEqual(['FABQ_1', 'FABQ_8', 'FABQ_13', 'FABQ_14', 'FABQ_16']);
  });

  it('scores the floor and the ceiling, with no band', () => {
    const low = score(items(Array(16).fill(0))).scales;
    expect(low.physical_activity).toMatchObject({ value: 0, band: null, status: 'complete' });
    expect(low.work).toMatchObject({ value: 0, band: null, status: 'complete' });
    const high = score(items(Array(16).fill(6))).scales;
    expect([high.physical_activity?.value, high.work?.value]).toEqual([24, 42]);
  });

  it('ignores the unscored items', () => {
    // items 1, 8, 13, 14, 16 at 6, every scored item 0
    const s = score(items([6, 0, 0, 0, 0, 0, 0, 6, 0, 0, 0, 0, 6, 6, 0, 6])).scales;
    expect([s.physical_activity?.value, s.work?.value]).toEqual([0, 0]);
  });

  it('sums each subscale’s own items', () => {
    // items 1–16 = 1,2,3,4,5,6,0,1,2,3,4,5,6,0,1,2
    // PA = 2+3+4+5 = 14; W = item6 6 + item7 0 + item9 2 + item10 3 + item11 4 + item12 5 + item15 1 = 21
    const s = score(items([1, 2, 3, 4, 5, 6, 0, 1, 2, 3, 4, 5, 6, 0, 1, 2])).scales;
    expect(s.physical_activity?.value).toBe(14);
    expect(s.work?.value).toBe(21);
  });

  it('needs every item of a subscale (no published rule); an unscored item may be left blank', () => {
    const codes: Array<number | null> = Array(16).fill(3);
    codes[0] = null; // item 1, unscored
    codes[14] = null; // item 15, work
    const s = score(items(codes)).scales;
    expect(s.physical_activity).toMatchObject({ value: 12, status: 'complete' });
    expect(s.work).toMatchObject({ value: null, status: 'not_scored', answered: 6, items: 7 });
  });
});
