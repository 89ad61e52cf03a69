import type { Language } from '../i18n/language';
import type { AuditedChange } from '../ports';

/**
 * A participant import that runs in the background: the request that creates it checks every row
 * and gives each its code, stores the rows in chunks and answers at once; the dispatcher enrols
 * the chunks (docs/security.md, "Bulk import"). No request waits on the enrolments' writes.
 */
export type ImportJobStatus = 'queued' | 'running' | 'done';

/** One checked row of a job, with the code it was given when the job was created. */
export interface ImportJobRow {
  /** 1 for the first data row (line 2 of the file). */
  row: number;
  code: string;
  /** The code came from the study's counter (not chosen in the file). */
  counterCode: boolean;
  email: string;
  /** Absent in a study that allocates: the row is randomised when it is enrolled. */
  arm?: string;
  /** The row's level of each allocation factor. */
  strata?: Record<string, string>;
  timezone?: string;
  language?: Language;
  /** YYYY-MM-DD, when the row gave an enrolment date. */
  enrolledOn?: string;
}

/** A row the job could not enrol (only a change made after the checks gets here, e.g. the address enrolled meanwhile). */
export interface ImportRowFailure {
  row: number;
  /** The column the problem is about, when there is one. */
  field?: string;
  message: string;
}

export interface ImportJob {
  studyId: string;
  jobId: string;
  status: ImportJobStatus;
  /** Rows in the file (all valid: a file with a bad row never becomes a job). */
  rows: number;
  chunks: number;
  /** Chunks finished and counted into `enrolled` and `failedRows`. */
  chunksDone: number;
  enrolled: number;
  failedRows: number;
  /** Who imported it: the enrolments are audited as theirs. */
  createdBy: string;
  createdAt: string;
  startedAt?: string;
  finishedAt?: string;
  /** What the coordinator should know about the enrolments (held invitations), as the synchronous import reports them. */
  warnings?: string[];
}

/** The outcome of one chunk, recorded when it is finished. */
export interface ImportChunkOutcome {
  enrolled: number;
  failed: ImportRowFailure[];
  /** The rows enrolled, with the code each was given (pseudonymous: no addresses). */
  enrolledRows: ImportEnrolledRow[];
}

export interface ImportEnrolledRow {
  row: number;
  code: string;
  arm: string;
}

/** A chunk's state, without its rows. */
export interface ImportChunkState {
  chunk: number;
  status: 'queued' | 'leased' | 'done';
  /** Who holds the lease and until when (leased chunks). */
  leasedBy?: string;
  leaseUntil?: string;
  /** How many times the chunk has been leased: each lease is one attempt to enrol its rows. */
  attempts?: number;
  /** Done chunks. */
  outcome?: ImportChunkOutcome;
}

/**
 * Import jobs and their chunks. The rows (with their email addresses) are contact data: they are
 * kept with the contacts, apart from research data, and removed from a chunk once it is done.
 * Every change is one conditional or atomic single-item write.
 */
export interface ImportJobRepository {
  /** Stores the chunks, then the job (which puts it in the dispatcher's queue) with its audit entry. */
  create(job: ImportJob, chunks: ImportJobRow[][], audit?: AuditedChange): Promise<void>;
  get(studyId: string, jobId: string): Promise<ImportJob | null>;
  /** Every chunk of a job, without rows, in chunk order. */
  chunkStates(studyId: string, jobId: string): Promise<ImportChunkState[]>;
  /** Jobs created by `now` and not yet done, oldest first (the dispatcher's queue; a sparse index, never a Scan). */
  listUnfinished(now: Date, limit: number): Promise<Array<{ studyId: string; jobId: string }>>;
  /**
   * Leases a chunk to `worker` until `leaseUntil` if it is queued or its lease has lapsed by `now`
   * (a worker that died), counting the attempt: one conditional write. Returns its rows and which
   * attempt this lease is (1 for the first), or null when someone else holds it or it is done.
   */
  claimChunk(studyId: string, jobId: string, chunk: number, worker: string, now: Date, leaseUntil: Date): Promise<ClaimedChunk | null>;
  /** Marks a chunk done with its outcome and removes its rows, if `worker` still holds its lease; false otherwise. */
  finishChunk(studyId: string, jobId: string, chunk: number, worker: string, outcome: ImportChunkOutcome): Promise<boolean>;
  /** Sets `startedAt` (once) and `running` on a queued job. */
  markStarted(studyId: string, jobId: string, now: Date): Promise<void>;
  /** Adds a done chunk's outcome to the job's counters, once per chunk (a repeat changes nothing). */
  countChunk(studyId: string, jobId: string, chunk: number, outcome: { enrolled: number; failed: number }): Promise<void>;
  /** Marks the job done once every chunk is counted, and takes it out of the queue; false if it is not (or already) done. */
  finish(studyId: string, jobId: string, now: Date): Promise<boolean>;
}

/** A chunk leased to a worker: its rows, and which attempt at enrolling them this is (1 for the first). */
export interface ClaimedChunk {
  rows: ImportJobRow[];
  attempt: number;
}

/** Rows per stored chunk: a chunk of 250 rows is about 40 KB, far under DynamoDB's 400 KB an item. */
export const IMPORT_CHUNK_ROWS = 250;

/** Splits rows into chunks of at most `size`. */
export function chunkRows<T>(rows: readonly T[], size = IMPORT_CHUNK_ROWS): T[][] {
  const chunks: T[][] = [];
  for (let i = 0; i < rows.length; i += size) chunks.push(rows.slice(i, i + size));
  return chunks;
}
