import { describe, expect, it } from 'vitest';
import { loadSurveyValidator } from '../../functions/adapters/surveyjs/survey-validation';
import { loadInstrument } from './instruments/instrument-harness';

const { survey, scoring } = loadInstrument('phq9');
const complete = Object.fromEntries(scoring.items.map((i) => [i.id, i.codes![0]!]));
const { PHQ9_3: _, ...missingOne } = complete;

describe('SurveyJS validation with a form model reused between submissions', () => {
  it('judges each set of answers on its own: no error carried over, none lost', async () => {
    const validate = await loadSurveyValidator();
    expect(validate(survey, complete)).toEqual([]);
    expect(validate(survey, missingOne).map((p) => p.item)).toEqual(['PHQ9_3']);
    // The same form again, complete: the previous call's error is gone, and no earlier value leaks in.
    expect(validate(survey, complete)).toEqual([]);
    expect(validate(survey, missingOne).map((p) => p.item)).toEqual(['PHQ9_3']);
  });

  it('judges an equal form given as a new object (as licensed wording makes) the same way', async () => {
    const validate = await loadSurveyValidator();
    const copy = JSON.parse(JSON.stringify(survey)) as Record<string, unknown>;
    expect(validate(copy, missingOne).map((p) => p.item)).toEqual(['PHQ9_3']);
    expect(validate(copy, complete)).toEqual([]);
  });
});
