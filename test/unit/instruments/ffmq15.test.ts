import { describe, expect, it } from 'vitest';
import { itHasAConsistentFormAndDefinition, loadInstrument } from './instrument-harness';

// Expected values computed by hand from reference §2.10 and errata 9: items keep their FFMQ-39
// numbers; standalone order q1–q15 = FFMQ-39 items 6, 2, 8, 14, 19, 11, 16, 34, 30, 29, 15, 27, 38,
// 10, 33; reversed (6 − x): 16, 8, 34, 38, 10, 14, 30 (standalone q7, q3, q8, q13, q14, q4, q9).
const { scoring, survey, score } = loadInstrument('ffmq15');
const STANDALONE = [6, 2, 8, 14, 19, 11, 16, 34, 30, 29, 15, 27, 38, 10, 33];
const byStandalone = (codes: Array<number | null>) => Object.fromEntries(codes.map((c, i) => [`FFMQ_${STANDALONE[i]}`, c]));
const facets = (answers: Record<string, number | null>) => {
  const s = score(answers).scales;
  return [s.observe?.value, s.describe?.value, s.act_aware?.value, s.nonjudge?.value, s.nonreact?.value, s.total?.value];
};

describe('FFMQ-15', () => {
  itHasAConsistentFormAndDefinition('ffmq15');

  it('presents the items in the standalone order, named by their FFMQ-39 numbers', () => {
    const names = (survey.pages as Array<{ elements: Array<{ name: string }> }>).flatMap((p) => p.elements.map((e) => e.name));
    expect(names).toEqual(STANDALONE.map((n) => `FFMQ_${n}`));
    expect(scoring.items.map((i) => i.id)).toEqual(names);
  });

  it('all 1: reversed items score 5', () => {
    // observe 3; describe 1 + 1 + 5 = 7; act 15; nonjudge 15; nonreact 3; total 7×5 + 8×1 = 43
    expect(facets(byStandalone(Array(15).fill(1)))).toEqual([3, 7, 15, 15, 3, 43]);
  });

  it('all 5: reversed items score 1', () => {
    // observe 15; describe 5 + 5 + 1 = 11; act 3; nonjudge 3; nonreact 15; total 8×5 + 7×1 = 47
    expect(facets(byStandalone(Array(15).fill(5)))).toEqual([15, 11, 3, 3, 15, 47]);
  });

  it('maps standalone positions to facets and reversals', () => {
    // q1..q15 = 5,4,1,2,3,4,2,1,1,3,5,4,2,1,5
    // observe q1 5 + q6 4 + q11 5 = 14; describe q2 4 + q7 (2→4) + q12 4 = 12;
    // act q3 (1→5) + q8 (1→5) + q13 (2→4) = 14; nonjudge q4 (2→4) + q9 (1→5) + q14 (1→5) = 14;
    // nonreact q5 3 + q10 3 + q15 5 = 11; total 65
    expect(facets(byStandalone([5, 4, 1, 2, 3, 4, 2, 1, 1, 3, 5, 4, 2, 1, 5]))).toEqual([14, 12, 14, 14, 11, 65]);
  });

  it('does not score a facet or the total with a missing item (no published rule)', () => {
    const codes: Array<number | null> = Array(15).fill(3);
    codes[13] = null; // q14 = FFMQ_10
    const s = score(byStandalone(codes)).scales;
    expect(s.nonjudge).toMatchObject({ value: null, status: 'not_scored', answered: 2, items: 3 });
    expect(s.total?.status).toBe('not_scored');
    expect(s.act_aware).toMatchObject({ value: 9, status: 'complete' });
  });
});
