import { Model } from 'survey-core';

export interface SurveyProblem {
  item: string;
  message: string;
}

/**
 * What SurveyJS itself says about a set of answers to one form: required questions left
 * empty, numeric validators. It does not check codes (see core/scoring/check-answers.ts), which
 * is why the server runs both.
 */
export function validateWithSurvey(survey: Record<string, unknown>, answers: Record<string, unknown>): SurveyProblem[] {
  const model = new Model(survey);
  model.data = Object.fromEntries(Object.entries(answers).filter(([, v]) => v !== null));
  // validate(true, …) records each question's errors, which are read back below.
  if (model.validate(true, false)) return [];
  return model
    .getAllQuestions(true)
    .flatMap((question) => question.errors.map((error) => ({ item: question.name, message: error.getText() })));
}
