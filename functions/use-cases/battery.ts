import { applyLicensedText } from '../core/catalogue/apply-licensed-text';
import type { CatalogueInstrument } from '../core/ports';
import type { Deps } from './deps';

export interface BatteryInstrument extends CatalogueInstrument {
  /** False while an instrument's licensed wording has not been loaded into this deployment. */
  textInstalled: boolean;
}

/**
 * A timepoint's instruments, in protocol order, with licensed wording merged in where a
 * licensee has loaded it. An instrument the catalogue lacks is a configuration error.
 */
export async function loadBattery(
  deps: Pick<Deps, 'catalogue' | 'licensedTexts'>,
  instruments: Array<{ id: string; version: string }>,
): Promise<BatteryInstrument[]> {
  return Promise.all(
    instruments.map(async ({ id, version }) => {
      const instrument = await deps.catalogue.find(id, version);
      if (instrument === undefined) throw new Error(`instrument ${id}@${version} is not installed`);
      if (instrument.scoring.licence.textIncluded) return { ...instrument, textInstalled: true };
      const text = await deps.licensedTexts.get(id, version);
      return text === null
        ? { ...instrument, textInstalled: false }
        : { ...instrument, survey: applyLicensedText(instrument.survey, text), textInstalled: true };
    }),
  );
}

/**
 * Whether an instrument's wording is there to show: shipped with it, or loaded by a licensee.
 * An instrument the catalogue lacks has none.
 */
export async function wordingInstalled(deps: Pick<Deps, 'catalogue' | 'licensedTexts'>, id: string, version: string): Promise<boolean> {
  const instrument = await deps.catalogue.find(id, version);
  if (instrument === undefined) return false;
  return instrument.scoring.licence.textIncluded || (await deps.licensedTexts.get(id, version)) !== null;
}

/** The instruments (`id@version`, first-use order, each once) among `instruments` whose wording is not installed. */
export async function missingWording(deps: Pick<Deps, 'catalogue' | 'licensedTexts'>, instruments: Array<{ id: string; version: string }>): Promise<string[]> {
  const unique = [...new Map(instruments.map((i) => [`${i.id}@${i.version}`, i])).entries()];
  const present = await Promise.all(unique.map(([, i]) => wordingInstalled(deps, i.id, i.version)));
  return unique.filter((_, n) => !present[n]).map(([key]) => key);
}
