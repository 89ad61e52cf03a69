import { describe, expect, it } from 'vitest';
import { itHasAConsistentFormAndDefinition, loadInstrument } from './instrument-harness';

// Expected values computed by hand from Mehling et al. 2018 / reference §2.8 and errata 9:
// scale = mean; codes 0–5; items 5–12 and 15 reversed as 5 − x; 13 and 14 are not reversed.
const { score } = loadInstrument('maia2');
const items = (codes: Array<number | null>) => Object.fromEntries(codes.map((c, i) => [`MAIA2_${i + 1}`, c]));
const same = (code: number) => items(Array(37).fill(code));

describe('MAIA-2', () => {
  itHasAConsistentFormAndDefinition('maia2');

  it('all 0: Not-Distracting 5, Not-Worrying (5+5+0+0+5)/5 = 3', () => {
    const s = score(same(0)).scales;
    expect(s.noticing?.value).toBe(0);
    expect(s.not_distracting?.value).toBe(5);
    expect(s.not_worrying?.value).toBe(3);
    for (const id of ['attention_regulation', 'emotional_awareness', 'self_regulation', 'body_listening', 'trusting']) {
      expect(s[id]).toMatchObject({ value: 0, status: 'complete' });
    }
  });

  it('all 5: Not-Distracting 0, Not-Worrying (0+0+5+5+0)/5 = 2', () => {
    const s = score(same(5)).scales;
    expect(s.noticing?.value).toBe(5);
    expect(s.not_distracting?.value).toBe(0);
    expect(s.not_worrying?.value).toBe(2);
    expect(s.trusting?.value).toBe(5);
  });

  it('does not reverse items 13 and 14', () => {
    const codes = Array(37).fill(0);
    codes[12] = 5; // item 13
    codes[13] = 5; // item 14
    expect(score(items(codes)).scales.not_worrying?.value).toBe(5); // (5+5+5+5+5)/5
  });

  it('assigns items to scales at every boundary', () => {
    // 1–4 → 1; 5–10 → 1 (reversed 4); 11–15 → 2 (11, 12, 15 reversed 3; 13, 14 stay 2);
    // 16–22 → 3; 23–27 → 4; 28–31 → 5; 32–34 → 0; 35–37 → 2
    const codes = [
      ...Array(4).fill(1), ...Array(6).fill(1), ...Array(5).fill(2), ...Array(7).fill(3),
      ...Array(5).fill(4), ...Array(4).fill(5), ...Array(3).fill(0), ...Array(3).fill(2),
    ];
    const s = score(items(codes)).scales;
    expect(s.noticing?.value).toBe(1);
    expect(s.not_distracting?.value).toBe(4);
    expect(s.not_worrying?.value).toBeCloseTo(13 / 5, 12); // (3+3+2+2+3)/5 = 2.6
    expect(s.attention_regulation?.value).toBe(3);
    expect(s.emotional_awareness?.value).toBe(4);
    expect(s.self_regulation?.value).toBe(5);
    expect(s.body_listening?.value).toBe(0);
    expect(s.trusting?.value).toBe(2);
  });

  it('does not score a scale with a missing item (no published rule)', () => {
    const codes: Array<number | null> = Array(37).fill(2);
    codes[36] = null; // item 37
    const s = score(items(codes)).scales;
    expect(s.trusting).toMatchObject({ value: null, status: 'not_scored', answered: 2, items: 3 });
    expect(s.body_listening).toMatchObject({ value: 2, status: 'complete' });
    expect(s.not_distracting).toMatchObject({ value: 3, status: 'complete' });
  });
});
