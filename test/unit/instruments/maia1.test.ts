import { describe, expect, it } from 'vitest';
import { itHasAConsistentFormAndDefinition, loadInstrument } from './instrument-harness';

// Expected values computed by hand from Mehling et al. 2012 and the official MAIA scoring sheet:
// scale = mean of its items; codes 0–5; items 5, 6, 7 (Not-Distracting) and 8, 9 (Not-Worrying)
// reversed as 5 − x; item 10 is not reversed.
const { scoring, score } = loadInstrument('maia1');
const items = (codes: Array<number | null>) => Object.fromEntries(codes.map((c, i) => [`MAIA1_${i + 1}`, c]));
const same = (code: number) => items(Array(32).fill(code));

describe('MAIA (version 1)', () => {
  itHasAConsistentFormAndDefinition('maia1');

  it('uses the 0–5 response scale (errata 10, resolved in README) and ships no wording', () => {
    expect(scoring.items.every((i) => i.codes?.join() === '0,1,2,3,4,5')).toBe(true);
    expect(scoring.licence.textIncluded).toBe(false);
  });

  it('all 0: reversed items score 5', () => {
    const s = score(same(0)).scales;
    expect(s.noticing?.value).toBe(0);
    expect(s.not_distracting?.value).toBe(5); // (5+5+5)/3
    expect(s.not_worrying?.value).toBeCloseTo(10 / 3, 12); // (5+5+0)/3
    for (const id of ['attention_regulation', 'emotional_awareness', 'self_regulation', 'body_listening', 'trusting']) {
      expect(s[id]).toMatchObject({ value: 0, status: 'complete' });
    }
  });

  it('all 5: reversed items score 0', () => {
    const s = score(same(5)).scales;
    expect(s.noticing?.value).toBe(5);
    expect(s.not_distracting?.value).toBe(0);
    expect(s.not_worrying?.value).toBeCloseTo(5 / 3, 12); // (0+0+5)/3
    expect(s.trusting?.value).toBe(5);
  });

  it('assigns items to scales at every boundary', () => {
    // 1–4 → 1; 5–7 → 1 (reversed 4); 8–10 → 2 (8, 9 reversed 3; 10 stays 2); 11–17 → 3;
    // 18–22 → 4; 23–26 → 5; 27–29 → 0; 30–32 → 2
    const codes = [
      ...Array(4).fill(1), ...Array(3).fill(1), ...Array(3).fill(2), ...Array(7).fill(3),
      ...Array(5).fill(4), ...Array(4).fill(5), ...Array(3).fill(0), ...Array(3).fill(2),
    ];
    const s = score(items(codes)).scales;
    expect(s.noticing?.value).toBe(1);
    expect(s.not_distracting?.value).toBe(4);
    expect(s.not_worrying?.value).toBeCloseTo(8 / 3, 12); // (3+3+2)/3
    expect(s.attention_regulation?.value).toBe(3);
    expect(s.emotional_awareness?.value).toBe(4);
    expect(s.self_regulation?.value).toBe(5);
    expect(s.body_listening?.value).toBe(0);
    expect(s.trusting?.value).toBe(2);
  });

  it('does not score a scale with a missing item (no published rule)', () => {
    const codes: Array<number | null> = Array(32).fill(3);
    codes[9] = null; // item 10
    const s = score(items(codes)).scales;
    expect(s.not_worrying).toMatchObject({ value: null, status: 'not_scored', answered: 2, items: 3 });
    expect(s.not_distracting).toMatchObject({ value: 2, status: 'complete' });
    expect(s.noticing).toMatchObject({ value: 3, status: 'complete' });
  });
});
