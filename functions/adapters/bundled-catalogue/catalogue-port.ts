import { once } from '../../core/once';
import type { InstrumentCatalogue } from '../../core/ports';

const load = once(() => import('./bundled-catalogue'));

/**
 * The bundled instruments (bundled-catalogue.ts) as the use cases' catalogue port, imported on
 * the first look-up: their forms and scoring definitions are over 100 KiB of data that a Lambda
 * would otherwise compile at every cold start, whether or not the request opens a form
 * (bench/README.md#cold-start). The command line and tests read bundled-catalogue.ts directly.
 */
export const bundledCatalogue: InstrumentCatalogue = {
  find: async (id, version) => (await load()).findInstrument(id, version),
  list: async () => (await load()).listInstruments(),
};
