import { describe, expect, it } from 'vitest';
import type { ScoringPlugin } from '../../../functions/core/scoring/engine';
import { itHasAConsistentFormAndDefinition, loadInstrument } from './instrument-harness';

// PAM-13 scoring is proprietary (Insignia Health): the activation score comes only from a licensee's
// plug-in. What is checked here is the open layer: N/A (code 5) reaches the plug-in as null, and the
// published level cut points (≤ 47.0 / 47.1–55.1 / 55.2–67.0 / ≥ 67.1), extended to cover every value
// (level 2 is > 47.0 and ≤ 55.1, level 3 > 55.1 and ≤ 67.0, level 4 > 67.0).
const { scoring, score } = loadInstrument('pam13');
const answers = (codes: Array<number | null>) => Object.fromEntries(codes.map((c, i) => [`PAM_${i + 1}`, c]));
const allAgree = answers(Array(13).fill(3));
const returning = (value: number, band?: string | null): ScoringPlugin => () => (band === undefined ? { value } : { value, band });

describe('PAM-13', () => {
  itHasAConsistentFormAndDefinition('pam13');

  it('offers 1–4 and N/A (code 5), N/A scoring as missing', () => {
    for (const item of scoring.items) expect(item).toMatchObject({ codes: [1, 2, 3, 4, 5], missingCodes: [5] });
  });

  it('is not scored, with the reason, until the licensed plug-in is installed', () => {
    expect(score(allAgree).scales.activation).toMatchObject({
      value: null, raw: null, band: null, status: 'not_scored',
      reason: 'licensed scoring plug-in "pam13" is not installed', rule: 'licensed_scoring', answered: 13, items: 13,
    });
  });

  it('hands the plug-in the item scores, with N/A and unanswered items as null', () => {
    const seen: Array<Record<string, number | null>> = [];
    const pam13: ScoringPlugin = (itemScores) => {
      seen.push(itemScores);
      return { value: 58.1, raw: 3.1 };
    };
    const result = score(answers([4, 3, 3, 5, 2, 1, 4, null, 3, 3, 5, 4, 2]), { plugins: { pam13 } }).scales.activation;
    expect(seen).toEqual([{
      PAM_1: 4, PAM_2: 3, PAM_3: 3, PAM_4: null, PAM_5: 2, PAM_6: 1, PAM_7: 4,
      PAM_8: null, PAM_9: 3, PAM_10: 3, PAM_11: null, PAM_12: 4, PAM_13: 2,
    }]);
    expect(result).toMatchObject({ value: 58.1, raw: 3.1, band: 'level_3', status: 'prorated', answered: 10, items: 13, rule: 'licensed_scoring' });
  });

  it('leaves validity to the plug-in: it is called even with 6 of 13 answered, and its refusal is reported', () => {
    let calls = 0;
    const pam13: ScoringPlugin = (itemScores) => {
      calls += 1;
      const answered = Object.values(itemScores).filter((v) => v !== null).length;
      return answered < 7 ? { notScored: `only ${answered} non-N/A answers` } : { value: 50 };
    };
    const sixAnswered = answers([3, 3, 3, 3, 3, 3, 5, 5, 5, 5, 5, 5, 5]);
    expect(score(sixAnswered, { plugins: { pam13 } }).scales.activation).toMatchObject({
      value: null, band: null, status: 'not_scored', reason: 'only 6 non-N/A answers', answered: 6,
    });
    expect(calls).toBe(1);
  });

  it.each([
    [0, 'level_1'],
    [47.0, 'level_1'],
    [47.05, 'level_2'],
    [47.1, 'level_2'],
    [55.1, 'level_2'],
    [55.15, 'level_3'],
    [55.2, 'level_3'],
    [67.0, 'level_3'],
    [67.05, 'level_4'],
    [67.1, 'level_4'],
    [100, 'level_4'],
  ])('bands an activation score of %d as %s', (value, band) => {
    expect(score(allAgree, { plugins: { pam13: returning(value) } }).scales.activation).toMatchObject({ value, band, status: 'complete' });
  });

  it("keeps the licensed scorer's own level when it gives one (e.g. the newer 72.4 / 72.5 cut point)", () => {
    expect(score(allAgree, { plugins: { pam13: returning(70.0, 'level_3') } }).scales.activation).toMatchObject({ value: 70, band: 'level_3' });
  });
});
