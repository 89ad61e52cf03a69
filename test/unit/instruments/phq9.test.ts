import { describe, expect, it } from 'vitest';
import { itHasAConsistentFormAndDefinition, loadInstrument } from './instrument-harness';

// Expected values computed by hand from Kroenke 2001 (bands) and the NHS Data Dictionary (missing items).
const { score } = loadInstrument('phq9');
const items = (codes: Array<number | null>, extra: Record<string, number | null> = {}) => ({
  ...Object.fromEntries(codes.map((c, i) => [`PHQ9_${i + 1}`, c])),
  ...extra,
});

describe('PHQ-9', () => {
  itHasAConsistentFormAndDefinition('phq9');

  it('totals the nine items, ignoring item 10', () => {
    expect(score(items([1, 1, 1, 1, 1, 1, 1, 1, 1], { PHQ9_10: 3 })).scales.total).toMatchObject({ value: 9, raw: 9, status: 'complete', answered: 9, items: 9 });
  });

  it.each([
    [[0, 0, 0, 0, 0, 0, 0, 0, 0], 0, 'minimal'],
    [[1, 1, 1, 1, 0, 0, 0, 0, 0], 4, 'minimal'],
    [[1, 1, 1, 1, 1, 0, 0, 0, 0], 5, 'mild'],
    [[1, 1, 1, 1, 1, 1, 1, 1, 1], 9, 'mild'],
    [[2, 2, 2, 2, 1, 1, 0, 0, 0], 10, 'moderate'],
    [[2, 2, 2, 2, 2, 2, 2, 0, 0], 14, 'moderate'],
    [[2, 2, 2, 2, 2, 2, 2, 1, 0], 15, 'moderately_severe'],
    [[3, 3, 3, 3, 2, 2, 2, 1, 0], 19, 'moderately_severe'],
    [[3, 3, 3, 3, 2, 2, 2, 2, 0], 20, 'severe'],
    [[3, 3, 3, 3, 3, 3, 3, 3, 3], 27, 'severe'],
  ])('scores %j as %d (%s)', (codes, total, band) => {
    expect(score(items(codes)).scales.total).toMatchObject({ value: total, band });
  });

  it('substitutes the mean of answered items for one or two missing (NHS rule), unrounded', () => {
    // 8 answered summing 10: each missing item takes 10/8, total 10 + 1.25 = 11.25.
    expect(score(items([2, 2, 2, 1, 1, 1, 1, 0, null])).scales.total).toMatchObject({
      value: 11.25, status: 'prorated', answered: 8, band: 'moderate', rule: 'nhs_mean_substitution',
    });
    // 7 answered summing 7: total 7 × 9 / 7 = 9.
    expect(score(items([1, 1, 1, 1, 1, 1, 1, null, null])).scales.total).toMatchObject({ value: 9, status: 'prorated' });
  });

  it('does not score with more than two items missing', () => {
    expect(score(items([1, 1, 1, 1, 1, 1, null, null, null])).scales.total).toMatchObject({ value: null, status: 'not_scored' });
  });

  it('can be held to all nine items by choosing the strict rule', () => {
    expect(score(items([2, 2, 2, 1, 1, 1, 1, 0, null]), { missingRule: 'all_required' }).scales.total?.status).toBe('not_scored');
  });

  it('raises an urgent flag when item 9 is 1 or more, and a flag when it is unanswered', () => {
    expect(score(items([0, 0, 0, 0, 0, 0, 0, 0, 0])).flags).toEqual([]);
    expect(score(items([0, 0, 0, 0, 0, 0, 0, 0, 1])).flags).toEqual([
      expect.objectContaining({ id: 'phq9_item9_positive', item: 'PHQ9_9', urgent: true }),
    ]);
    expect(score(items([0, 0, 0, 0, 0, 0, 0, 0, null])).flags).toEqual([
      expect.objectContaining({ id: 'phq9_item9_unanswered', item: 'PHQ9_9' }),
    ]);
  });
});
