import type { InstrumentCatalogue } from '../core/ports';
import { findInstrument, listInstruments } from '../../surveys/catalogue';

/** The bundled instruments as the use cases' catalogue port. */
export const bundledCatalogue: InstrumentCatalogue = {
  find: findInstrument,
  list: listInstruments,
};
