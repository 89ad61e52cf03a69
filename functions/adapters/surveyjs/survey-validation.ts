import type { Model } from 'survey-core';
import { once } from '../../core/once';
import type { FormProblem, FormValidator } from '../../core/ports';

/** What SurveyJS itself says about a set of answers to one form. */
export type SurveyValidator = (survey: Record<string, unknown>, answers: Record<string, unknown>) => FormProblem[];

const loadSurveyCore = once(() => import('survey-core'));

/**
 * SurveyJS's own checks of a set of answers to one form: required questions left empty, numeric
 * validators. It does not check codes (see core/scoring/check-answers.ts), which is why the server
 * runs both.
 *
 * survey-core is imported on first use, not with the module: it is the largest part of the API
 * bundle and only a submission needs it, so a cold start that serves anything else (opening a
 * link, saving progress, the console) skips evaluating it.
 */
export const loadSurveyValidator: () => Promise<SurveyValidator> = once(() =>
  loadSurveyCore().then((surveyCore): SurveyValidator => {
    // Building a Model costs tens of milliseconds, most of a submission's CPU; one per form is
    // reused (setting `data` replaces every value and validate() recomputes every error; it is
    // synchronous, so no two submissions share a model at once). Keyed by the form's JSON, since
    // licensed wording makes a new object per request; bounded, oldest out first.
    const models = new Map<string, Model>();
    const modelFor = (survey: Record<string, unknown>) => {
      const key = JSON.stringify(survey);
      let model = models.get(key);
      if (model === undefined) {
        model = new surveyCore.Model(survey);
        models.set(key, model);
        if (models.size > MAX_CACHED_FORMS) models.delete(models.keys().next().value!);
      }
      return model;
    };
    return (survey, answers) => validateWith(modelFor(survey), answers);
  }),
);

/** Forms kept built: a deployment's instruments, with room to spare. */
const MAX_CACHED_FORMS = 64;

function validateWith(model: Model, answers: Record<string, unknown>): FormProblem[] {
  model.data = Object.fromEntries(Object.entries(answers).filter(([, v]) => v !== null));
  // validate(true, …) records each question's errors, which are read back below.
  if (model.validate(true, false)) return [];
  return model
    .getAllQuestions(true)
    .flatMap((question) => question.errors.map((error) => ({ item: question.name, message: error.getText() })));
}

/** The form-validator port, on SurveyJS (loaded on the first validation or evaluation). */
export const surveyJsForms: FormValidator = {
  async validate(survey, answers) {
    return (await loadSurveyValidator())(survey, answers);
  },
  async isTrue(expression, answers) {
    const { ExpressionRunner } = await loadSurveyCore();
    return new ExpressionRunner(expression).runValues({ ...answers }) === true;
  },
};
