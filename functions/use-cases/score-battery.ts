import { invalidFields } from '../core/errors';
import { answersFor, checkAnswers } from '../core/scoring/check-answers';
import { scoreInstrument, type ScoreResult } from '../core/scoring/engine';
import type { Answers } from '../core/schedule/records';
import type { Study } from '../core/study/study';
import type { BatteryInstrument } from './battery';
import type { Deps } from './deps';

/**
 * Checks a battery's answers as a submission is checked (every answer against its item's allowed
 * codes, then against the SurveyJS form) and scores them with the study's missing-data rules.
 * Any problem: a 400 naming every item. Stores nothing: a participant's submit and a staff
 * preview both use it, so a preview scores exactly as the real thing would.
 */
export async function checkAndScore(
  deps: Pick<Deps, 'scoringPlugins' | 'forms'>,
  study: Study,
  battery: BatteryInstrument[],
  answers: Record<string, unknown>,
): Promise<{ answers: Answers; scores: ScoreResult[] }> {
  const strict = checkAnswers(battery.map((i) => i.scoring), answers);
  if (strict.length > 0) throw invalidFields(strict.map((p) => ({ field: `answers.${p.item}`, message: p.message })));
  const checked = answers as Answers;
  const form = (await Promise.all(battery.map((i) => deps.forms.validate(i.survey, answersFor(i.scoring, checked))))).flat();
  if (form.length > 0) throw invalidFields(form.map((p) => ({ field: `answers.${p.item}`, message: p.message })));
  const scores = battery.map((i) =>
    scoreInstrument(i.scoring, answersFor(i.scoring, checked), {
      ...(study.missingRules[i.id] ? { missingRule: study.missingRules[i.id] } : {}),
      plugins: deps.scoringPlugins,
    }),
  );
  return { answers: checked, scores };
}
