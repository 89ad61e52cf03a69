import { describe, expect, it } from 'vitest';
import { itHasAConsistentFormAndDefinition, loadInstrument } from './instrument-harness';

// Expected values computed by hand from the BPI User Guide (Cleeland 2009) and the ePPOC/AHSRI notes:
// severity = mean of items 3–6 (all four required); interference = mean of the answered items 9A–9G when
// at least 4 of 7 are answered. Severity bands (Serlin 1995 cut points, see README): exactly 0 no_pain,
// > 0 and < 5 mild, ≥ 5 and < 7 moderate, ≥ 7 severe.
const { score } = loadInstrument('bpisf');
const answers = (severity: Array<number | null>, interference: Array<number | null>) => ({
  ...Object.fromEntries(severity.map((c, i) => [`BPI_${i + 3}`, c])),
  ...Object.fromEntries(interference.map((c, i) => [`BPI_9${'ABCDEFG'[i]}`, c])),
});
const noInterference = [0, 0, 0, 0, 0, 0, 0];

describe('BPI-SF', () => {
  itHasAConsistentFormAndDefinition('bpisf');

  it('scores severity as the mean of worst, least, average and now, and interference as the mean of 9A–9G', () => {
    // severity (7+3+5+4)/4 = 4.75; interference (6+5+7+4+3+8+6)/7 = 39/7.
    const { scales } = score(answers([7, 3, 5, 4], [6, 5, 7, 4, 3, 8, 6]));
    expect(scales.severity).toMatchObject({ value: 4.75, raw: 4.75, status: 'complete', answered: 4, items: 4, band: 'mild', rule: 'all_required' });
    expect(scales.interference).toMatchObject({ status: 'complete', answered: 7, items: 7, band: null, rule: 'four_of_seven' });
    expect(scales.interference?.value).toBeCloseTo(39 / 7, 12);
  });

  it.each([
    [[0, 0, 0, 0], 0, 'no_pain'],
    [[1, 0, 0, 0], 0.25, 'mild'],
    [[4, 4, 4, 4], 4, 'mild'],
    [[5, 5, 5, 4], 4.75, 'mild'],
    [[5, 5, 5, 5], 5, 'moderate'],
    [[7, 7, 7, 6], 6.75, 'moderate'],
    [[7, 7, 7, 7], 7, 'severe'],
    [[10, 10, 10, 10], 10, 'severe'],
  ])('scores severity %j as %d (%s)', (severity, value, band) => {
    expect(score(answers(severity, noInterference)).scales.severity).toMatchObject({ value, band });
  });

  it('does not score severity with any of the four items missing', () => {
    const s = score(answers([7, 3, 5, null], noInterference)).scales.severity;
    expect(s).toMatchObject({ value: null, band: null, status: 'not_scored', answered: 3 });
    expect(s?.reason).toContain('BPI_6');
  });

  it('scores interference from 4, 5 or 6 answered items as their mean, and not from 3', () => {
    // 6 answered: (6+5+7+4+3+6)/6 = 31/6.
    const six = score(answers([5, 5, 5, 5], [6, 5, 7, 4, 3, null, 6])).scales.interference;
    expect(six).toMatchObject({ status: 'prorated', answered: 6, rule: 'four_of_seven' });
    expect(six?.value).toBeCloseTo(31 / 6, 12);
    // 4 answered (the threshold): (6+5+7+4)/4 = 5.5.
    expect(score(answers([5, 5, 5, 5], [6, 5, 7, 4, null, null, null])).scales.interference).toMatchObject({
      value: 5.5, raw: 5.5, status: 'prorated', answered: 4,
    });
    // 3 answered: not scored.
    expect(score(answers([5, 5, 5, 5], [6, 5, 7, null, null, null, null])).scales.interference).toMatchObject({
      value: null, status: 'not_scored', answered: 3,
    });
  });

  it('scores the floor and the ceiling of interference', () => {
    expect(score(answers([0, 0, 0, 0], noInterference)).scales.interference).toMatchObject({ value: 0, status: 'complete' });
    expect(score(answers([10, 10, 10, 10], Array(7).fill(10))).scales.interference).toMatchObject({ value: 10, status: 'complete' });
  });

  it('can hold interference to all seven items by choosing the strict rule', () => {
    expect(score(answers([5, 5, 5, 5], [6, 5, 7, 4, null, null, null]), { missingRule: 'all_required' }).scales.interference).toMatchObject({
      value: null, status: 'not_scored', rule: 'all_required',
    });
  });
});
