import type { CatalogueInstrument } from '../ports';
import type { Protocol, Study } from '../study/study';
import { scheduleOrder, type Schedulable } from '../study/timepoint-order';

/**
 * What a study's exports are laid out from: its timepoints in schedule order (`scheduleOrder`:
 * when they happen, not when they were added to the protocol), each with its battery. A
 * timepoint or instrument that only an older protocol version had is included too (placed by its
 * schedule there), so data collected under it still has a column; the current protocol's
 * definition of a timepoint wins.
 */
export interface ExportLayout {
  studyId: string;
  timepoints: Array<Schedulable & { label: string; instruments: Array<{ id: string; version: string }> }>;
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
  const merged: ExportLayout['timepoints'] = [];
  for (const protocol of ordered) {
    for (const tp of protocol.timepoints) {
      let entry = merged.find((t) => t.id === tp.id);
      if (entry === undefined) {
        entry = { id: tp.id, label: tp.label, anchor: tp.anchor, offsetDays: tp.offsetDays, instruments: [] };
        merged.push(entry);
      }
      for (const { id, version } of tp.instruments) {
        if (!entry.instruments.some((i) => i.id === id && i.version === version)) entry.instruments.push({ id, version });
      }
    }
  }
  const timepoints = scheduleOrder(merged);
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
