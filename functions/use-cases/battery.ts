import { applyLicensedText } from '../core/catalogue/licensed-text';
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
      const instrument = deps.catalogue.find(id, version);
      if (instrument === undefined) throw new Error(`instrument ${id}@${version} is not installed`);
      if (instrument.scoring.licence.textIncluded) return { ...instrument, textInstalled: true };
      const text = await deps.licensedTexts.get(id, version);
      return text === null
        ? { ...instrument, textInstalled: false }
        : { ...instrument, survey: applyLicensedText(instrument.survey, text), textInstalled: true };
    }),
  );
}
