import type { ImportChunkOutcome, ImportChunkState, ImportJob, ImportJobRepository, ImportJobRow } from '../../core/import/import-job';
import { importChunkTransitions, importJobTransitions } from '../../core/schedule/transitions';
import { audited, key, MemoryTable, pad, type MemoryAuditLog } from './store';

type JobItem = ImportJob & { countedChunks?: number[] };
type ChunkItem = ImportChunkState & { rows?: ImportJobRow[] };

/** Import jobs and their chunks of rows, with the same leases and once-only counting as the DynamoDB adapter. */
export function createMemoryImportJobRepository(log: MemoryAuditLog): ImportJobRepository {
  const jobs = new MemoryTable<JobItem>();
  const chunks = new MemoryTable<ChunkItem>();
  const chunkKey = (studyId: string, jobId: string, chunk: number) => key(studyId, jobId, pad(chunk, 4));

  return {
    async create(job, rows, audit) {
      rows.forEach((chunkRows, chunk) => chunks.set(chunkKey(job.studyId, job.jobId, chunk), { chunk, status: 'queued', rows: chunkRows }));
      const k = key(job.studyId, job.jobId);
      const created = jobs.peek(k) === undefined;
      if (created) jobs.set(k, { ...job, due: { kind: 'IMPORT', at: job.createdAt } });
      audited(log, audit, created);
    },

    async get(studyId, jobId) {
      const item = jobs.get(key(studyId, jobId));
      if (item === null) return null;
      const { countedChunks: _c, ...job } = item;
      return job;
    },

    async chunkStates(studyId, jobId) {
      // Never the rows: a progress read carries no addresses.
      return chunks.list(`${studyId}#${jobId}#`).map(({ rows: _rows, ...state }) => state);
    },

    listUnfinished: async (now, limit) => jobs.due('IMPORT', now, limit).map((job) => ({ studyId: job.studyId, jobId: job.jobId })),

    async claimChunk(studyId, jobId, chunk, worker, now, leaseUntil) {
      const k = chunkKey(studyId, jobId, chunk);
      // Queued, or leased by a worker whose lease has lapsed: never a done chunk.
      const leased = chunks.transition(k, importChunkTransitions.lease, { now: now.toISOString() }, (item) => ({ ...item, leasedBy: worker, leaseUntil: leaseUntil.toISOString(), attempts: (item.attempts ?? 0) + 1 }));
      if (!leased) return null;
      const { rows, attempts } = chunks.get(k)!;
      return { rows: rows ?? [], attempt: attempts! };
    },

    async finishChunk(studyId, jobId, chunk, worker, outcome: ImportChunkOutcome) {
      return chunks.transition(chunkKey(studyId, jobId, chunk), importChunkTransitions.finish, { worker }, (item) => {
        const { rows: _rows, leaseUntil: _lease, ...rest } = item;
        return { ...rest, outcome };
      });
    },

    async markStarted(studyId, jobId, now) {
      jobs.transition(key(studyId, jobId), importJobTransitions.start, {}, (item) => ({ ...item, startedAt: now.toISOString() }));
    },

    async countChunk(studyId, jobId, chunk, outcome) {
      const item = jobs.peek(key(studyId, jobId));
      // Once per chunk, whoever repeats it.
      if (item === undefined || (item.countedChunks ?? []).includes(chunk)) return;
      jobs.set(key(studyId, jobId), {
        ...item,
        enrolled: (item.enrolled ?? 0) + outcome.enrolled,
        failedRows: (item.failedRows ?? 0) + outcome.failed,
        chunksDone: (item.chunksDone ?? 0) + 1,
        countedChunks: [...(item.countedChunks ?? []), chunk],
      });
    },

    async finish(studyId, jobId, now) {
      const item = jobs.peek(key(studyId, jobId));
      if (item === undefined || item.chunksDone !== item.chunks || item.status === 'done') return false;
      const { due: _due, ...rest } = item;
      jobs.set(key(studyId, jobId), { ...rest, status: 'done', finishedAt: now.toISOString(), startedAt: item.startedAt ?? now.toISOString() });
      return true;
    },
  };
}
