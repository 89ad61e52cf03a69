import { describe, expect, it } from 'vitest';
import { itHasAConsistentFormAndDefinition, loadInstrument } from './instrument-harness';

// Expected values computed by hand from Sullivan et al. 1995 / reference §2.5: rumination = 8–11,
// magnification = 6, 7, 13, helplessness = 1–5 and 12, total = all 13; codes 0–4, nothing reversed.
// Band: total ≥ 30 "clinically_relevant" (our documented choice at exactly 30; see README).
const { scoring, survey, score } = loadInstrument('pcs');
const items = (codes: Array<number | null>) => Object.fromEntries(codes.map((c, i) => [`PCS_${i + 1}`, c]));

describe('PCS', () => {
  itHasAConsistentFormAndDefinition('pcs');

  it('ships codes and scoring only: the licence is proprietary (Mapi)', () => {
    expect(scoring.licence).toMatchObject({ category: 'LICENSE', textIncluded: false });
    const elements = (survey.pages as Array<{ elements: Array<{ name: string; title: string }> }>)[0]!.elements;
    for (const q of elements) expect(q.title).toBe(q.name);
  });

  it('scores the floor and the ceiling', () => {
    const low = score(items(Array(13).fill(0))).scales;
    expect(low.total).toMatchObject({ value: 0, status: 'complete', band: 'below_clinical_threshold' });
    expect([low.rumination?.value, low.magnification?.value, low.helplessness?.value]).toEqual([0, 0, 0]);
    const high = score(items(Array(13).fill(4))).scales;
    expect(high.total).toMatchObject({ value: 52, band: 'clinically_relevant' });
    expect([high.rumination?.value, high.magnification?.value, high.helplessness?.value]).toEqual([16, 12, 24]);
  });

  it('assigns each item to its subscale', () => {
    // items 1–13 = 1,2,3,4,0,1,2,3,4,0,1,2,3
    // helplessness 1,2,3,4,5,12 = 1+2+3+4+0+2 = 12; magnification 6,7,13 = 1+2+3 = 6;
    // rumination 8,9,10,11 = 3+4+0+1 = 8; total 26.
    const s = score(items([1, 2, 3, 4, 0, 1, 2, 3, 4, 0, 1, 2, 3])).scales;
    expect(s.helplessness?.value).toBe(12);
    expect(s.magnification?.value).toBe(6);
    expect(s.rumination?.value).toBe(8);
    expect(s.total).toMatchObject({ value: 26, band: 'below_clinical_threshold' });
  });

  it('puts 29 below and exactly 30 in the clinically relevant band', () => {
    // seven items at 4 = 28, plus item 8 at 1 or 2
    expect(score(items([4, 4, 4, 4, 4, 4, 4, 1, 0, 0, 0, 0, 0])).scales.total).toMatchObject({ value: 29, band: 'below_clinical_threshold' });
    expect(score(items([4, 4, 4, 4, 4, 4, 4, 2, 0, 0, 0, 0, 0])).scales.total).toMatchObject({ value: 30, band: 'clinically_relevant' });
  });

  it('does not score a scale with a missing item (no published rule), and leaves the others scored', () => {
    const s = score(items([1, 1, 1, 1, 1, null, 1, 1, 1, 1, 1, 1, 1])).scales;
    expect(s.magnification).toMatchObject({ value: null, status: 'not_scored', answered: 2, items: 3 });
    expect(s.total).toMatchObject({ value: null, status: 'not_scored' });
    expect(s.rumination).toMatchObject({ value: 4, status: 'complete' });
    expect(s.helplessness).toMatchObject({ value: 6, status: 'complete' });
  });
});
