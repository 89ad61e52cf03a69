import { GetCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import type { InstanceRepository } from '../../core/ports';
import type { Instance } from '../../core/schedule/records';
import { conditionally, type Db } from './client';
import { keys } from './keys';
import { queryAll, withoutKeys } from './query';

const OPEN = { ':scheduled': 'scheduled', ':open': 'open', ':started': 'started' };
const IS_OPEN = '#status IN (:scheduled, :open, :started)';

export function createInstanceRepository(db: Db): InstanceRepository {
  const TableName = db.tables.research;
  const list = async (studyId: string, code?: string) =>
    (
      await queryAll<Record<string, unknown>>(db, {
        TableName,
        KeyConditionExpression: 'pk = :pk AND begins_with(sk, :prefix)',
        ExpressionAttributeValues: { ':pk': keys.study(studyId).pk, ':prefix': keys.instancePrefix(code) },
      })
    ).map((item) => withoutKeys(item) as unknown as Instance);

  return {
    async get(studyId, code, timepoint) {
      const { Item } = await db.doc.send(
        new GetCommand({ TableName, Key: keys.instance(studyId, code, timepoint), ConsistentRead: true }),
      );
      return Item ? (withoutKeys(Item) as unknown as Instance) : null;
    },

    listForStudy: (studyId) => list(studyId),
    listForParticipant: (studyId, code) => list(studyId, code),

    async upsertPlanned(instance) {
      await conditionally(() =>
        db.doc.send(
          new UpdateCommand({
            TableName,
            Key: keys.instance(instance.studyId, instance.code, instance.timepoint),
            UpdateExpression:
              'SET #type = :type, studyId = :studyId, code = :code, timepoint = :timepoint, arm = :arm, ' +
              'dueAt = :dueAt, opensAt = :opensAt, closesAt = :closesAt, instruments = :instruments, ' +
              '#status = if_not_exists(#status, :scheduled)',
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

    async complete(studyId, code, timepoint, result) {
      return conditionally(() =>
        db.doc.send(
          new UpdateCommand({
            TableName,
            Key: keys.instance(studyId, code, timepoint),
            UpdateExpression: 'SET #status = :completed, answers = :answers, scores = :scores, completedAt = :completedAt',
            ConditionExpression: `attribute_exists(pk) AND ${IS_OPEN}`,
            ExpressionAttributeNames: { '#status': 'status' },
            ExpressionAttributeValues: {
              ...OPEN,
              ':completed': 'completed',
              ':answers': result.answers,
              ':scores': result.scores,
              ':completedAt': result.completedAt,
            },
          }),
        ),
      );
    },
  };
}
