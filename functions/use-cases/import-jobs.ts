import { chunkRows, type ImportChunkOutcome, type ImportEnrolledRow, type ImportJob, type ImportJobRow, type ImportJobStatus, type ImportRowFailure } from '../core/import/import-job';
import { isAppError, notFound } from '../core/errors';
import type { Participant, Study } from '../core/study/study';
import { auditEntry, recordAudit } from './audit';
import type { Actor, Deps } from './deps';
import { enrolmentWarnings, enrolOne } from './enrol-participant';
import { assignCodes, checkImport, inParallel, type ImportReport } from './import-participants';

type JobDeps = Pick<Deps, 'studies' | 'participants' | 'contacts' | 'audit' | 'clock' | 'secrets' | 'catalogue' | 'licensedTexts' | 'importJobs' | 'allocations' | 'sealer' | 'random'>;

/** What the API answers when a job is created (202). */
export interface CreatedImportJob {
  jobId: string;
  rows: number;
  status: ImportJobStatus;
  warnings?: string[];
}

/**
 * Starts a participant import without waiting on its enrolments. The rows are checked exactly as
 * a dry run checks them; a file with any bad row comes back as the report (nothing stored).
 * Otherwise every row gets its code now (chosen, or from the counter in one write), the rows are
 * stored in chunks, and the job is queued with its audit entry; the dispatcher enrols it.
 */
export async function createImportJob(deps: JobDeps, actor: Actor, studyId: string, csv: string): Promise<{ report: ImportReport } | { job: CreatedImportJob }> {
  const { study, rows, invalid, inputs } = await checkImport(deps, studyId, csv);
  if (invalid > 0) return { report: { dryRun: false, rows, valid: rows.length - invalid, invalid, enrolled: 0 } };
  const codes = await assignCodes(deps, studyId, rows);
  const jobRows = rows.map((row, index): ImportJobRow => {
    const input = inputs[index]!;
    return {
      row: row.row,
      code: codes[index]!,
      counterCode: !row.code,
      email: input.email,
      ...(input.arm ? { arm: input.arm } : {}),
      ...(input.strata ? { strata: input.strata } : {}),
      ...(input.timezone ? { timezone: input.timezone } : {}),
      ...(input.language ? { language: input.language } : {}),
      ...(input.enrolledOn ? { enrolledOn: input.enrolledOn } : {}),
    };
  });
  const chunks = chunkRows(jobRows);
  // A row left to allocation may land in any arm.
  const arms = jobRows.some((r) => r.arm === undefined) ? study.arms.map((a) => a.id) : [...new Set(jobRows.map((r) => r.arm!))];
  const warnings = await enrolmentWarnings(deps, study, arms);
  const job: ImportJob = {
    studyId,
    jobId: deps.secrets.id(),
    status: 'queued',
    rows: jobRows.length,
    chunks: chunks.length,
    chunksDone: 0,
    enrolled: 0,
    failedRows: 0,
    createdBy: actor,
    createdAt: deps.clock.now().toISOString(),
    ...(warnings.length > 0 ? { warnings } : {}),
  };
  const audit = auditEntry(deps, { scope: `study:${studyId}`, actor, action: 'participants.import.queued', target: `import:${job.jobId}`, after: { rows: job.rows } });
  await deps.importJobs.create(job, chunks, audit);
  return { job: { jobId: job.jobId, rows: job.rows, status: job.status, ...(job.warnings ? { warnings: job.warnings } : {}) } };
}

/** A job as the console polls it: progress, then the rows that could not be enrolled. */
export interface ImportJobView {
  jobId: string;
  status: ImportJobStatus;
  rows: number;
  /** Rows finished so far (enrolled or failed). */
  done: number;
  enrolled: number;
  failed: ImportRowFailure[];
  createdAt: string;
  startedAt: string | null;
  finishedAt: string | null;
  warnings?: string[];
  /** Once done: every enrolled row with its code, in row order. */
  enrolledRows?: ImportEnrolledRow[];
}

/** A study's import job; another study's job is not found. */
export async function importJobView(deps: Pick<Deps, 'importJobs'>, studyId: string, jobId: string): Promise<ImportJobView> {
  const job = await deps.importJobs.get(studyId, jobId);
  if (job === null) throw notFound(`import job ${jobId}`);
  const states = await deps.importJobs.chunkStates(studyId, jobId);
  // Progress from the chunks themselves, so a chunk finished but not yet counted (its worker died in between) already shows.
  const outcomes = states.flatMap((s) => (s.outcome ? [s.outcome] : []));
  const enrolled = outcomes.reduce((n, o) => n + o.enrolled, 0);
  const failed = outcomes.flatMap((o) => o.failed).sort((a, b) => a.row - b.row);
  return {
    jobId,
    status: job.status,
    rows: job.rows,
    done: enrolled + failed.length,
    enrolled,
    failed,
    createdAt: job.createdAt,
    startedAt: job.startedAt ?? null,
    finishedAt: job.finishedAt ?? null,
    ...(job.warnings ? { warnings: job.warnings } : {}),
    // Only at the end: a poll during the run stays small.
    ...(job.status === 'done' ? { enrolledRows: outcomes.flatMap((o) => o.enrolledRows ?? []).sort((a, b) => a.row - b.row) } : {}),
  };
}

export interface ImportRunReport {
  /** Rows enrolled by this run. */
  enrolled: number;
  /** Rows this run could not enrol (reported on their job). */
  failed: number;
  /** Chunks this run finished. */
  chunks: number;
  /** Jobs this run finished. */
  jobsDone: number;
  /** Chunks of dead workers taken over after their lease lapsed. */
  recovered: number;
  /** Chunks that failed on every attempt (`importAttempts`): their rows not enrolled by then are reported failed. */
  givenUp: number;
  /** Chunks left for a later run because their enrolment failed (the database unavailable): one line each. */
  errors: string[];
}

/** Enrolments of one chunk written at once (as the in-process import does). */
const ENROL_CONCURRENCY = 16;

/**
 * Works through queued import jobs until none is left or `budgetMs` has passed (a chunk under
 * way is finished). Each chunk is leased with a conditional write, so two workers never enrol the
 * same chunk, and a dead worker's chunk is taken over once its lease lapses. Re-running a chunk
 * is safe: a row whose participant already exists under its assigned code with its address is
 * counted as enrolled, not enrolled again. A chunk's outcome is counted into its job once
 * (a set of counted chunks), and the job ends when every chunk is counted.
 */
export async function runImportJobs(deps: JobDeps & Pick<Deps, 'dispatch'>, options: { budgetMs: number; worker?: string }): Promise<ImportRunReport> {
  const worker = options.worker ?? `importer:${deps.secrets.id()}`;
  const deadline = performance.now() + options.budgetMs;
  const report: ImportRunReport = { enrolled: 0, failed: 0, chunks: 0, jobsDone: 0, recovered: 0, givenUp: 0, errors: [] };
  const studies = new Map<string, Promise<Study | null>>();
  for (const { studyId, jobId } of await deps.importJobs.listUnfinished(deps.clock.now(), 50)) {
    if (performance.now() > deadline) break;
    const job = await deps.importJobs.get(studyId, jobId);
    if (job === null || job.status === 'done') continue;
    if (!studies.has(studyId)) studies.set(studyId, deps.studies.get(studyId));
    const study = await studies.get(studyId)!;
    for (const state of await deps.importJobs.chunkStates(studyId, jobId)) {
      if (state.status === 'done') {
        // Finished by a worker that died before counting it.
        await deps.importJobs.countChunk(studyId, jobId, state.chunk, { enrolled: state.outcome!.enrolled, failed: state.outcome!.failed.length });
        continue;
      }
      if (performance.now() > deadline) break;
      const now = deps.clock.now();
      if (state.status === 'leased' && state.leaseUntil! >= now.toISOString()) continue;
      const claimed = await deps.importJobs.claimChunk(studyId, jobId, state.chunk, worker, now, new Date(now.getTime() + deps.dispatch.importLeaseMs));
      if (claimed === null) continue;
      const { rows, attempt } = claimed;
      if (state.status === 'leased') report.recovered++;
      await deps.importJobs.markStarted(studyId, jobId, now);
      let outcome: ImportChunkOutcome;
      try {
        if (study === null) outcome = { enrolled: 0, enrolledRows: [], failed: rows.map((r) => ({ row: r.row, message: 'the study no longer exists' })) };
        else if (attempt > deps.dispatch.importAttempts) {
          outcome = await givenUpChunk(deps, study, rows, attempt - 1);
          report.givenUp++;
        } else outcome = await enrolChunk(deps, job, study, rows);
      } catch (error) {
        // The database unavailable, or a fault: the chunk stays leased and is taken over, whole, once the lease lapses.
        // The rest of the pass (planning, sending) must not depend on an import.
        report.errors.push(`import ${jobId} chunk ${state.chunk}: ${error instanceof Error ? error.message : String(error)}`);
        break;
      }
      if (!(await deps.importJobs.finishChunk(studyId, jobId, state.chunk, worker, outcome))) continue;
      await deps.importJobs.countChunk(studyId, jobId, state.chunk, { enrolled: outcome.enrolled, failed: outcome.failed.length });
      report.chunks++;
      report.enrolled += outcome.enrolled;
      report.failed += outcome.failed.length;
    }
    if (await deps.importJobs.finish(studyId, jobId, deps.clock.now())) {
      report.jobsDone++;
      const done = await deps.importJobs.get(studyId, jobId);
      // One summary entry per job, whichever worker finished it.
      await recordAudit(
        deps,
        { scope: `study:${studyId}`, actor: job.createdBy as Actor, action: 'participants.imported', target: `import:${jobId}`, after: { rows: job.rows, enrolled: done?.enrolled ?? 0, failed: done?.failedRows ?? 0 } },
        { id: `import-done-${jobId}`, at: done?.finishedAt ?? deps.clock.now().toISOString() },
      );
    }
  }
  return report;
}

/**
 * The outcome of a chunk that failed on each of its `attempts`: the rows an attempt did enrol (each
 * under its assigned code, holding its address) count as enrolled, the others are reported failed,
 * so the job ends and the coordinator can import those rows again. Only reads: nothing is enrolled.
 */
async function givenUpChunk(deps: Pick<JobDeps, 'participants' | 'contacts'>, study: Study, rows: ImportJobRow[], attempts: number): Promise<ImportChunkOutcome> {
  const enrolledBefore = await earlierEnrolments(deps, study, rows);
  const enrolledRows: ImportEnrolledRow[] = [];
  const failed: ImportRowFailure[] = [];
  for (const row of rows) {
    const participant = enrolledBefore(row);
    if (participant !== undefined) enrolledRows.push({ row: row.row, code: row.code, arm: participant.arm });
    else failed.push({ row: row.row, message: `not enrolled: this part of the import failed ${attempts} times for a reason not in the row (the dispatcher's log says why); import the row again` });
  }
  return { enrolled: enrolledRows.length, enrolledRows, failed };
}

/**
 * What an earlier run of a chunk enrolled, in two batched reads: a row's participant when it
 * exists under the row's assigned code and holds the row's address (the contact is written
 * before the participant, so such a row is enrolled whole); undefined otherwise.
 */
async function earlierEnrolments(deps: Pick<JobDeps, 'participants' | 'contacts'>, study: Study, rows: ImportJobRow[]): Promise<(row: ImportJobRow) => Participant | undefined> {
  const address = (row: ImportJobRow) => row.email.trim().toLowerCase();
  const [existing, holders] = await Promise.all([deps.participants.getMany(study.id, rows.map((r) => r.code)), deps.contacts.heldByMany(study.id, rows.map(address))]);
  return (row) => (holders.get(address(row)) === row.code ? existing.get(row.code) : undefined);
}

/** Enrols a chunk's rows with their assigned codes; a row enrolled by an earlier run of this chunk counts as enrolled. */
async function enrolChunk(deps: JobDeps, job: ImportJob, study: Study, rows: ImportJobRow[]): Promise<ImportChunkOutcome> {
  const enrolledBefore = await earlierEnrolments(deps, study, rows);
  const enrolledRows: ImportEnrolledRow[] = [];
  const failed: ImportRowFailure[] = [];
  await inParallel(rows, ENROL_CONCURRENCY, async (row) => {
    const earlier = enrolledBefore(row);
    if (earlier !== undefined) {
      enrolledRows.push({ row: row.row, code: row.code, arm: earlier.arm });
      return;
    }
    const input = {
      email: row.email,
      ...(row.arm ? { arm: row.arm } : {}),
      ...(row.strata ? { strata: row.strata } : {}),
      ...(row.timezone ? { timezone: row.timezone } : {}),
      ...(row.language ? { language: row.language } : {}),
      ...(row.enrolledOn ? { enrolledOn: row.enrolledOn } : {}),
    };
    try {
      const { participant } = await enrolOne(deps, job.createdBy as Actor, study, input, { code: row.code, counterCode: row.counterCode });
      enrolledRows.push({ row: row.row, code: row.code, arm: participant.arm });
    } catch (error) {
      // Checked when the job was created; only a change since (the address or code enrolled meanwhile) gets here.
      // A database that is unavailable is not the row's fault: the chunk is left to be taken over and run again.
      if (!isAppError(error) || error.status >= 500) throw error;
      // Refused because this very row got there first: an earlier run of the chunk (e.g. an allocation finished from its slot).
      const [mine, holder] = await Promise.all([deps.participants.get(study.id, row.code), deps.contacts.heldBy(study.id, row.email.trim().toLowerCase())]);
      if (mine !== null && holder === row.code) {
        enrolledRows.push({ row: row.row, code: row.code, arm: mine.arm });
        return;
      }
      failed.push({ row: row.row, ...(error.field ? { field: error.field } : {}), message: error.message });
    }
  });
  return { enrolled: enrolledRows.length, enrolledRows: enrolledRows.sort((a, b) => a.row - b.row), failed: failed.sort((a, b) => a.row - b.row) };
}
