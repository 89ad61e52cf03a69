import { describe, expect, it } from 'vitest';
import { itHasAConsistentFormAndDefinition, loadInstrument } from './instrument-harness';

// SWEMWBS raw → metric conversion, typed by hand from instruments.md §3.10 (errata 9: confirmed against four
// independent copies; 29 → 26.02, not the 25.99 of one wrong copy). Kept independent of scoring.json on purpose.
const CONVERSION: Array<[raw: number, metric: number]> = [
  [7, 7.0], [8, 9.51], [9, 11.25], [10, 12.4], [11, 13.33], [12, 14.08], [13, 14.75], [14, 15.32], [15, 15.84], [16, 16.36],
  [17, 16.88], [18, 17.43], [19, 17.98], [20, 18.59], [21, 19.25], [22, 19.98], [23, 20.73], [24, 21.54], [25, 22.35],
  [26, 23.21], [27, 24.11], [28, 25.03], [29, 26.02], [30, 27.03], [31, 28.13], [32, 29.31], [33, 30.7], [34, 32.55],
  [35, 35.0],
];

const { score, scoring } = loadInstrument('swemwbs');
const items = (codes: Array<number | null>) => Object.fromEntries(codes.map((c, i) => [`SWEMWBS_${i + 1}`, c]));
/** Seven item codes (1–5) summing to `raw`: fill from item 1, each item as high as the remainder allows. */
const codesFor = (raw: number) => {
  let extra = raw - 7;
  return Array.from({ length: 7 }, () => {
    const add = Math.min(4, extra);
    extra -= add;
    return 1 + add;
  });
};

describe('SWEMWBS', () => {
  itHasAConsistentFormAndDefinition('swemwbs');

  it('covers every raw score 7–35 exactly once', () => {
    expect(CONVERSION.map(([raw]) => raw)).toEqual(Array.from({ length: 29 }, (_, i) => i + 7));
  });

  it.each(CONVERSION)('converts raw %d to metric %d', (raw, metric) => {
    const result = score(items(codesFor(raw)));
    expect(result.scales.raw).toMatchObject({ value: raw, raw, status: 'complete', answered: 7, items: 7 });
    expect(result.scales.metric).toMatchObject({ value: metric, raw, status: 'complete' });
  });

  it('converts raw 29 to 26.02 (not 25.99)', () => {
    // 5 + 5 + 5 + 5 + 5 + 2 + 2 = 29
    expect(score(items([5, 5, 5, 5, 5, 2, 2])).scales.metric?.value).toBe(26.02);
  });

  it('has the same table in its definition, and no other rows', () => {
    const table = scoring.scales.find((s) => s.id === 'metric')?.table;
    expect(Object.fromEntries(Object.entries(table ?? {}).map(([raw, row]) => [raw, row.value]))).toEqual(
      Object.fromEntries(CONVERSION.map(([raw, metric]) => [String(raw), metric])),
    );
  });

  it('reverses no item and depends only on the sum', () => {
    // 1 + 2 + 3 + 4 + 5 + 1 + 2 = 18 → 17.43, in whichever order the codes fall.
    expect(score(items([1, 2, 3, 4, 5, 1, 2])).scales.metric).toMatchObject({ value: 17.43, raw: 18 });
    expect(score(items([5, 4, 3, 2, 1, 2, 1])).scales.metric).toMatchObject({ value: 17.43, raw: 18 });
  });

  it('ships no bands (the SWEMWBS cut points could not be verified)', () => {
    expect(score(items(codesFor(20))).scales.metric?.band).toBeNull();
    for (const scale of scoring.scales) expect(scale.bands).toEqual([]);
  });

  it('is not scored with one item missing, on either scale', () => {
    const result = score(items([5, 5, 5, 5, 5, 5, null]));
    expect(result.scales.raw).toMatchObject({ value: null, status: 'not_scored', answered: 6 });
    expect(result.scales.metric).toMatchObject({ value: null, raw: null, status: 'not_scored' });
  });
});
