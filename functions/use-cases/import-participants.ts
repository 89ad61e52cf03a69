import type { z } from 'zod';
import { badRequest, conflict, isAppError, notFound } from '../core/errors';
import { recordAudit } from './audit';
import type { Actor, Deps } from './deps';
import { armChoice, enrolmentInstant, enrolmentSchema, enrolmentWarnings, enrolOne, enrolParticipant } from './enrol-participant';
import { plainMessage } from './plain-message';
import { participantCodeSchema, type Study } from '../core/study/study';

/** Columns a participants CSV may have; `email` and `arm` are required (in a study that allocates, `arm` may be empty: the row is allocated), plus one column per allocation factor. */
export const importColumns = ['code', 'email', 'arm', 'timezone', 'enrolment_date', 'language'] as const;

export interface ImportRow {
  /** 1 for the first data row (line 2 of the file). */
  row: number;
  code?: string;
  email: string;
  arm: string;
  problems: Array<{ column: string; message: string }>;
  /** Set once enrolled (not in a dry run). */
  enrolledAs?: string;
  /** The arm allocated to a row that left it empty (not in a dry run: a dry run allocates nothing). */
  allocatedArm?: string;
}

export interface ImportReport {
  dryRun: boolean;
  rows: ImportRow[];
  valid: number;
  invalid: number;
  enrolled: number;
  /** What the coordinator should know about the enrolments (e.g. invitations held for missing licensed wording), each once. */
  warnings?: string[];
}

type ImportDeps = Parameters<typeof enrolParticipant>[0] & Pick<Deps, 'onScheduleChanged'>;

/** A row's checked enrolment fields. */
export type EnrolmentInput = z.infer<typeof enrolmentSchema>;

/** Enrolments written at once: enough to keep the database busy, few enough not to be throttled. */
const ENROL_CONCURRENCY = 16;

/** A row as an enrolment: an empty arm in a study that allocates means "allocate"; the factor columns are its strata. */
const inputOf = (record: Record<string, string>, study: Pick<Study, 'allocation'>) => ({
  email: record.email,
  ...(record.arm || study.allocation === undefined ? { arm: record.arm } : {}),
  ...strataOf(record, study.allocation?.strata ?? []),
  ...(record.timezone ? { timezone: record.timezone } : {}),
  ...(record.code ? { code: record.code } : {}),
  ...(record.enrolment_date ? { enrolledOn: record.enrolment_date } : {}),
  ...(record.language ? { language: record.language } : {}),
});

/** A row's strata: the factor columns it fills (none at all when it fills none). */
function strataOf(record: Record<string, string>, factors: readonly string[]) {
  const given = Object.fromEntries(factors.filter((f) => record[f]).map((f) => [f, record[f]!]));
  return Object.keys(given).length > 0 ? { strata: given } : {};
}

/**
 * Runs `task` over `items` with at most `concurrency` at once, in order of index. After a task
 * throws, no further item is started; the ones under way finish, then the first error is thrown.
 */
export async function inParallel<T>(items: readonly T[], concurrency: number, task: (item: T, index: number) => Promise<void>): Promise<void> {
  let next = 0;
  let failure: { error: unknown } | undefined;
  const worker = async () => {
    while (next < items.length && failure === undefined) {
      const index = next++;
      try {
        await task(items[index]!, index);
      } catch (error) {
        failure ??= { error };
      }
    }
  };
  await Promise.all(Array.from({ length: Math.min(concurrency, items.length) }, worker));
  if (failure !== undefined) throw failure.error;
}

/** `count` counter codes no participant holds and no row of the file chose, in counter order. */
async function freeCounterCodes(deps: Pick<Deps, 'participants'>, studyId: string, count: number, chosenInFile: ReadonlySet<string>): Promise<string[]> {
  const free: string[] = [];
  for (let attempt = 0; free.length < count; attempt++) {
    if (attempt >= 20) throw conflict('could not allocate free participant codes: give them explicitly in a code column', 'code');
    const block = await deps.participants.allocateCodes(studyId, count - free.length);
    const taken = await deps.participants.getMany(studyId, block);
    free.push(...block.filter((code) => !taken.has(code) && !chosenInFile.has(code)));
  }
  return free;
}

/** A participants CSV checked row by row: the report's rows (with every problem) and each valid row's enrolment input. */
export interface CheckedImport {
  study: Study;
  rows: ImportRow[];
  /** Rows with at least one problem. */
  invalid: number;
  /** Per row, its checked enrolment input (undefined for a row whose fields are invalid). */
  inputs: Array<EnrolmentInput | undefined>;
}

/**
 * Checks every row of a participants CSV (fields, arm, time zone, duplicates within the file and
 * against the study, the look-ups batched) and writes nothing. The dry run, the in-process import
 * and an import job (import-jobs.ts) all start here, so they refuse exactly the same rows.
 */
export async function checkImport(deps: Pick<Deps, 'studies' | 'participants' | 'contacts' | 'clock'>, studyId: string, csv: string): Promise<CheckedImport> {
  const study = await deps.studies.get(studyId);
  if (study === null) throw notFound(`study ${studyId}`);
  let records: Array<Record<string, string>>;
  // The CSV parser is imported with the first import, not with the staff API: few requests need it.
  const { parse } = await import('csv-parse/sync');
  try {
    records = parse(csv, { columns: (header: string[]) => header.map((h) => h.trim().toLowerCase().replace(/^enrollment_date$/, 'enrolment_date')), skip_empty_lines: true, bom: true, trim: true });
  } catch (error) {
    throw badRequest('body', `not readable as CSV: ${error instanceof Error ? error.message : String(error)}`);
  }
  if (records.length === 0) throw badRequest('body', 'no rows: expected a header (email, arm, optional code, timezone, enrolment_date, language) and one row per participant');
  const header = Object.keys(records[0]!);
  const factors = study.allocation?.strata ?? [];
  const allowed = [...importColumns, ...factors];
  const unknown = header.filter((h) => !allowed.includes(h));
  if (unknown.length > 0) throw badRequest('body', `unknown column ${unknown.join(', ')} (allowed: ${allowed.join(', ')})`);
  for (const required of ['email', 'arm']) if (!header.includes(required)) throw badRequest('body', `the header has no "${required}" column`);
  if (records.length > 10_000) throw badRequest('body', 'at most 10,000 rows per import');

  // Every look-up the checks need, in a few batched reads instead of one or two per row: which
  // addresses are reserved (and whether their holder is a participant), which codes are taken.
  const parsedRows = records.map((record) => enrolmentSchema.safeParse(inputOf(record, study)));
  const emailsToCheck = parsedRows.flatMap((parsed, index) => (parsed.success ? [records[index]!.email!.trim().toLowerCase()] : []));
  const holders = await deps.contacts.heldByMany(studyId, emailsToCheck);
  const codesToCheck = records.flatMap((record) => (record.code && participantCodeSchema.safeParse(record.code).success ? [record.code] : []));
  const existing = await deps.participants.getMany(studyId, [...new Set([...holders.values(), ...codesToCheck])]);

  const seenEmails = new Map<string, number>();
  const seenCodes = new Map<string, number>();
  const rows: ImportRow[] = [];
  for (const [index, record] of records.entries()) {
    const row: ImportRow = { row: index + 1, email: record.email ?? '', arm: record.arm ?? '', problems: [], ...(record.code ? { code: record.code } : {}) };
    const parsed = parsedRows[index]!;
    if (!parsed.success) {
      for (const issue of parsed.error.issues) {
        const field = String(issue.path[0] ?? 'row');
        row.problems.push({ column: field === 'enrolledOn' ? 'enrolment_date' : field, message: plainMessage(issue) });
      }
    }
    if (parsed.success && parsed.data.enrolledOn) {
      try {
        enrolmentInstant(parsed.data.enrolledOn, parsed.data.timezone ?? study.timezone, deps.clock.now());
      } catch (error) {
        if (!isAppError(error)) throw error;
        row.problems.push({ column: 'enrolment_date', message: error.message.replace(/^enrolledOn: /, '') });
      }
    }
    if (record.arm && !study.arms.some((a) => a.id === record.arm)) {
      row.problems.push({ column: 'arm', message: `unknown arm "${record.arm}" (this study has: ${study.arms.map((a) => a.id).join(', ')})` });
    } else if (parsed.success) {
      try {
        armChoice(study, parsed.data, 'coordinator');
      } catch (error) {
        if (!isAppError(error)) throw error;
        for (const problem of error.details ?? [{ field: error.field ?? 'arm', message: error.message }]) {
          row.problems.push({ column: problem.field.replace(/^strata\./, ''), message: problem.message.replace(/^[\w.]+: /, '') });
        }
      }
    }
    const email = record.email?.trim().toLowerCase();
    if (email) {
      if (seenEmails.has(email)) row.problems.push({ column: 'email', message: `also on row ${seenEmails.get(email)}` });
      else seenEmails.set(email, row.row);
      // A reservation whose code is no participant is an enrolment that died half-way: enrolling takes it over.
      const holder = holders.get(email);
      if (parsed.success && holder !== undefined && existing.has(holder)) row.problems.push({ column: 'email', message: 'already enrolled in this study' });
    }
    if (record.code) {
      if (seenCodes.has(record.code)) row.problems.push({ column: 'code', message: `also on row ${seenCodes.get(record.code)}` });
      else seenCodes.set(record.code, row.row);
      // Only a well-formed code was looked up: a malformed one is already reported, and an overlong one is no valid storage key.
      if (existing.has(record.code)) row.problems.push({ column: 'code', message: 'already in use in this study' });
    }
    rows.push(row);
  }

  return { study, rows, invalid: rows.filter((r) => r.problems.length > 0).length, inputs: parsedRows.map((p) => (p.success ? p.data : undefined)) };
}

/** The code of every row: its own, or a counter code no participant holds and no row of the file chose (one atomic counter write). */
export async function assignCodes(deps: Pick<Deps, 'participants'>, studyId: string, rows: readonly ImportRow[]): Promise<string[]> {
  const chosenInFile = new Set(rows.flatMap((r) => (r.code ? [r.code] : [])));
  const counterCodes = await freeCounterCodes(deps, studyId, rows.filter((r) => !r.code).length, chosenInFile);
  return rows.map((r) => r.code ?? counterCodes.shift()!);
}

/**
 * Bulk enrolment from CSV, in this process (the command line; the API's import runs as a job,
 * import-jobs.ts). Every row is checked first; if any row is bad, or it is a dry run, nothing is
 * written and the report lists every problem by row and column. Otherwise each row is enrolled
 * (several at once, each with its own conditional writes) and the dispatcher plans their schedules.
 * `onProgress` hears the number of rows done as they go.
 */
export async function importParticipants(
  deps: ImportDeps,
  actor: Actor,
  studyId: string,
  csv: string,
  dryRun: boolean,
  options: { onProgress?: (done: number, total: number) => void } = {},
): Promise<ImportReport> {
  const { study, rows, invalid, inputs } = await checkImport(deps, studyId, csv);
  const report: ImportReport = { dryRun, rows, valid: rows.length - invalid, invalid, enrolled: 0 };
  if (dryRun || invalid > 0) return report;

  // Codes for the rows without one: one block from the counter, skipping any a coordinator chose by hand.
  const codes = await assignCodes(deps, studyId, rows);
  let done = 0;
  // Each row is one enrolment's conditional writes (enrolOne), a few rows at a time; planning is
  // left to the dispatcher (each participant carries its plan request), which is kicked below.
  await inParallel(rows, ENROL_CONCURRENCY, async (row, index) => {
    const input = inputs[index]!;
    const code = codes[index]!;
    try {
      const { participant, slot } = await enrolOne(deps, actor, study, input, { code, counterCode: !row.code });
      row.enrolledAs = code;
      if (slot !== null) row.allocatedArm = participant.arm;
      report.enrolled++;
    } catch (error) {
      // Checked a moment ago; only a concurrent change gets here. Report it and carry on with the other rows.
      if (!isAppError(error)) throw error;
      row.problems.push({ column: error.field ?? 'row', message: error.message });
    }
    options.onProgress?.(++done, rows.length);
  });
  report.invalid = rows.filter((r) => r.problems.length > 0).length;
  await recordAudit(deps, { scope: `study:${studyId}`, actor, action: 'participants.imported', target: `study:${studyId}`, after: { rows: rows.length, enrolled: report.enrolled } });
  const warnings = report.enrolled > 0 ? await enrolmentWarnings(deps, study, rows.filter((r) => r.enrolledAs !== undefined).map((r) => r.allocatedArm ?? r.arm)) : [];
  if (warnings.length > 0) report.warnings = warnings;
  deps.onScheduleChanged?.();
  return report;
}
