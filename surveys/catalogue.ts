/**
 * The instrument catalogue: every bundled instrument's SurveyJS form and scoring definition.
 * Adding an instrument means adding its folder and one line to `bundled` below; the engine
 * needs no new code.
 */
import { scoringDefinitionSchema, type ScoringDefinition } from '../functions/core/scoring/definition';
import phq9Scoring from './phq9/scoring.json' with { type: 'json' };
import phq9Survey from './phq9/survey.json' with { type: 'json' };
import peg3Scoring from './peg3/scoring.json' with { type: 'json' };
import peg3Survey from './peg3/survey.json' with { type: 'json' };
import promis29Scoring from './promis29/scoring.json' with { type: 'json' };
import promis29Survey from './promis29/survey.json' with { type: 'json' };

/** A SurveyJS form definition (kept opaque here: survey-core reads it). */
export type SurveyJson = Record<string, unknown>;

export interface Instrument {
  id: string;
  version: string;
  scoring: ScoringDefinition;
  survey: SurveyJson;
}

const bundled: Array<{ scoring: unknown; survey: SurveyJson }> = [
  { scoring: phq9Scoring, survey: phq9Survey },
  { scoring: peg3Scoring, survey: peg3Survey },
  { scoring: promis29Scoring, survey: promis29Survey },
];

let cache: Instrument[] | undefined;

/** All bundled instruments, their definitions checked against the schema once. */
export function listInstruments(): Instrument[] {
  cache ??= bundled.map(({ scoring, survey }) => {
    const parsed = scoringDefinitionSchema.parse(scoring);
    return { id: parsed.id, version: parsed.version, scoring: parsed, survey };
  });
  return cache;
}

export function findInstrument(id: string, version?: string): Instrument | undefined {
  return listInstruments().find((i) => i.id === id && (version === undefined || i.version === version));
}
