import { describe, expect, it } from 'vitest';
import { answersFor, checkAnswers } from '../../functions/core/scoring/check-answers';
import { findInstrument } from '../../functions/adapters/bundled-catalogue/bundled-catalogue';

const phq9 = findInstrument('phq9')!.scoring;
const peg3 = findInstrument('peg3')!.scoring;
const bdi2 = findInstrument('bdi2')!.scoring;

describe('the strict answer check', () => {
  it('accepts allowed codes, in-range ratings and null for unanswered', () => {
    expect(checkAnswers([phq9, peg3], { PHQ9_1: 3, PHQ9_2: null, PEG_1: 10, PEG_2: 0 })).toEqual([]);
  });

  it('names each bad item and says what is wrong', () => {
    expect(checkAnswers([phq9, peg3], { PHQ9_1: 4, PHQ9_2: '1', PEG_1: 11, PEG_2: 2.5, PHQ9_3: true, NOPE: 1 })).toEqual([
      { item: 'PHQ9_1', message: '4 is not an allowed code (allowed: 0, 1, 2, 3)' },
      { item: 'PHQ9_2', message: 'expected a number, got the string "1"' },
      { item: 'PEG_1', message: '11 is outside 0–10' },
      { item: 'PEG_2', message: '2.5 is not a whole number' },
      { item: 'PHQ9_3', message: 'expected a number, got boolean' },
      { item: 'NOPE', message: 'is not an item of this questionnaire' },
    ]);
  });

  it('rejects an item of an instrument that is not in the battery', () => {
    expect(checkAnswers([phq9], { PEG_1: 5 })).toEqual([{ item: 'PEG_1', message: 'is not an item of this questionnaire' }]);
  });

  it('accepts every printed option of a recoded item (BDI-II 16: 0, 1a … 3b coded 0–6) and nothing beyond', () => {
    expect(checkAnswers([bdi2], { BDI2_16: 6 })).toEqual([]);
    expect(checkAnswers([bdi2], { BDI2_16: 7 })).toHaveLength(1);
  });

  it('rejects non-finite numbers', () => {
    expect(checkAnswers([peg3], { PEG_1: Number.NaN })).toHaveLength(1);
  });

  it("picks out one instrument's answers, unanswered items as null", () => {
    expect(answersFor(peg3, { PEG_1: 4, PHQ9_1: 2 })).toEqual({ PEG_1: 4, PEG_2: null, PEG_3: null });
  });
});
