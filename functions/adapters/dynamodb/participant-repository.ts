import { GetCommand, PutCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { conflict } from '../../core/errors';
import type { ParticipantRepository } from '../../core/ports';
import type { Participant } from '../../core/study/study';
import { conditionally, type Db } from './client';
import { keys } from './keys';
import { queryAll, withoutKeys } from './query';

export function createParticipantRepository(db: Db): ParticipantRepository {
  const TableName = db.tables.research;
  return {
    async get(studyId, code) {
      // Consistent: the dispatcher checks withdrawal here just before sending.
      const { Item } = await db.doc.send(new GetCommand({ TableName, Key: keys.participant(studyId, code), ConsistentRead: true }));
      return Item ? (withoutKeys(Item) as Participant) : null;
    },

    async allocateCode(studyId) {
      const { Attributes } = await db.doc.send(
        new UpdateCommand({
          TableName,
          Key: keys.codeCounter(studyId),
          UpdateExpression: 'ADD #n :one',
          ExpressionAttributeNames: { '#n': 'next' },
          ExpressionAttributeValues: { ':one': 1 },
          ReturnValues: 'UPDATED_NEW',
        }),
      );
      return `P-${String(Attributes?.next as number).padStart(4, '0')}`;
    },

    async create(participant) {
      const key = keys.participant(participant.studyId, participant.code);
      // The participant arrives with a plan request in the due index; the dispatcher clears it once planned.
      const created = await conditionally(() =>
        db.doc.send(
          new PutCommand({
            TableName,
            Item: {
              ...key,
              type: 'participant',
              ...participant,
              planRequestedAt: participant.enrolledAt,
              ...keys.due('PLAN', participant.enrolledAt, key),
            },
            ConditionExpression: 'attribute_not_exists(pk)',
          }),
        ),
      );
      if (!created) throw conflict(`participant code ${participant.code} is already in use in this study`, 'code');
    },

    async list(studyId) {
      const items = await queryAll<Record<string, unknown>>(db, {
        TableName,
        KeyConditionExpression: 'pk = :pk AND begins_with(sk, :prefix)',
        ExpressionAttributeValues: { ':pk': keys.study(studyId).pk, ':prefix': keys.participantPrefix },
      });
      return items.map((item) => {
        const { planRequestedAt: _p, ...participant } = withoutKeys(item);
        return participant as unknown as Participant;
      });
    },

    async listPlanRequests(now, limit) {
      const requests: Array<{ studyId: string; code: string; requestedAt: string }> = [];
      for (const duePk of keys.duePartitions('PLAN')) {
        const items = await queryAll<Record<string, unknown>>(db, {
          TableName,
          IndexName: 'due',
          KeyConditionExpression: 'duePk = :p AND dueSk <= :upTo',
          ExpressionAttributeValues: { ':p': duePk, ':upTo': keys.dueUpTo(now.toISOString()) },
          Limit: limit,
        });
        for (const item of items) {
          requests.push({ studyId: item.studyId as string, code: item.code as string, requestedAt: item.planRequestedAt as string });
        }
      }
      return requests.sort((a, b) => a.requestedAt.localeCompare(b.requestedAt)).slice(0, limit);
    },

    async clearPlanRequest(studyId, code, requestedAt) {
      await conditionally(() =>
        db.doc.send(
          new UpdateCommand({
            TableName,
            Key: keys.participant(studyId, code),
            UpdateExpression: 'REMOVE duePk, dueSk, planRequestedAt',
            ConditionExpression: 'planRequestedAt = :at',
            ExpressionAttributeValues: { ':at': requestedAt },
          }),
        ),
      );
    },
  };
}
