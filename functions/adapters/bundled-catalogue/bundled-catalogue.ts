import { bundledInstruments, type SurveyJson } from '../../../surveys/catalogue';
import { scoringDefinitionSchema, type ScoringDefinition } from '../../core/scoring/definition';
import type { InstrumentCatalogue } from '../../core/ports';

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
  return listInstruments().find((i) => i.id === id && (version === undefined || i.version === version));
}

/** The bundled instruments as the use cases' catalogue port. */
export const bundledCatalogue: InstrumentCatalogue = {
  find: findInstrument,
  list: listInstruments,
};
