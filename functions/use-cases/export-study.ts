import { stringify } from 'csv-stringify';
import { pipeline, Readable } from 'node:stream';
import { badRequest, notFound } from '../core/errors';
import { codebook, codebookColumns, codebookRow } from '../core/export/codebook';
import { itemColumnSpecs, longColumnSpecs, wideColumnSpecs, type ColumnSpec } from '../core/export/columns';
import { instanceResources, questionnaire } from '../core/export/fhir';
import { itemRows } from '../core/export/item-rows';
import { exportLayout } from '../core/export/layout';
import { groupLongRows, longColumns } from '../core/export/long-rows';
import { participantGroups, type ParticipantGroup } from '../core/export/participant-groups';
import { spreadsheetSafeCast } from '../core/export/spreadsheet-safe';
import { wideRow } from '../core/export/wide-rows';
import type { Protocol } from '../core/study/study';
import { recordAudit } from './audit';
import type { Actor, Deps } from './deps';

export const exportFormats = ['long', 'wide', 'items', 'codebook', 'codebook-json', 'fhir'] as const;
export type ExportFormat = (typeof exportFormats)[number];

export interface ExportProgress {
  /** Participants written so far, of `participantsTotal`. */
  participants: number;
  participantsTotal: number;
  /** Records written so far (CSV rows after the header, NDJSON lines, codebook entries). */
  rows: number;
}

export interface ExportFile {
  filename: string;
  contentType: string;
  /** The file, produced as it is read: instances are read a page at a time, one participant held at once. */
  body: Readable;
  participantsTotal: number;
}

/**
 * A study's data in one of the analyst formats (docs/exports.md), streamed as it is read.
 * Reads only the research table: contact details are in another table this use case never
 * touches. Instances are read page by page and shaped one participant at a time, so memory
 * stays flat however large the study (the participant list itself is read whole).
 */
export async function exportStudy(
  deps: Pick<Deps, 'studies' | 'participants' | 'instances' | 'catalogue' | 'audit' | 'clock' | 'secrets'>,
  actor: Actor,
  studyId: string,
  format: string | undefined,
  options: { onProgress?: (progress: ExportProgress) => void; pageSize?: number } = {},
): Promise<ExportFile> {
  const chosen = format ?? 'long';
  if (!isExportFormat(chosen)) {
    throw badRequest('format', `unknown export format "${chosen}" (available: ${exportFormats.join(', ')})`);
  }
  const study = await deps.studies.get(studyId);
  if (study === null) throw notFound(`study ${studyId}`);
  const older = await Promise.all(
    Array.from({ length: study.protocol.version - 1 }, (_, i) => deps.studies.getProtocol(studyId, i + 1)),
  );
  const find = deps.catalogue.find;
  const layout = exportLayout(study, older.filter((p): p is Protocol => p !== null), find);
  const columns = {
    long: longColumnSpecs(study, layout),
    wide: wideColumnSpecs(study, layout, find),
    items: itemColumnSpecs(study, layout, find),
  };
  const needsData = chosen !== 'codebook' && chosen !== 'codebook-json';
  const participants = needsData ? await deps.participants.list(studyId) : [];
  await recordAudit(deps, { scope: `study:${studyId}`, actor, action: 'export.downloaded', target: `study:${studyId}`, after: { format: chosen } });

  const progress: ExportProgress = { participants: 0, participantsTotal: participants.length, rows: 0 };
  const report = () => options.onProgress?.({ ...progress });
  /** Each participant's records, as the instance pages arrive. */
  async function* perParticipant<T>(shape: (group: ParticipantGroup) => Iterable<T>): AsyncGenerator<T> {
    const pages = deps.instances.pagesForStudy(studyId, options.pageSize !== undefined ? { pageSize: options.pageSize } : {});
    for await (const group of participantGroups(participants, pages)) {
      for (const record of shape(group)) {
        progress.rows++;
        yield record;
      }
      if (group.participant !== undefined) progress.participants++;
      report();
    }
    report();
  }
  function* counted<T>(records: Iterable<T>): Generator<T> {
    for (const record of records) {
      progress.rows++;
      yield record;
    }
    report();
  }

  const date = deps.clock.now().toISOString().slice(0, 10);
  const file = (extension: string, contentType: string, body: Readable): ExportFile => ({
    filename: `${studyId}-${chosen}-${date}.${extension}`,
    contentType,
    body,
    participantsTotal: participants.length,
  });
  const csv = (records: AsyncIterable<unknown> | Iterable<unknown>, header: readonly string[]) =>
    file('csv', 'text/csv; charset=utf-8', csvStream(records, header));

  switch (chosen) {
    case 'long': {
      const order = layout.timepointOrder;
      return csv(perParticipant((g) => groupLongRows(g, find, order)), longColumns);
    }
    case 'wide':
      return csv(perParticipant((g) => [wideRow(columns.wide, g)]), names(columns.wide));
    case 'items':
      return csv(perParticipant((g) => itemRows(columns.items, g, layout.timepointOrder)), names(columns.items));
    case 'codebook':
    case 'codebook-json': {
      const book = codebook(studyId, [
        { format: 'long', columns: columns.long },
        { format: 'wide', columns: columns.wide },
        { format: 'items', columns: columns.items },
      ]);
      if (chosen === 'codebook') return csv(counted(book.columns.map(codebookRow)), codebookColumns);
      const json = `${JSON.stringify(book, null, 2)}\n`;
      progress.rows = book.columns.length;
      report();
      return file('json', 'application/json; charset=utf-8', Readable.from([json], { objectMode: false }));
    }
    case 'fhir': {
      const order = layout.timepointOrder;
      const position = (timepoint: string) => (order.includes(timepoint) ? order.indexOf(timepoint) : order.length);
      async function* lines() {
        for (const resource of counted(layout.instruments.map(questionnaire))) yield `${JSON.stringify(resource)}\n`;
        const resources = perParticipant((g) =>
          [...g.instances].sort((a, b) => position(a.timepoint) - position(b.timepoint)).flatMap((i) => [...instanceResources(studyId, i, find)]),
        );
        for await (const resource of resources) yield `${JSON.stringify(resource)}\n`;
      }
      return file('ndjson', 'application/fhir+ndjson', Readable.from(lines(), { objectMode: false }));
    }
  }
}

export function isExportFormat(format: string): format is ExportFormat {
  return (exportFormats as readonly string[]).includes(format);
}

const names = (columns: ColumnSpec[]) => columns.map((c) => c.name);

/**
 * Records as CSV with a header, every text cell spreadsheet-safe (no formula injection). `pipeline` (not `pipe`) so a failure while reading ends the
 * output with that error instead of leaving it open: a reader sees a failed download, and the
 * CLI removes its half-written file.
 */
function csvStream(records: AsyncIterable<unknown> | Iterable<unknown>, header: readonly string[]): Readable {
  return pipeline(
    Readable.from(records),
    stringify({ header: true, columns: [...header], cast: spreadsheetSafeCast }),
    () => {},
  );
}
