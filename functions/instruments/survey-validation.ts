
export interface SurveyProblem {
  item: string;
  message: string;
}

/** What SurveyJS itself says about a set of answers to one form. */
export type SurveyValidator = (survey: Record<string, unknown>, answers: Record<string, unknown>) => SurveyProblem[];

let loading: Promise<SurveyValidator> | undefined;

/**
 * SurveyJS's own checks of a set of answers to one form: required questions left empty, numeric
 * validators. It does not check codes (see core/scoring/check-answers.ts), which is why the server
 * runs both.
 *
 * survey-core is imported on first use, not with the module: it is the largest part of the API
 * bundle and only a submission needs it, so a cold start that serves anything else (opening a
 * link, saving progress, the console) skips evaluating it.
 */
export function loadSurveyValidator(): Promise<SurveyValidator> {
  return (loading ??= import('survey-core').then(({ Model }) => (survey, answers) => {
    const model = new Model(survey);
    model.data = Object.fromEntries(Object.entries(answers).filter(([, v]) => v !== null));
    // validate(true, …) records each question's errors, which are read back below.
    if (model.validate(true, false)) return [];
    return model
      .getAllQuestions(true)
      .flatMap((question) => question.errors.map((error) => ({ item: question.name, message: error.getText() })));
  }));
}
