import { catalogueEntry } from '../core/catalogue/catalogue-entry';
import { wordingInstalled } from './battery';
import type { Deps } from './deps';

/** The installed instruments, as a coordinator picks them for a timepoint's battery. */
export async function listInstruments(deps: Pick<Deps, 'catalogue' | 'licensedTexts'>) {
  const instruments = await deps.catalogue.list();
  // Usable here: wording that ships, or licensed wording this deployment has loaded.
  const installed = await Promise.all(instruments.map((i) => wordingInstalled(deps, i.id, i.version)));
  return {
    instruments: instruments.map((instrument, n) => {
      const entry = catalogueEntry(instrument);
      const { scoring } = instrument;
      return {
        id: entry.id,
        version: entry.version,
        name: entry.name,
        constructs: entry.constructs,
        items: scoring.items.length,
        scales: scoring.scales.map((s) => ({ id: s.id, label: s.label })),
        licence: entry.licence,
        nonCommercial: entry.nonCommercial,
        textIncluded: scoring.licence.textIncluded,
        textInstalled: installed[n]!,
        wording: entry.wording,
        languages: entry.languages,
      };
    }),
  };
}
