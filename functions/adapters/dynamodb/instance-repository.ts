import { GetCommand, QueryCommand, type QueryCommandInput } from '@aws-sdk/lib-dynamodb';
import type { InstanceRepository } from '../../core/ports';
import type { Instance } from '../../core/schedule/records';
import { instanceTransitions } from '../../core/schedule/transitions';
import { auditedWrite } from './audited-write';
import type { Db } from './client';
import { writeTransition } from './transition-write';
import { keys } from './keys';
import { queryAll, queryDue, queryPages, withoutKeys } from './query';

const keyOf = (i: Pick<Instance, 'studyId' | 'code' | 'timepoint'>) => keys.instance(i.studyId, i.code, i.timepoint);
/** An instance as stored, back to the port's shape (also read by link-target-reader.ts). */
export const toInstance = (item: Record<string, unknown>) => withoutKeys(item) as unknown as Instance;

export function createInstanceRepository(db: Db): InstanceRepository {
  const TableName = db.tables.research;
  const list = async (studyId: string, code?: string) =>
    (
      await queryAll<Record<string, unknown>>(db, {
        TableName,
        KeyConditionExpression: 'pk = :pk AND begins_with(sk, :prefix)',
        ExpressionAttributeValues: { ':pk': keys.study(studyId).pk, ':prefix': keys.instancePrefix(code) },
        ConsistentRead: true,
      })
    ).map(toInstance);

  return {
    async get(studyId, code, timepoint) {
      const { Item } = await db.doc.send(new GetCommand({ TableName, Key: keys.instance(studyId, code, timepoint), ConsistentRead: true }));
      return Item ? toInstance(Item) : null;
    },

    listForStudy: (studyId) => list(studyId),
    listForParticipant: (studyId, code) => list(studyId, code),

    pagesForStudy(studyId, options) {
      return queryPages(
        db,
        {
          TableName,
          KeyConditionExpression: 'pk = :pk AND begins_with(sk, :prefix)',
          ExpressionAttributeValues: { ':pk': keys.study(studyId).pk, ':prefix': keys.instancePrefix() },
          ConsistentRead: true,
          ...(options?.pageSize !== undefined ? { Limit: options.pageSize } : {}),
        },
        toInstance,
      );
    },

    async upsertPlanned(instance) {
      const key = keyOf(instance);
      const expiry = keys.due('EXPIRE', instance.closesAt, key);
      await writeTransition(db, {
        table: TableName,
        key,
        transition: instanceTransitions.plan,
        set: [
          '#type = :type', 'studyId = :studyId', 'code = :code', 'timepoint = :timepoint', 'arm = :arm',
          'dueAt = :dueAt', 'opensAt = :opensAt', 'closesAt = :closesAt', 'instruments = :instruments',
          '#status = if_not_exists(#status, :scheduled)', 'duePk = :duePk', 'dueSk = :dueSk', ...(instance.synthetic ? ['synthetic = :synthetic'] : []),
        ],
        names: { '#status': 'status', '#type': 'type' },
        values: {
          ':scheduled': 'scheduled',
          ':type': 'instance',
          ':studyId': instance.studyId,
          ':code': instance.code,
          ':timepoint': instance.timepoint,
          ':arm': instance.arm,
          ':dueAt': instance.dueAt,
          ':opensAt': instance.opensAt,
          ':closesAt': instance.closesAt,
          ':instruments': instance.instruments,
          ':duePk': expiry.duePk,
          ':dueSk': expiry.dueSk,
          ...(instance.synthetic ? { ':synthetic': true } : {}),
        },
      });
    },

    async markOpened(studyId, code, timepoint, at) {
      await writeTransition(db, {
        table: TableName,
        key: keys.instance(studyId, code, timepoint),
        transition: instanceTransitions.open,
        set: ['openedAt = :at'],
        values: { ':at': at.toISOString() },
      });
    },

    async saveProgress(instance, answers, at, expectedRevision, linkEpoch, audit) {
      return auditedWrite(db, audit, { table: 'research', key: keyOf(instance) }, (mark) =>
        writeTransition(db, {
          table: TableName,
          key: keyOf(instance),
          transition: instanceTransitions.saveProgress,
          params: { linkEpoch, expectedRevision },
          set: ['answers = :answers', 'savedAt = :at', 'progressRevision = :next'],
          add: [mark.add],
          values: { ':answers': answers, ':at': at.toISOString(), ':next': expectedRevision + 1, ...mark.values },
        }),
      );
    },

    async complete(studyId, code, timepoint, result, linkEpoch) {
      const key = keys.instance(studyId, code, timepoint);
      // Post-completion work (and the audit entry) rides on the completion write itself: it cannot be lost between two writes.
      const pending = keys.due('DONE', result.completedAt!, key);
      return writeTransition(db, {
        table: TableName,
        key,
        transition: instanceTransitions.complete,
        params: { linkEpoch },
        set: ['answers = :answers', 'scores = :scores', 'completedAt = :completedAt', 'duePk = :duePk', 'dueSk = :dueSk'],
        values: { ':answers': result.answers, ':scores': result.scores, ':completedAt': result.completedAt, ':duePk': pending.duePk, ':dueSk': pending.dueSk },
      });
    },

    async revokeLinks(instance, epoch) {
      await writeTransition(db, { table: TableName, key: keyOf(instance), transition: instanceTransitions.revokeLinks, params: { epoch }, set: ['linkEpoch = :epoch'], values: { ':epoch': epoch } });
    },

    async listPendingCompletions(now, limit) {
      return (await queryDue<Record<string, unknown>>(db, 'DONE', now, limit)).map(toInstance);
    },

    async clearPendingCompletion(instance) {
      await writeTransition(db, { table: TableName, key: keyOf(instance), transition: instanceTransitions.clearCompletion, remove: ['duePk', 'dueSk'] });
    },

    async listDueExpiries(now, limit) {
      return (await queryDue<Record<string, unknown>>(db, 'EXPIRE', now, limit)).map(toInstance);
    },

    async end(instance, status, reason, at, audit) {
      return auditedWrite(db, audit, { table: 'research', key: keyOf(instance) }, (mark) =>
        writeTransition(db, {
          table: TableName,
          key: keyOf(instance),
          transition: status === 'expired' ? instanceTransitions.expire : instanceTransitions.cancel,
          set: ['endedAt = :at', 'endReason = :reason'],
          remove: ['duePk', 'dueSk'],
          add: [mark.add],
          values: { ':at': at.toISOString(), ':reason': reason, ...mark.values },
        }),
      );
    },

    async postponeExpiry(instance, until) {
      const key = keyOf(instance);
      const expiry = keys.due('EXPIRE', until, key);
      await writeTransition(db, {
        table: TableName,
        key,
        transition: instanceTransitions.postponeExpiry,
        set: ['duePk = :duePk', 'dueSk = :dueSk'],
        values: { ':duePk': expiry.duePk, ':dueSk': expiry.dueSk },
      });
    },
  };
}
