import { badRequest, conflict, notFound } from '../core/errors';
import type { Language } from '../core/i18n/language';
import { supportText, urgentFlags } from '../core/safety/support-text';
import type { ScoreResult } from '../core/scoring/engine';
import type { Study, Timepoint } from '../core/study/study';
import { loadBattery } from './battery';
import type { Deps } from './deps';
import { surveyView, type SurveyView } from './open-survey';
import { parseInput } from './parse-input';
import { checkAndScore } from './score-battery';
import { staffInput } from './staff-input-loader';
import { submissionBody } from './submit-answers';

const DAY = 86_400_000;

async function target(deps: Pick<Deps, 'studies'>, studyId: string, query: unknown): Promise<{ study: Study; timepoint: Timepoint; language: Language }> {
  const input = parseInput((await staffInput()).previewQuerySchema, query);
  const study = await deps.studies.get(studyId);
  if (study === null) throw notFound(`study ${studyId}`);
  const timepoint = study.protocol.timepoints.find((t) => t.id === input.timepoint);
  if (timepoint === undefined) {
    throw badRequest('timepoint', `unknown timepoint "${input.timepoint}" (this study has: ${study.protocol.timepoints.map((t) => t.id).join(', ')})`);
  }
  if (input.arm !== undefined) {
    if (!study.arms.some((a) => a.id === input.arm)) throw badRequest('arm', `unknown arm "${input.arm}" (this study has: ${study.arms.map((a) => a.id).join(', ')})`);
    if (!timepoint.arms.includes(input.arm)) throw badRequest('arm', `arm "${input.arm}" does not get "${timepoint.id}" (it is for: ${timepoint.arms.join(', ')})`);
  }
  return { study, timepoint, language: input.language ?? 'en' };
}

/**
 * A timepoint's battery exactly as a participant's link would show it (the same body as
 * `GET /api/p/{token}`, built by the same code), as if its window had opened now, in the
 * language asked for. Reads only: nothing is stored, no link exists, no email goes out.
 */
export async function previewTimepoint(deps: Pick<Deps, 'studies' | 'catalogue' | 'licensedTexts' | 'clock'>, studyId: string, query: unknown): Promise<SurveyView> {
  const { study, timepoint, language } = await target(deps, studyId, query);
  const now = deps.clock.now().getTime();
  return surveyView(deps, {
    study,
    timepoint: timepoint.id,
    instruments: timepoint.instruments,
    opensAt: new Date(now).toISOString(),
    closesAt: new Date(now + (timepoint.window.opensDaysBefore + timepoint.window.closesDaysAfter) * DAY).toISOString(),
    language,
    status: 'open',
    answers: {},
  });
}

export interface PreviewScores {
  /** Each instrument's scores, exactly as a submission would store them. */
  scores: ScoreResult[];
  /** The safety alert a real submission would raise (its flags), or none. Never sent from a preview. */
  alert: { flags: string[] } | null;
  /** The support text the thank-you page would show (only after an urgent answer). */
  support: { text: string } | null;
}

/**
 * Scores answers given in a preview, checked and scored exactly as a participant's submission
 * (the same code), and says which safety alert would fire, without storing anything, raising
 * the alert or sending an email.
 */
export async function scorePreview(
  deps: Pick<Deps, 'studies' | 'catalogue' | 'licensedTexts' | 'scoringPlugins' | 'forms'>,
  studyId: string,
  query: unknown,
  body: unknown,
): Promise<PreviewScores> {
  const { answers } = parseInput(await submissionBody(), body);
  const { study, timepoint, language } = await target(deps, studyId, query);
  const battery = await loadBattery(deps, timepoint.instruments);
  const missing = battery.filter((i) => !i.textInstalled);
  if (missing.length > 0) {
    throw conflict(`the licensed wording of ${missing.map((i) => i.id).join(', ')} is not installed, so these questionnaires cannot be answered yet`);
  }
  const { scores } = await checkAndScore(deps, study, battery, answers);
  const flags = urgentFlags(scores);
  return { scores, alert: flags.length > 0 ? { flags } : null, support: flags.length > 0 ? { text: supportText(study.support, language) } : null };
}
