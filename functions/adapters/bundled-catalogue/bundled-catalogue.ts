import { bundledInstruments, type SurveyJson } from '../../../surveys/catalogue';
import { instrumentLookup } from '../../core/catalogue/lookup';
import { scoringDefinitionSchema, type ScoringDefinition } from '../../core/scoring/definition';

/** A bundled instrument: its checked scoring definition and its SurveyJS form. */
export interface Instrument {
  id: string;
  version: string;
  scoring: ScoringDefinition;
  survey: SurveyJson;
}

let cache: Instrument[] | undefined;

/** All bundled instruments, their definitions checked against the schema once. */
export function listInstruments(): Instrument[] {
  cache ??= bundledInstruments.map(({ scoring, survey }) => {
    const parsed = scoringDefinitionSchema().parse(scoring);
    return { id: parsed.id, version: parsed.version, scoring: parsed, survey };
  });
  return cache;
}

export function findInstrument(id: string, version?: string): Instrument | undefined {
  return instrumentLookup(listInstruments())(id, version);
}
