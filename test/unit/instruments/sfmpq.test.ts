import { describe, expect, it } from 'vitest';
import { itHasAConsistentFormAndDefinition, loadInstrument } from './instrument-harness';

// Expected values computed by hand from Melzack 1987: PRI sensory = sum of descriptors 1–11 (0–33),
// PRI affective = sum of 12–15 (0–12), PRI total = sum of 1–15 (0–45), VAS in mm (0–100), PPI 0–5.
// No published missing-data rule and no severity bands.
const { score } = loadInstrument('sfmpq');
const answers = (descriptors: Array<number | null>, vas: number | null, ppi: number | null) => ({
  ...Object.fromEntries(descriptors.map((c, i) => [`SFMPQ_${i + 1}`, c])),
  SFMPQ_VAS: vas,
  SFMPQ_PPI: ppi,
});

describe('SF-MPQ', () => {
  itHasAConsistentFormAndDefinition('sfmpq');

  it('sums sensory 1–11, affective 12–15 and total 1–15; reports VAS and PPI as answered', () => {
    // sensory 2+1+0+3+1+2+0+0+1+2+1 = 13; affective 2+1+0+1 = 4; total 17.
    const { scales } = score(answers([2, 1, 0, 3, 1, 2, 0, 0, 1, 2, 1, 2, 1, 0, 1], 46, 2));
    expect(scales.sensory).toMatchObject({ value: 13, raw: 13, status: 'complete', answered: 11, items: 11, band: null, rule: 'all_required' });
    expect(scales.affective).toMatchObject({ value: 4, raw: 4, status: 'complete', answered: 4, items: 4, band: null });
    expect(scales.total).toMatchObject({ value: 17, raw: 17, status: 'complete', answered: 15, items: 15, band: null });
    expect(scales.vas).toMatchObject({ value: 46, status: 'complete', band: null });
    expect(scales.ppi).toMatchObject({ value: 2, status: 'complete', band: null });
  });

  it('separates the sensory and affective descriptors at 11 | 12', () => {
    // Only descriptor 11 severe: sensory 3, affective 0. Only descriptor 12 severe: sensory 0, affective 3.
    const only = (n: number) => answers(Array.from({ length: 15 }, (_, i) => (i + 1 === n ? 3 : 0)), 0, 0);
    expect(score(only(11)).scales).toMatchObject({ sensory: { value: 3 }, affective: { value: 0 }, total: { value: 3 } });
    expect(score(only(12)).scales).toMatchObject({ sensory: { value: 0 }, affective: { value: 3 }, total: { value: 3 } });
  });

  it('scores the floor and the ceiling of every score', () => {
    const none = score(answers(Array(15).fill(0), 0, 0)).scales;
    expect([none.sensory?.value, none.affective?.value, none.total?.value, none.vas?.value, none.ppi?.value]).toEqual([0, 0, 0, 0, 0]);
    const worst = score(answers(Array(15).fill(3), 100, 5)).scales;
    expect([worst.sensory?.value, worst.affective?.value, worst.total?.value, worst.vas?.value, worst.ppi?.value]).toEqual([33, 12, 45, 100, 5]);
  });

  it('does not score a subscale or the total with a descriptor missing, but scores the complete subscale', () => {
    const affectiveGap = score(answers([1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, null, 2, 2, 2], 30, 1)).scales;
    expect(affectiveGap.sensory).toMatchObject({ value: 11, status: 'complete' });
    expect(affectiveGap.affective).toMatchObject({ value: null, raw: null, status: 'not_scored', answered: 3, items: 4 });
    expect(affectiveGap.affective?.reason).toContain('SFMPQ_12');
    expect(affectiveGap.total).toMatchObject({ value: null, status: 'not_scored', answered: 14 });

    const sensoryGap = score(answers([null, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 2, 2, 2, 2], 30, 1)).scales;
    expect(sensoryGap.sensory).toMatchObject({ value: null, status: 'not_scored', answered: 10 });
    expect(sensoryGap.affective).toMatchObject({ value: 8, status: 'complete' });
    expect(sensoryGap.total).toMatchObject({ value: null, status: 'not_scored' });
  });

  it('leaves VAS and PPI not scored when unanswered, independently of the descriptors', () => {
    const { scales } = score(answers(Array(15).fill(1), null, null));
    expect(scales.vas).toMatchObject({ value: null, status: 'not_scored' });
    expect(scales.ppi).toMatchObject({ value: null, status: 'not_scored' });
    expect(scales.total).toMatchObject({ value: 15, status: 'complete' });
  });
});
