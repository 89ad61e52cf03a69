import { describe, expect, it } from 'vitest';
import { itHasAConsistentFormAndDefinition, loadInstrument } from './instrument-harness';

// Item keys and severity bands typed by hand from instruments.md §3.13 (item keys confirmed by errata 9):
// each scale = sum of its 7 items (0–3) × 2, banded with the DASS-42 table.
const KEYS = {
  depression: [3, 5, 10, 13, 16, 17, 21],
  anxiety: [2, 4, 7, 9, 15, 19, 20],
  stress: [1, 6, 8, 11, 12, 14, 18],
} as const;
type Scale = keyof typeof KEYS;

const { score, scoring } = loadInstrument('dass21');

/** Answers with the given scale's items summing to `raw` (filled 3, 3, … from its first item), others 0. */
function withRaw(scale: Scale, raw: number): Record<string, number> {
  const answers: Record<string, number> = Object.fromEntries(Array.from({ length: 21 }, (_, i) => [`DASS_${i + 1}`, 0]));
  let left = raw;
  for (const n of KEYS[scale]) {
    const code = Math.min(3, left);
    answers[`DASS_${n}`] = code;
    left -= code;
  }
  return answers;
}

/** The band a scale's definition assigns to a value (whole line, including values × 2 cannot reach). */
function bandAt(scale: Scale, value: number): string | undefined {
  const bands = scoring.scales.find((s) => s.id === scale)!.bands;
  return bands.find(
    (b) =>
      (b.gte === undefined || value >= b.gte) &&
      (b.gt === undefined || value > b.gt) &&
      (b.lte === undefined || value <= b.lte) &&
      (b.lt === undefined || value < b.lt),
  )?.label;
}

describe('DASS-21', () => {
  itHasAConsistentFormAndDefinition('dass21');

  it.each(Array.from({ length: 21 }, (_, i) => i + 1))('assigns item %d to its published scale', (n) => {
    const answers = Object.fromEntries(Array.from({ length: 21 }, (_, i) => [`DASS_${i + 1}`, i + 1 === n ? 1 : 0]));
    const result = score(answers);
    const owner = (Object.keys(KEYS) as Scale[]).find((s) => (KEYS[s] as readonly number[]).includes(n))!;
    for (const scale of Object.keys(KEYS) as Scale[]) {
      expect(result.scales[scale]?.value, `${scale} with DASS_${n} = 1`).toBe(scale === owner ? 2 : 0);
    }
  });

  // [raw sum, × 2 score, band]: every reachable band edge.
  const vectors: Record<Scale, Array<[number, number, string]>> = {
    depression: [
      [0, 0, 'normal'], [4, 8, 'normal'], [5, 10, 'mild'], [6, 12, 'mild'], [7, 14, 'moderate'], [10, 20, 'moderate'],
      [11, 22, 'severe'], [13, 26, 'severe'], [14, 28, 'extremely_severe'], [21, 42, 'extremely_severe'],
    ],
    anxiety: [
      [0, 0, 'normal'], [3, 6, 'normal'], [4, 8, 'mild'], [5, 10, 'moderate'], [7, 14, 'moderate'], [8, 16, 'severe'],
      [9, 18, 'severe'], [10, 20, 'extremely_severe'], [21, 42, 'extremely_severe'],
    ],
    stress: [
      [0, 0, 'normal'], [7, 14, 'normal'], [8, 16, 'mild'], [9, 18, 'mild'], [10, 20, 'moderate'], [12, 24, 'moderate'],
      [13, 26, 'severe'], [16, 32, 'severe'], [17, 34, 'extremely_severe'], [21, 42, 'extremely_severe'],
    ],
  };
  for (const scale of Object.keys(vectors) as Scale[]) {
    it.each(vectors[scale])(`${scale}: raw %d scores %d (%s)`, (raw, value, band) => {
      expect(score(withRaw(scale, raw)).scales[scale]).toMatchObject({ value, raw, band, status: 'complete', answered: 7, items: 7 });
    });
  }

  it('puts anxiety raw 5 (× 2 = 10) in moderate, per the × 2 method, not mild as some halved tables do', () => {
    expect(score(withRaw('anxiety', 5)).scales.anxiety).toMatchObject({ value: 10, band: 'moderate' });
  });

  it.each([
    // Odd edges no × 2 score reaches, checked on the definition's bands against the published table.
    ['depression', 9, 'normal'], ['depression', 13, 'mild'], ['depression', 21, 'severe'], ['depression', 27, 'severe'],
    ['anxiety', 7, 'normal'], ['anxiety', 9, 'mild'], ['anxiety', 15, 'severe'], ['anxiety', 19, 'severe'],
    ['stress', 15, 'mild'], ['stress', 19, 'moderate'], ['stress', 25, 'moderate'], ['stress', 33, 'severe'],
  ] as Array<[Scale, number, string]>)('%s: the band table puts %d in %s', (scale, value, band) => {
    expect(bandAt(scale, value)).toBe(band);
  });

  it('scores each scale on its own items: one missing depression item leaves anxiety and stress scored', () => {
    const answers: Record<string, number | null> = Object.fromEntries(Array.from({ length: 21 }, (_, i) => [`DASS_${i + 1}`, 1]));
    answers.DASS_21 = null;
    const result = score(answers);
    expect(result.scales.depression).toMatchObject({ value: null, status: 'not_scored', answered: 6, rule: 'all_required' });
    expect(result.scales.depression?.reason).toContain('DASS_21');
    expect(result.scales.anxiety).toMatchObject({ value: 14, status: 'complete' });
    expect(result.scales.stress).toMatchObject({ value: 14, status: 'complete' });
  });

  it('raises no flags', () => {
    expect(score(withRaw('depression', 21)).flags).toEqual([]);
  });
});
