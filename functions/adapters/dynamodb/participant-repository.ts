import { GetCommand, PutCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { conflict } from '../../core/errors';
import type { ParticipantRepository } from '../../core/ports';
import type { Participant } from '../../core/study/study';
import { conditionally, type Db } from './client';
import { keys } from './keys';
import { queryAll, queryDue, withoutKeys } from './query';

const toParticipant = (item: Record<string, unknown>): Participant => {
  const { planRequestedAt: _p, rev: _r, ...participant } = withoutKeys(item);
  return participant as unknown as Participant;
};

export function createParticipantRepository(db: Db): ParticipantRepository {
  const TableName = db.tables.research;
  const planRequest = (studyId: string, code: string, at: string) => ({
    planRequestedAt: at,
    ...keys.due('PLAN', at, keys.participant(studyId, code)),
  });

  return {
    async get(studyId, code) {
      // Consistent: the dispatcher checks withdrawal here just before sending.
      const { Item } = await db.doc.send(new GetCommand({ TableName, Key: keys.participant(studyId, code), ConsistentRead: true }));
      return Item ? toParticipant(Item) : null;
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
            Item: { ...key, type: 'participant', ...participant, rev: 1, ...planRequest(participant.studyId, participant.code, participant.enrolledAt) },
            ConditionExpression: 'attribute_not_exists(pk)',
          }),
        ),
      );
      if (!created) throw conflict(`participant code ${participant.code} is already in use in this study`, 'code');
    },

    async update(expected, next, at) {
      const key = keys.participant(expected.studyId, expected.code);
      const request = planRequest(expected.studyId, expected.code, at.toISOString());
      return conditionally(() =>
        db.doc.send(
          new UpdateCommand({
            TableName,
            Key: key,
            // Names for every attribute: several (timezone, status) are DynamoDB reserved words.
            UpdateExpression:
              'SET #arm = :arm, #tz = :timezone, #status = :status, #version = :version, #dates = :dates, #language = :language, ' +
              'planRequestedAt = :requested, duePk = :duePk, dueSk = :dueSk, #rev = #rev + :one',
            // Optimistic: only if nothing changed since `expected` was read.
            ConditionExpression: '#arm = :oldArm AND #tz = :oldTimezone AND #status = :oldStatus AND #version = :oldVersion',
            ExpressionAttributeNames: { '#arm': 'arm', '#tz': 'timezone', '#status': 'status', '#version': 'protocolVersion', '#dates': 'dates', '#language': 'language', '#rev': 'rev' },
            ExpressionAttributeValues: {
              ':arm': next.arm,
              ':timezone': next.timezone,
              ':status': next.status,
              ':version': next.protocolVersion,
              ':dates': next.dates,
              ':language': next.language ?? 'en',
              ':requested': request.planRequestedAt,
              ':duePk': request.duePk,
              ':dueSk': request.dueSk,
              ':one': 1,
              ':oldArm': expected.arm,
              ':oldTimezone': expected.timezone,
              ':oldStatus': expected.status,
              ':oldVersion': expected.protocolVersion,
            },
          }),
        ),
      );
    },

    async markSynthetic(studyId, code) {
      await db.doc.send(
        new UpdateCommand({
          TableName,
          Key: keys.participant(studyId, code),
          UpdateExpression: 'SET synthetic = :yes',
          ConditionExpression: 'attribute_exists(pk)',
          ExpressionAttributeValues: { ':yes': true },
        }),
      );
    },

    async list(studyId) {
      const items = await queryAll<Record<string, unknown>>(db, {
        TableName,
        KeyConditionExpression: 'pk = :pk AND begins_with(sk, :prefix)',
        ExpressionAttributeValues: { ':pk': keys.study(studyId).pk, ':prefix': keys.participantPrefix },
      });
      return items.map(toParticipant);
    },

    async requestPlan(studyId, code, at) {
      const request = planRequest(studyId, code, at.toISOString());
      await conditionally(() =>
        db.doc.send(
          new UpdateCommand({
            TableName,
            Key: keys.participant(studyId, code),
            UpdateExpression: 'SET planRequestedAt = :at, duePk = :duePk, dueSk = :dueSk',
            ConditionExpression: 'attribute_exists(pk)',
            ExpressionAttributeValues: { ':at': request.planRequestedAt, ':duePk': request.duePk, ':dueSk': request.dueSk },
          }),
        ),
      );
    },

    async markContactErased(studyId, code, at) {
      const request = planRequest(studyId, code, at.toISOString());
      const { Attributes } = await db.doc.send(
        new UpdateCommand({
          TableName,
          Key: keys.participant(studyId, code),
          UpdateExpression: 'SET contactErasedAt = if_not_exists(contactErasedAt, :at), planRequestedAt = :at, duePk = :duePk, dueSk = :dueSk',
          ConditionExpression: 'attribute_exists(pk)',
          ExpressionAttributeValues: { ':at': request.planRequestedAt, ':duePk': request.duePk, ':dueSk': request.dueSk },
          ReturnValues: 'ALL_OLD',
        }),
      );
      const earlier = Attributes?.contactErasedAt as string | undefined;
      return { erasedAt: earlier ?? request.planRequestedAt, first: earlier === undefined };
    },

    async listPlanRequests(now, limit) {
      const items = await queryDue<Record<string, unknown>>(db, 'PLAN', now, limit);
      return items.map((item) => ({ studyId: item.studyId as string, code: item.code as string, requestedAt: item.planRequestedAt as string }));
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
