/**
 * The bundled instruments as data: every instrument's SurveyJS form and scoring definition, as
 * their JSON files hold them. Adding an instrument means adding its folder and one line to
 * `bundledInstruments` below; the engine needs no new code. Nothing here depends on the
 * application: `functions/adapters/bundled-catalogue/bundled-catalogue.ts` checks each definition against its schema.
 */
import promis29Scoring from './promis29/scoring.json' with { type: 'json' };
import promis29Survey from './promis29/survey.json' with { type: 'json' };
import sfmpqScoring from './sfmpq/scoring.json' with { type: 'json' };
import sfmpqSurvey from './sfmpq/survey.json' with { type: 'json' };
import sfmpq2Scoring from './sfmpq2/scoring.json' with { type: 'json' };
import sfmpq2Survey from './sfmpq2/survey.json' with { type: 'json' };
import pam13Scoring from './pam13/scoring.json' with { type: 'json' };
import pam13Survey from './pam13/survey.json' with { type: 'json' };
import pcsScoring from './pcs/scoring.json' with { type: 'json' };
import pcsSurvey from './pcs/survey.json' with { type: 'json' };
import bdi2Scoring from './bdi2/scoring.json' with { type: 'json' };
import bdi2Survey from './bdi2/survey.json' with { type: 'json' };
import maia1Scoring from './maia1/scoring.json' with { type: 'json' };
import maia1Survey from './maia1/survey.json' with { type: 'json' };
import maia2Scoring from './maia2/scoring.json' with { type: 'json' };
import maia2Survey from './maia2/survey.json' with { type: 'json' };
import ffmq39Scoring from './ffmq39/scoring.json' with { type: 'json' };
import ffmq39Survey from './ffmq39/survey.json' with { type: 'json' };
import ffmq15Scoring from './ffmq15/scoring.json' with { type: 'json' };
import ffmq15Survey from './ffmq15/survey.json' with { type: 'json' };
import phq9Scoring from './phq9/scoring.json' with { type: 'json' };
import phq9Survey from './phq9/survey.json' with { type: 'json' };
import gad7Scoring from './gad7/scoring.json' with { type: 'json' };
import gad7Survey from './gad7/survey.json' with { type: 'json' };
import peg3Scoring from './peg3/scoring.json' with { type: 'json' };
import peg3Survey from './peg3/survey.json' with { type: 'json' };
import bpisfScoring from './bpisf/scoring.json' with { type: 'json' };
import bpisfSurvey from './bpisf/survey.json' with { type: 'json' };
import fabqScoring from './fabq/scoring.json' with { type: 'json' };
import fabqSurvey from './fabq/survey.json' with { type: 'json' };
import tsk17Scoring from './tsk17/scoring.json' with { type: 'json' };
import tsk17Survey from './tsk17/survey.json' with { type: 'json' };
import tsk11Scoring from './tsk11/scoring.json' with { type: 'json' };
import tsk11Survey from './tsk11/survey.json' with { type: 'json' };
import who5Scoring from './who5/scoring.json' with { type: 'json' };
import who5Survey from './who5/survey.json' with { type: 'json' };
import wemwbsScoring from './wemwbs/scoring.json' with { type: 'json' };
import wemwbsSurvey from './wemwbs/survey.json' with { type: 'json' };
import swemwbsScoring from './swemwbs/scoring.json' with { type: 'json' };
import swemwbsSurvey from './swemwbs/survey.json' with { type: 'json' };
import pseqScoring from './pseq/scoring.json' with { type: 'json' };
import pseqSurvey from './pseq/survey.json' with { type: 'json' };
import maasScoring from './maas/scoring.json' with { type: 'json' };
import maasSurvey from './maas/survey.json' with { type: 'json' };
import dass21Scoring from './dass21/scoring.json' with { type: 'json' };
import dass21Survey from './dass21/survey.json' with { type: 'json' };

/** A SurveyJS form definition (kept opaque here: survey-core reads it). */
export type SurveyJson = Record<string, unknown>;

/** In design.md's order: the motivating trial's battery, then the open alternatives. */
export const bundledInstruments: ReadonlyArray<{ scoring: unknown; survey: SurveyJson }> = [
  { scoring: promis29Scoring, survey: promis29Survey },
  { scoring: sfmpqScoring, survey: sfmpqSurvey },
  { scoring: sfmpq2Scoring, survey: sfmpq2Survey },
  { scoring: pam13Scoring, survey: pam13Survey },
  { scoring: pcsScoring, survey: pcsSurvey },
  { scoring: bdi2Scoring, survey: bdi2Survey },
  { scoring: maia1Scoring, survey: maia1Survey },
  { scoring: maia2Scoring, survey: maia2Survey },
  { scoring: ffmq39Scoring, survey: ffmq39Survey },
  { scoring: ffmq15Scoring, survey: ffmq15Survey },
  { scoring: phq9Scoring, survey: phq9Survey },
  { scoring: gad7Scoring, survey: gad7Survey },
  { scoring: peg3Scoring, survey: peg3Survey },
  { scoring: bpisfScoring, survey: bpisfSurvey },
  { scoring: fabqScoring, survey: fabqSurvey },
  { scoring: tsk17Scoring, survey: tsk17Survey },
  { scoring: tsk11Scoring, survey: tsk11Survey },
  { scoring: who5Scoring, survey: who5Survey },
  { scoring: wemwbsScoring, survey: wemwbsSurvey },
  { scoring: swemwbsScoring, survey: swemwbsSurvey },
  { scoring: pseqScoring, survey: pseqSurvey },
  { scoring: maasScoring, survey: maasSurvey },
  { scoring: dass21Scoring, survey: dass21Survey },
];
