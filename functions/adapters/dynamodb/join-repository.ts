import { GetCommand, PutCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import type { JoinRepository, JoinRequest } from '../../core/ports';
import { conditionally, type Db } from './client';
import { keys } from './keys';
import { withoutKeys } from './query';

/**
 * Self-enrolment requests, by the hash of their verification token, in the contacts table (they
 * hold an email address); each expires by the table's TTL, and is refused after `expiresAt`
 * anyway. Screening counts are research data: numbers only, in the research table.
 */
export function createJoinRepository(db: Db): JoinRepository {
  const TableName = db.tables.contacts;
  return {
    async put(hash, request) {
      await db.doc.send(
        new PutCommand({
          TableName,
          Item: { ...keys.joinRequest(hash), type: 'join', ...request, expiresAtEpoch: Math.ceil(Date.parse(request.expiresAt) / 1000) },
          ConditionExpression: 'attribute_not_exists(pk)',
        }),
      );
    },

    async get(hash) {
      const { Item } = await db.doc.send(new GetCommand({ TableName, Key: keys.joinRequest(hash), ConsistentRead: true }));
      if (!Item) return null;
      const { expiresAtEpoch: _e, ...request } = withoutKeys(Item);
      return request as unknown as JoinRequest;
    },

    async markVerified(hash, at) {
      await conditionally(() =>
        db.doc.send(
          new UpdateCommand({
            TableName,
            Key: keys.joinRequest(hash),
            UpdateExpression: 'SET verifiedAt = if_not_exists(verifiedAt, :at)',
            ConditionExpression: 'attribute_exists(pk)',
            ExpressionAttributeValues: { ':at': at.toISOString() },
          }),
        ),
      );
    },

    async assignCode(hash, code) {
      const { Attributes } = await db.doc.send(
        new UpdateCommand({
          TableName,
          Key: keys.joinRequest(hash),
          UpdateExpression: 'SET code = if_not_exists(code, :code)',
          ConditionExpression: 'attribute_exists(pk)',
          ExpressionAttributeValues: { ':code': code },
          ReturnValues: 'ALL_NEW',
        }),
      );
      return Attributes?.code as string;
    },

    async complete(hash, at) {
      await conditionally(() =>
        db.doc.send(
          new UpdateCommand({
            TableName,
            Key: keys.joinRequest(hash),
            UpdateExpression: 'SET enrolledAt = if_not_exists(enrolledAt, :at) REMOVE email, answers',
            ConditionExpression: 'attribute_exists(pk)',
            ExpressionAttributeValues: { ':at': at.toISOString() },
          }),
        ),
      );
    },

    async count(studyId, outcome) {
      await db.doc.send(
        new UpdateCommand({
          TableName: db.tables.research,
          Key: keys.joinCounter(studyId),
          UpdateExpression: 'ADD #outcome :one',
          ExpressionAttributeNames: { '#outcome': outcome },
          ExpressionAttributeValues: { ':one': 1 },
        }),
      );
    },

    async counts(studyId) {
      const { Item } = await db.doc.send(new GetCommand({ TableName: db.tables.research, Key: keys.joinCounter(studyId) }));
      return { eligible: (Item?.eligible as number | undefined) ?? 0, ineligible: (Item?.ineligible as number | undefined) ?? 0 };
    },
  };
}
