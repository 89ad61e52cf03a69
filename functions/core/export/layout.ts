import type { CatalogueInstrument } from '../ports';
import type { Protocol, Study } from '../study/study';

/**
 * What a study's exports are laid out from: its timepoints in protocol order, each with its
 * battery. The current protocol comes first; a timepoint or instrument that only an older
 * protocol version had is appended after, so data collected under it still has a column.
 */
export interface ExportLayout {
  studyId: string;
  timepoints: Array<{ id: string; label: string; instruments: Array<{ id: string; version: string }> }>;
  /** Timepoint ids in the order rows and columns follow. */
  timepointOrder: string[];
  /** Every instrument version used, in first-use order (the FHIR Questionnaires). */
  instruments: CatalogueInstrument[];
}

export type Find = (id: string, version?: string) => CatalogueInstrument | undefined;

/**
 * @param protocols every published protocol version (order does not matter); the study's
 *   current one is always used first.
 */
export function exportLayout(study: Study, protocols: Protocol[], find: Find): ExportLayout {
  const ordered = [study.protocol, ...protocols.filter((p) => p.version !== study.protocol.version).sort((a, b) => b.version - a.version)];
  const timepoints: ExportLayout['timepoints'] = [];
  for (const protocol of ordered) {
    for (const tp of protocol.timepoints) {
      let entry = timepoints.find((t) => t.id === tp.id);
      if (entry === undefined) {
        entry = { id: tp.id, label: tp.label, instruments: [] };
        timepoints.push(entry);
      }
      for (const { id, version } of tp.instruments) {
        if (!entry.instruments.some((i) => i.id === id && i.version === version)) entry.instruments.push({ id, version });
      }
    }
  }
  const instruments: CatalogueInstrument[] = [];
  for (const tp of timepoints) {
    for (const { id, version } of tp.instruments) {
      const found = find(id, version);
      if (found === undefined) throw new Error(`instrument ${id}@${version} (timepoint ${tp.id}) is not installed`);
      if (!instruments.includes(found)) instruments.push(found);
    }
  }
  return { studyId: study.id, timepoints, timepointOrder: timepoints.map((t) => t.id), instruments };
}

/** Byte (code unit) order: the order DynamoDB returns sort keys in, independent of locale. */
export const byCode = (a: string, b: string): number => (a < b ? -1 : a > b ? 1 : 0);
