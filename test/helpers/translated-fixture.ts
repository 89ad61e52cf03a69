import type { CatalogueInstrument, InstrumentCatalogue } from '../../functions/core/ports';

const wordingKeys = new Set(['title', 'description', 'text', 'html', 'placeholder', 'minRateDescription', 'maxRateDescription', 'labelTrue', 'labelFalse', 'otherText', 'noneText', 'completedHtml']);

/**
 * A form with every wording string made a SurveyJS localisable string with a stand-in French
 * translation ("[fr] …"): tests only, clearly not a real translation.
 */
export function withStandInFrench(survey: Record<string, unknown>): Record<string, unknown> {
  const walk = (node: unknown): unknown => {
    if (Array.isArray(node)) return node.map(walk);
    if (node === null || typeof node !== 'object') return node;
    return Object.fromEntries(Object.entries(node).map(([key, value]) => [key, wordingKeys.has(key) && typeof value === 'string' ? { default: value, fr: `[fr] ${value}` } : walk(value)]));
  };
  return walk(survey) as Record<string, unknown>;
}

/** The catalogue with stand-in French wording for the given instruments (tests only). */
export function catalogueWithFrench(real: InstrumentCatalogue, ids: string[]): InstrumentCatalogue {
  const translate = (instrument: CatalogueInstrument | undefined) =>
    instrument !== undefined && ids.includes(instrument.id) ? { ...instrument, survey: withStandInFrench(instrument.survey) } : instrument;
  return {
    find: async (id, version) => translate(await real.find(id, version)),
    list: async () => (await real.list()).map((i) => translate(i)!),
  };
}
