import type { CatalogueInstrument } from '../ports';

/** An instrument by id (and version, when given) among `instruments`: the first listed when no version is given. */
export type InstrumentLookup = (id: string, version?: string) => CatalogueInstrument | undefined;

/** A synchronous look-up over a catalogue's list, for the code that resolves many instruments in one pass (exports, summaries). */
export function instrumentLookup<I extends CatalogueInstrument>(instruments: readonly I[]): (id: string, version?: string) => I | undefined {
  return (id, version) => instruments.find((i) => i.id === id && (version === undefined || i.version === version));
}
