import { parse } from 'csv-parse/sync';
import { badRequest, isAppError, notFound } from '../core/errors';
import { recordAudit } from './audit';
import type { Actor, Deps } from './deps';
import { enrolmentInstant, enrolmentSchema, enrolParticipant } from './enrol-participant';
import { plainMessage } from './plain-message';
import { participantCodeSchema } from '../core/study/study';

/** Columns a participants CSV may have; `email` and `arm` are required. */
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

/**
 * Bulk enrolment from CSV. Every row is checked first (fields, arm, time zone, duplicates within
 * the file and against the study); if any row is bad, or it is a dry run, nothing is written
 * and the report lists every problem by row and column. Otherwise each row is enrolled.
 */
export async function importParticipants(deps: ImportDeps, actor: Actor, studyId: string, csv: string, dryRun: boolean): Promise<ImportReport> {
  const study = await deps.studies.get(studyId);
  if (study === null) throw notFound(`study ${studyId}`);
  let records: Array<Record<string, string>>;
  try {
    records = parse(csv, { columns: (header: string[]) => header.map((h) => h.trim().toLowerCase().replace(/^enrollment_date$/, 'enrolment_date')), skip_empty_lines: true, bom: true, trim: true });
  } catch (error) {
    throw badRequest('body', `not readable as CSV: ${error instanceof Error ? error.message : String(error)}`);
  }
  if (records.length === 0) throw badRequest('body', 'no rows: expected a header (email, arm, optional code, timezone, enrolment_date, language) and one row per participant');
  const header = Object.keys(records[0]!);
  const unknown = header.filter((h) => !(importColumns as readonly string[]).includes(h));
  if (unknown.length > 0) throw badRequest('body', `unknown column ${unknown.join(', ')} (allowed: ${importColumns.join(', ')})`);
  for (const required of ['email', 'arm']) if (!header.includes(required)) throw badRequest('body', `the header has no "${required}" column`);
  if (records.length > 10_000) throw badRequest('body', 'at most 10,000 rows per import');

  const seenEmails = new Map<string, number>();
  const seenCodes = new Map<string, number>();
  const rows: ImportRow[] = [];
  for (const [index, record] of records.entries()) {
    const row: ImportRow = { row: index + 1, email: record.email ?? '', arm: record.arm ?? '', problems: [], ...(record.code ? { code: record.code } : {}) };
    const input = {
      email: record.email,
      arm: record.arm,
      ...(record.timezone ? { timezone: record.timezone } : {}),
      ...(record.code ? { code: record.code } : {}),
      ...(record.enrolment_date ? { enrolledOn: record.enrolment_date } : {}),
      ...(record.language ? { language: record.language } : {}),
    };
    const parsed = enrolmentSchema.safeParse(input);
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
    }
    const email = record.email?.trim().toLowerCase();
    if (email) {
      if (seenEmails.has(email)) row.problems.push({ column: 'email', message: `also on row ${seenEmails.get(email)}` });
      else seenEmails.set(email, row.row);
      // A reservation whose code is no participant is an enrolment that died half-way: enrolling takes it over.
      const holder = parsed.success ? await deps.contacts.heldBy(studyId, email) : null;
      if (holder !== null && (await deps.participants.get(studyId, holder)) !== null) row.problems.push({ column: 'email', message: 'already enrolled in this study' });
    }
    if (record.code) {
      if (seenCodes.has(record.code)) row.problems.push({ column: 'code', message: `also on row ${seenCodes.get(record.code)}` });
      else seenCodes.set(record.code, row.row);
      // Only a well-formed code is looked up: a malformed one is already reported, and an overlong one is no valid storage key.
      if (participantCodeSchema.safeParse(record.code).success && (await deps.participants.get(studyId, record.code)) !== null) {
        row.problems.push({ column: 'code', message: 'already in use in this study' });
      }
    }
    rows.push(row);
  }

  const invalid = rows.filter((r) => r.problems.length > 0).length;
  const report: ImportReport = { dryRun, rows, valid: rows.length - invalid, invalid, enrolled: 0 };
  if (dryRun || invalid > 0) return report;

  for (const [index, row] of rows.entries()) {
    const record = records[index]!;
    try {
      const { code, warnings } = await enrolParticipant(deps, actor, studyId, {
        email: record.email,
        arm: record.arm,
        ...(record.timezone ? { timezone: record.timezone } : {}),
        ...(record.code ? { code: record.code } : {}),
        ...(record.enrolment_date ? { enrolledOn: record.enrolment_date } : {}),
        ...(record.language ? { language: record.language } : {}),
      });
      row.enrolledAs = code;
      report.enrolled++;
      for (const warning of warnings) if (!(report.warnings ??= []).includes(warning)) report.warnings.push(warning);
    } catch (error) {
      // Checked a moment ago; only a concurrent change gets here. Report it and carry on with the other rows.
      if (!isAppError(error)) throw error;
      row.problems.push({ column: error.field ?? 'row', message: error.message });
    }
  }
  report.invalid = rows.filter((r) => r.problems.length > 0).length;
  await recordAudit(deps, { scope: `study:${studyId}`, actor, action: 'participants.imported', target: `study:${studyId}`, after: { rows: rows.length, enrolled: report.enrolled } });
  deps.onScheduleChanged?.();
  return report;
}
