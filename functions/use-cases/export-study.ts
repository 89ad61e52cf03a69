import { stringify } from 'csv-stringify';
import { instrumentLookup } from '../core/catalogue/lookup';
import { pipeline, Readable } from 'node:stream';
import { badRequest, notFound } from '../core/errors';
import { codebook, codebookColumns, codebookRow } from '../core/export/codebook';
import { itemColumnSpecs, longColumnSpecs, testColumnSpec, wideColumnSpecs, type ColumnSpec } from '../core/export/columns';
import { instanceResources, questionnaire } from '../core/export/fhir';
import { itemRows } from '../core/export/item-rows';
import { exportLayout } from '../core/export/layout';
import { groupLongRows } from '../core/export/long-rows';
import { participantGroups, type ParticipantGroup } from '../core/export/participant-groups';
import { spreadsheetSafeCast } from '../core/export/spreadsheet-safe';
import { wideRow } from '../core/export/wide-rows';
import type { Participant, Protocol } from '../core/study/study';
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

/** CSV field separators: `semicolon` for spreadsheets in locales whose decimal mark is a comma (the decimal point stays `.`). */
export const csvDelimiters = { comma: ',', semicolon: ';' } as const;
export type CsvDelimiter = keyof typeof csvDelimiters;

export interface ExportOptions {
  onProgress?: (progress: ExportProgress) => void;
  /** Items per page of both reads (default: `EXPORT_PARTICIPANTS_PER_PAGE` participants, and instances in DynamoDB's 1 MB pages). */
  pageSize?: number;
  /** Bytes the body gathers before it passes them on (default `EXPORT_CHUNK_BYTES`; the last chunk may be shorter). */
  chunkBytes?: number;
  /** Include test participants, with a `test` column (1/0) last in every tabular format. */
  includeTest?: boolean;
  /** CSV only: start the file with a UTF-8 byte-order mark, so Excel reads accents right. */
  bom?: boolean;
  /** CSV only: the field separator (default comma). */
  delimiter?: CsvDelimiter;
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
 * touches. Participants and instances are read page by page and shaped one participant at a
 * time, so memory stays flat however large the study: nothing is held for the whole study (the
 * participants are counted in a first pass over their pages, for progress, and read again as
 * the file is written).
 */
export async function exportStudy(
  deps: Pick<Deps, 'studies' | 'participants' | 'instances' | 'catalogue' | 'audit' | 'clock' | 'secrets'>,
  actor: Actor,
  studyId: string,
  format: string | undefined,
  options: ExportOptions = {},
): Promise<ExportFile> {
  const chosen = format ?? 'long';
  if (!isExportFormat(chosen)) {
    throw badRequest('format', `unknown export format "${chosen}" (available: ${exportFormats.join(', ')})`);
  }
  const isCsv = chosen === 'long' || chosen === 'wide' || chosen === 'items' || chosen === 'codebook';
  if (!isCsv && options.bom) throw badRequest('bom', `only for CSV formats (long, wide, items, codebook), not ${chosen}`);
  if (!isCsv && options.delimiter !== undefined && options.delimiter !== 'comma') {
    throw badRequest('delimiter', `only for CSV formats (long, wide, items, codebook), not ${chosen}`);
  }
  const study = await deps.studies.get(studyId);
  if (study === null) throw notFound(`study ${studyId}`);
  const older = await Promise.all(
    Array.from({ length: study.protocol.version - 1 }, (_, i) => deps.studies.getProtocol(studyId, i + 1)),
  );
  const find = instrumentLookup(await deps.catalogue.list());
  const layout = exportLayout(study, older.filter((p): p is Protocol => p !== null), find);
  const withTest = (specs: ColumnSpec[]) => (options.includeTest ? [...specs, testColumnSpec] : specs);
  const columns = {
    long: withTest(longColumnSpecs(study, layout)),
    wide: withTest(wideColumnSpecs(study, layout, find)),
    items: withTest(itemColumnSpecs(study, layout, find)),
  };
  const needsData = chosen !== 'codebook' && chosen !== 'codebook-json';
  const paging = options.pageSize !== undefined ? { pageSize: options.pageSize } : {};
  const participantPaging = { pageSize: options.pageSize ?? EXPORT_PARTICIPANTS_PER_PAGE };
  // Test participants are a coordinator trying the study out, not research data: left out unless asked for.
  const included = (participant: Participant | undefined) => options.includeTest === true || participant?.test !== true;
  let participantsTotal = 0;
  if (needsData) for await (const page of deps.participants.pagesForStudy(studyId, participantPaging)) participantsTotal += page.filter(included).length;
  await recordAudit(deps, {
    scope: `study:${studyId}`,
    actor,
    action: 'export.downloaded',
    target: `study:${studyId}`,
    after: { format: chosen, ...(options.includeTest ? { includeTest: true } : {}) },
  });

  const progress: ExportProgress = { participants: 0, participantsTotal, rows: 0 };
  const report = () => options.onProgress?.({ ...progress });
  /** Each participant's records, as the instance pages arrive. */
  async function* perParticipant<T>(shape: (group: ParticipantGroup) => Iterable<T>): AsyncGenerator<T> {
    const groups = participantGroups(deps.participants.pagesForStudy(studyId, participantPaging), deps.instances.pagesForStudy(studyId, paging));
    for await (const group of groups) {
      if (!included(group.participant)) continue;
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
    participantsTotal,
  });
  const chunkBytes = options.chunkBytes ?? EXPORT_CHUNK_BYTES;
  const csv = (records: AsyncIterable<unknown> | Iterable<unknown>, header: readonly string[]) =>
    file('csv', 'text/csv; charset=utf-8', csvStream(records, header, { bom: options.bom === true, delimiter: csvDelimiters[options.delimiter ?? 'comma'] }, chunkBytes));

  switch (chosen) {
    case 'long': {
      const order = layout.timepointOrder;
      return csv(perParticipant((g) => groupLongRows(g, find, order)), names(columns.long));
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
      return file('ndjson', 'application/fhir+ndjson', Readable.from(inChunks(lines(), chunkBytes), { objectMode: false }));
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
function csvStream(records: AsyncIterable<unknown> | Iterable<unknown>, header: readonly string[], format: { bom: boolean; delimiter: string }, chunkBytes: number): Readable {
  const rows = pipeline(
    Readable.from(records),
    // Numbers keep their decimal point whatever the delimiter: a semicolon file changes the separator only.
    stringify({ header: true, columns: [...header], bom: format.bom, delimiter: format.delimiter, cast: spreadsheetSafeCast }),
    () => {},
  );
  return Readable.from(inChunks(rows, chunkBytes), { objectMode: false });
}

/**
 * Participants per page the export reads (the join with the instance pages holds the current
 * page until its last participant is written). Without it a page is DynamoDB's 1 MB, about 6,400
 * participants, so a 1,000-participant study was one page and a 10,000-participant study held
 * pages six times larger: the 9 MiB of heap by which the export Lambda's peak grew with the study
 * (bench/README.md#export-memory). Instance pages need no cap: at their 1 MB they hold a few
 * hundred instances whatever the study's size.
 */
export const EXPORT_PARTICIPANTS_PER_PAGE = 500;

/** Bytes per chunk of an export's body (at least; the last may be less). */
export const EXPORT_CHUNK_BYTES = 64 * 1024;

/**
 * The file in chunks of at least `bytes` (the last may be shorter) instead of one per row or
 * line: every chunk costs each stage it passes through (the response's web stream, the Lambda
 * response stream, a write to the socket) a few objects and promises, so a row at a time turns a
 * 10,000-participant `long` export into 660,000 trips and as much garbage, which V8 collects in
 * bursts that set the export Lambda's peak memory (bench/README.md#export-memory); 64 KB at a time
 * is under 2,000. Memory stays bounded: one chunk is held while it fills.
 */
async function* inChunks(parts: AsyncIterable<Buffer | string>, bytes: number): AsyncGenerator<Buffer> {
  let held: Buffer[] = [];
  let size = 0;
  for await (const part of parts) {
    const buffer = typeof part === 'string' ? Buffer.from(part) : part;
    held.push(buffer);
    size += buffer.length;
    if (size >= bytes) {
      yield Buffer.concat(held, size);
      held = [];
      size = 0;
    }
  }
  if (size > 0) yield Buffer.concat(held, size);
}
