import { describe, expect, it } from 'vitest';
import { itHasAConsistentFormAndDefinition, loadInstrument } from './instrument-harness';

// Expected values computed by hand from Spitzer 2006 as given in the reference (instruments.md §3.2):
// 7 items 0–3, total 0–21, bands 0–4 minimal · 5–9 mild · 10–14 moderate · 15–21 severe.
const { score, survey } = loadInstrument('gad7');
const items = (codes: Array<number | null>) => Object.fromEntries(codes.map((c, i) => [`GAD7_${i + 1}`, c]));

describe('GAD-7', () => {
  itHasAConsistentFormAndDefinition('gad7');

  it.each([
    [[0, 0, 0, 0, 0, 0, 0], 0, 'minimal'],
    [[1, 1, 1, 1, 0, 0, 0], 4, 'minimal'],
    [[1, 1, 1, 1, 1, 0, 0], 5, 'mild'],
    [[2, 2, 2, 1, 1, 1, 0], 9, 'mild'],
    [[2, 2, 2, 1, 1, 1, 1], 10, 'moderate'],
    [[2, 2, 2, 2, 2, 2, 2], 14, 'moderate'],
    [[3, 2, 2, 2, 2, 2, 2], 15, 'severe'],
    [[3, 3, 3, 3, 3, 3, 3], 21, 'severe'],
  ])('scores %j as %d (%s)', (codes, total, band) => {
    expect(score(items(codes)).scales.total).toMatchObject({ value: total, raw: total, band, status: 'complete', answered: 7, items: 7 });
  });

  it('is not scored with one item missing (no confirmed published missing-data rule)', () => {
    expect(score(items([3, 3, 3, 3, 3, 3, null])).scales.total).toMatchObject({
      value: null, status: 'not_scored', answered: 6, rule: 'all_required',
    });
  });

  it('raises no flags', () => {
    expect(score(items([3, 3, 3, 3, 3, 3, 3])).flags).toEqual([]);
  });

  it('ships the public-domain wording and response labels', () => {
    expect(survey.description).toBe('Over the last 2 weeks, how often have you been bothered by the following problems?');
    const first = (survey.pages as Array<{ elements: Array<{ title: string; choices: Array<{ value: number; text: string }> }> }>)[0]!.elements[0]!;
    expect(first.title).toBe('Feeling nervous, anxious, or on edge');
    expect(first.choices).toEqual([
      { value: 0, text: 'Not at all' },
      { value: 1, text: 'Several days' },
      { value: 2, text: 'More than half the days' },
      { value: 3, text: 'Nearly every day' },
    ]);
  });
});
