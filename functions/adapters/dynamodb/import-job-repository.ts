import { GetCommand, PutCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import type { ClaimedChunk, ImportChunkOutcome, ImportChunkState, ImportJob, ImportJobRepository, ImportJobRow } from '../../core/import/import-job';
import { auditedWrite } from './audited-write';
import { importChunkTransitions, importJobTransitions } from '../../core/schedule/transitions';
import { conditionally, type Db } from './client';
import { writeTransition } from './transition-write';
import { keys } from './keys';
import { queryAll, queryDue, withoutKeys } from './query';

const toJob = (item: Record<string, unknown>): ImportJob => {
  const { countedChunks: _c, auditMarks: _a, ...job } = withoutKeys(item);
  return job as unknown as ImportJob;
};

/**
 * Import jobs (research table: counters and status, no addresses) and their chunks of rows
 * (contacts table: the rows carry addresses, and are removed once their chunk is done).
 * Access patterns: create a job; get one; list a job's chunks (a Query on its prefix); the
 * unfinished jobs (the due index, `DUE#IMPORT`); lease, finish and count a chunk, finish a job
 * (each one conditional or atomic write on one item).
 */
export function createImportJobRepository(db: Db): ImportJobRepository {
  const research = db.tables.research;
  const contacts = db.tables.contacts;

  return {
    async create(job, chunks, audit) {
      // The chunks first: the job enters the dispatcher's queue only with every row it needs already stored.
      for (const [index, rows] of chunks.entries()) {
        await db.doc.send(
          new PutCommand({
            TableName: contacts,
            Item: { ...keys.importChunk(job.studyId, job.jobId, index), type: 'import-chunk', jobId: job.jobId, chunk: index, status: 'queued', rows },
            ConditionExpression: 'attribute_not_exists(pk)',
          }),
        );
      }
      const key = keys.importJob(job.studyId, job.jobId);
      await auditedWrite(db, audit, { table: 'research', key }, (mark) =>
        conditionally(() =>
          db.doc.send(
            new PutCommand({
              TableName: research,
              Item: { ...key, type: 'import-job', ...job, ...keys.due('IMPORT', job.createdAt, key), ...mark.item },
              ConditionExpression: 'attribute_not_exists(pk)',
            }),
          ),
        ),
      );
    },

    async get(studyId, jobId) {
      const { Item } = await db.doc.send(new GetCommand({ TableName: research, Key: keys.importJob(studyId, jobId), ConsistentRead: true }));
      return Item && Item.type === 'import-job' ? toJob(Item) : null;
    },

    async chunkStates(studyId, jobId) {
      const items = await queryAll<Record<string, unknown>>(db, {
        TableName: contacts,
        KeyConditionExpression: 'pk = :pk AND begins_with(sk, :prefix)',
        ExpressionAttributeValues: { ':pk': keys.importJob(studyId, jobId).pk, ':prefix': keys.importChunkPrefix(jobId) },
        // Never the rows: a progress read carries no addresses.
        ProjectionExpression: 'chunk, #status, leasedBy, leaseUntil, attempts, outcome',
        ExpressionAttributeNames: { '#status': 'status' },
        ConsistentRead: true,
      });
      return items
        .map((item): ImportChunkState => ({
          chunk: item.chunk as number,
          status: item.status as ImportChunkState['status'],
          ...(item.leasedBy ? { leasedBy: item.leasedBy as string, leaseUntil: item.leaseUntil as string } : {}),
          ...(item.attempts ? { attempts: item.attempts as number } : {}),
          ...(item.outcome ? { outcome: item.outcome as ImportChunkOutcome } : {}),
        }))
        .sort((a, b) => a.chunk - b.chunk);
    },

    async listUnfinished(now, limit) {
      const items = await queryDue<Record<string, unknown>>(db, 'IMPORT', now, limit);
      return items.map((item) => ({ studyId: item.studyId as string, jobId: item.jobId as string }));
    },

    async claimChunk(studyId, jobId, chunk, worker, now, leaseUntil) {
      let claimed: ClaimedChunk | null = null;
      // Queued, or leased by a worker whose lease has lapsed (it died or stalled): never a done chunk.
      await writeTransition(
        db,
        {
          table: contacts,
          key: keys.importChunk(studyId, jobId, chunk),
          transition: importChunkTransitions.lease,
          params: { now: now.toISOString() },
          set: ['leasedBy = :worker', 'leaseUntil = :until', 'attempts = if_not_exists(attempts, :none) + :one'],
          values: { ':worker': worker, ':until': leaseUntil.toISOString(), ':none': 0, ':one': 1 },
          returnValues: 'ALL_NEW',
        },
        (attributes) => {
          claimed = { rows: (attributes?.rows ?? []) as ImportJobRow[], attempt: (attributes?.attempts as number | undefined) ?? 1 };
        },
      );
      return claimed;
    },

    async finishChunk(studyId, jobId, chunk, worker, outcome) {
      return writeTransition(db, {
        table: contacts,
        key: keys.importChunk(studyId, jobId, chunk),
        transition: importChunkTransitions.finish,
        params: { worker },
        // The addresses go with the rows: once enrolled they live in the contacts themselves.
        set: ['outcome = :outcome'],
        remove: ['#rows', 'leaseUntil'],
        names: { '#rows': 'rows' },
        values: { ':outcome': outcome },
      });
    },

    async markStarted(studyId, jobId, now) {
      await writeTransition(db, {
        table: research,
        key: keys.importJob(studyId, jobId),
        transition: importJobTransitions.start,
        set: ['startedAt = :now'],
        values: { ':now': now.toISOString() },
      });
    },

    async countChunk(studyId, jobId, chunk, outcome) {
      // The set of counted chunks makes the addition happen once per chunk, whoever repeats it.
      await conditionally(() =>
        db.doc.send(
          new UpdateCommand({
            TableName: research,
            Key: keys.importJob(studyId, jobId),
            UpdateExpression: 'ADD enrolled :enrolled, failedRows :failed, chunksDone :one, countedChunks :chunk',
            ConditionExpression: 'attribute_exists(pk) AND NOT contains(countedChunks, :n)',
            ExpressionAttributeValues: { ':enrolled': outcome.enrolled, ':failed': outcome.failed, ':one': 1, ':chunk': new Set([chunk]), ':n': chunk },
          }),
        ),
      );
    },

    async finish(studyId, jobId, now) {
      return conditionally(() =>
        db.doc.send(
          new UpdateCommand({
            TableName: research,
            Key: keys.importJob(studyId, jobId),
            UpdateExpression: 'SET #status = :done, finishedAt = :now, startedAt = if_not_exists(startedAt, :now) REMOVE duePk, dueSk',
            ConditionExpression: 'chunksDone = #chunks AND #status <> :done',
            ExpressionAttributeNames: { '#status': 'status', '#chunks': 'chunks' },
            ExpressionAttributeValues: { ':done': 'done', ':now': now.toISOString() },
          }),
        ),
      );
    },
  };
}
