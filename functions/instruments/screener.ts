import type { SurveyValidator } from './survey-validation';
import { loadSurveyValidator } from './survey-validation';

/** Evaluates a SurveyJS expression (an eligibility rule) over a screener's answers: true only when it is exactly true. */
export type EligibilityRule = (expression: string, answers: Record<string, unknown>) => boolean;

let loading: Promise<{ eligible: EligibilityRule; validate: SurveyValidator; canRun: (expression: string) => boolean }> | undefined;

/**
 * SurveyJS's own expression engine and form checks for self-enrolment screeners, so the server
 * decides eligibility with exactly the rule the page shows. survey-core is imported on first
 * use (as for submissions): nothing else on the public path pays for loading it.
 */
export function loadScreening() {
  return (loading ??= Promise.all([import('survey-core'), loadSurveyValidator()]).then(([surveyCore, validate]) => ({
    eligible: (expression: string, answers: Record<string, unknown>) => new surveyCore.ExpressionRunner(expression).runValues({ ...answers }) === true,
    canRun: (expression: string) => new surveyCore.ExpressionRunner(expression).canRun(),
    validate,
  })));
}
