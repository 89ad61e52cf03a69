import { GetCommand, QueryCommand, UpdateCommand, type QueryCommandInput } from '@aws-sdk/lib-dynamodb';
import type { InstanceRepository } from '../../core/ports';
import type { Instance } from '../../core/schedule/records';
import { auditedWrite, updateExpression } from './audited-write';
import { conditionally, type Db } from './client';
import { keys } from './keys';
import { queryAll, queryDue, withoutKeys } from './query';

const OPEN = { ':scheduled': 'scheduled', ':open': 'open', ':started': 'started' };
const IS_OPEN = '#status IN (:scheduled, :open, :started)';
/** The link used was minted under `:linkEpoch`: refused once the participant's links were revoked past it. */
const LINK_VALID = '(attribute_not_exists(linkEpoch) OR linkEpoch <= :linkEpoch)';
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

    async *pagesForStudy(studyId, options) {
      let ExclusiveStartKey: QueryCommandInput['ExclusiveStartKey'];
      do {
        const page = await db.doc.send(
          new QueryCommand({
            TableName,
            KeyConditionExpression: 'pk = :pk AND begins_with(sk, :prefix)',
            ExpressionAttributeValues: { ':pk': keys.study(studyId).pk, ':prefix': keys.instancePrefix() },
            ConsistentRead: true,
            ...(options?.pageSize !== undefined ? { Limit: options.pageSize } : {}),
            ExclusiveStartKey,
          }),
        );
        const items = (page.Items ?? []).map(toInstance);
        if (items.length > 0) yield items;
        ExclusiveStartKey = page.LastEvaluatedKey;
      } while (ExclusiveStartKey !== undefined);
    },

    async upsertPlanned(instance) {
      const key = keyOf(instance);
      const expiry = keys.due('EXPIRE', instance.closesAt, key);
      await conditionally(() =>
        db.doc.send(
          new UpdateCommand({
            TableName,
            Key: key,
            UpdateExpression:
              'SET #type = :type, studyId = :studyId, code = :code, timepoint = :timepoint, arm = :arm, ' +
              'dueAt = :dueAt, opensAt = :opensAt, closesAt = :closesAt, instruments = :instruments, ' +
              '#status = if_not_exists(#status, :scheduled), duePk = :duePk, dueSk = :dueSk' +
              (instance.synthetic ? ', synthetic = :synthetic' : ''),
            ConditionExpression: `attribute_not_exists(pk) OR ${IS_OPEN}`,
            ExpressionAttributeNames: { '#status': 'status', '#type': 'type' },
            ExpressionAttributeValues: {
              ...OPEN,
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
          }),
        ),
      );
    },

    async markOpened(studyId, code, timepoint, at) {
      await conditionally(() =>
        db.doc.send(
          new UpdateCommand({
            TableName,
            Key: keys.instance(studyId, code, timepoint),
            UpdateExpression: 'SET #status = :open, openedAt = :at',
            ConditionExpression: '#status = :scheduled',
            ExpressionAttributeNames: { '#status': 'status' },
            ExpressionAttributeValues: { ':open': 'open', ':scheduled': 'scheduled', ':at': at.toISOString() },
          }),
        ),
      );
    },

    async saveProgress(instance, answers, at, expectedRevision, linkEpoch, audit) {
      return auditedWrite(db, audit, { table: 'research', key: keyOf(instance) }, (mark) =>
        conditionally(() =>
          db.doc.send(
            new UpdateCommand({
              TableName,
              Key: keyOf(instance),
              UpdateExpression: updateExpression({ set: ['answers = :answers', 'savedAt = :at', 'progressRevision = :next', '#status = :started'], add: [mark.add] }),
              ConditionExpression: `${IS_OPEN} AND ${LINK_VALID} AND ${expectedRevision === 0 ? 'attribute_not_exists(progressRevision)' : 'progressRevision = :expected'}`,
              ExpressionAttributeNames: { '#status': 'status' },
              ExpressionAttributeValues: {
                ...OPEN,
                ':answers': answers,
                ':at': at.toISOString(),
                ':next': expectedRevision + 1,
                ':linkEpoch': linkEpoch,
                ...(expectedRevision === 0 ? {} : { ':expected': expectedRevision }),
                ...mark.values,
              },
            }),
          ),
        ),
      );
    },

    async complete(studyId, code, timepoint, result, linkEpoch) {
      const key = keys.instance(studyId, code, timepoint);
      // Post-completion work (and the audit entry) rides on the completion write itself: it cannot be lost between two writes.
      const pending = keys.due('DONE', result.completedAt!, key);
      return conditionally(() =>
        db.doc.send(
          new UpdateCommand({
            TableName,
            Key: key,
            UpdateExpression: 'SET #status = :completed, answers = :answers, scores = :scores, completedAt = :completedAt, duePk = :duePk, dueSk = :dueSk',
            ConditionExpression: `attribute_exists(pk) AND ${IS_OPEN}${linkEpoch === undefined ? '' : ` AND ${LINK_VALID}`}`,
            ExpressionAttributeNames: { '#status': 'status' },
            ExpressionAttributeValues: {
              ...OPEN,
              ':completed': 'completed',
              ':answers': result.answers,
              ':scores': result.scores,
              ':completedAt': result.completedAt,
              ':duePk': pending.duePk,
              ':dueSk': pending.dueSk,
              ...(linkEpoch === undefined ? {} : { ':linkEpoch': linkEpoch }),
            },
          }),
        ),
      );
    },

    async revokeLinks(instance, epoch) {
      await conditionally(() =>
        db.doc.send(
          new UpdateCommand({
            TableName,
            Key: keyOf(instance),
            UpdateExpression: 'SET linkEpoch = :epoch',
            // Only ever upwards.
            ConditionExpression: 'attribute_exists(pk) AND (attribute_not_exists(linkEpoch) OR linkEpoch < :epoch)',
            ExpressionAttributeValues: { ':epoch': epoch },
          }),
        ),
      );
    },

    async listPendingCompletions(now, limit) {
      return (await queryDue<Record<string, unknown>>(db, 'DONE', now, limit)).map(toInstance);
    },

    async clearPendingCompletion(instance) {
      await conditionally(() =>
        db.doc.send(
          new UpdateCommand({
            TableName,
            Key: keyOf(instance),
            UpdateExpression: 'REMOVE duePk, dueSk',
            ConditionExpression: '#status = :completed',
            ExpressionAttributeNames: { '#status': 'status' },
            ExpressionAttributeValues: { ':completed': 'completed' },
          }),
        ),
      );
    },

    async listDueExpiries(now, limit) {
      return (await queryDue<Record<string, unknown>>(db, 'EXPIRE', now, limit)).map(toInstance);
    },

    async end(instance, status, reason, at, audit) {
      return auditedWrite(db, audit, { table: 'research', key: keyOf(instance) }, (mark) =>
        conditionally(() =>
          db.doc.send(
            new UpdateCommand({
              TableName,
              Key: keyOf(instance),
              UpdateExpression: updateExpression({ set: ['#status = :to', 'endedAt = :at', 'endReason = :reason'], remove: ['duePk', 'dueSk'], add: [mark.add] }),
              ConditionExpression: IS_OPEN,
              ExpressionAttributeNames: { '#status': 'status' },
              ExpressionAttributeValues: { ...OPEN, ':to': status, ':at': at.toISOString(), ':reason': reason, ...mark.values },
            }),
          ),
        ),
      );
    },

    async postponeExpiry(instance, until) {
      const key = keyOf(instance);
      const expiry = keys.due('EXPIRE', until, key);
      await conditionally(() =>
        db.doc.send(
          new UpdateCommand({
            TableName,
            Key: key,
            UpdateExpression: 'SET duePk = :duePk, dueSk = :dueSk',
            ConditionExpression: '#status = :started',
            ExpressionAttributeNames: { '#status': 'status' },
            ExpressionAttributeValues: { ':started': 'started', ':duePk': expiry.duePk, ':dueSk': expiry.dueSk },
          }),
        ),
      );
    },
  };
}
