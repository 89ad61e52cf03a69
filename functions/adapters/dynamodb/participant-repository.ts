import { GetCommand, PutCommand, QueryCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { conflict } from '../../core/errors';
import type { ParticipantRepository } from '../../core/ports';
import type { Participant } from '../../core/study/study';
import { auditedWrite, updateExpression } from './audited-write';
import { batchGet } from './batch-get';
import { conditionally, type Db } from './client';
import { keys } from './keys';
import { queryAll, queryDue, queryPages, withoutKeys } from './query';

/** A participant as stored, back to the port's shape (also read by link-target-reader.ts). */
export const toParticipant = (item: Record<string, unknown>): Participant => {
  const { planRequestedAt: _p, rev, ...participant } = withoutKeys(item);
  return { ...(participant as unknown as Participant), ...(typeof rev === 'number' ? { revision: rev } : {}) };
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

    async allocateCodes(studyId, count) {
      if (!Number.isInteger(count) || count < 1) return [];
      const { Attributes } = await db.doc.send(
        new UpdateCommand({
          TableName,
          Key: keys.codeCounter(studyId),
          UpdateExpression: 'ADD #n :count',
          ExpressionAttributeNames: { '#n': 'next' },
          ExpressionAttributeValues: { ':count': count },
          ReturnValues: 'UPDATED_NEW',
        }),
      );
      const last = Attributes?.next as number;
      return Array.from({ length: count }, (_, i) => `P-${String(last - count + 1 + i).padStart(4, '0')}`);
    },

    async getMany(studyId, codes) {
      const items = await batchGet(db, TableName, codes.map((code) => keys.participant(studyId, code)));
      return new Map(items.map((item) => [item.code as string, toParticipant(item)]));
    },

    async create(participant, audit) {
      const key = keys.participant(participant.studyId, participant.code);
      const { revision: _r, linkEpoch: _l, ...fields } = participant;
      // The participant arrives with a plan request in the due index; the dispatcher clears it once planned.
      const created = await auditedWrite(db, audit, { table: 'research', key }, (mark) =>
        conditionally(() =>
          db.doc.send(
            new PutCommand({
              TableName,
              Item: { ...key, type: 'participant', ...fields, rev: 1, ...planRequest(participant.studyId, participant.code, participant.enrolledAt), ...mark.item },
              ConditionExpression: 'attribute_not_exists(pk)',
            }),
          ),
        ),
      );
      if (!created) throw conflict(`participant code ${participant.code} is already in use in this study`, 'code');
    },

    async update(expected, next, at, options = {}) {
      const key = keys.participant(expected.studyId, expected.code);
      const request = planRequest(expected.studyId, expected.code, at.toISOString());
      return auditedWrite(db, options.audit, { table: 'research', key }, (mark) =>
        conditionally(() =>
          db.doc.send(
            new UpdateCommand({
              TableName,
              Key: key,
              // Names for every attribute: several (timezone, status) are DynamoDB reserved words.
              UpdateExpression: updateExpression({
                set: [
                  '#arm = :arm', '#tz = :timezone', '#status = :status', '#version = :version', '#dates = :dates', '#language = :language',
                  'planRequestedAt = :requested', 'duePk = :duePk', 'dueSk = :dueSk', '#rev = if_not_exists(#rev, :zero) + :one',
                  ...(next.withdrawal ? ['withdrawal = :withdrawal'] : []),
                ],
                // The generation only ever rises, by an atomic ADD, so no write can bring a revoked link back.
                add: [options.revokeLinks ? 'linkEpoch :one' : null, mark.add],
              }),
              // Optimistic: only if nothing changed since `expected` was read (every change raises rev).
              ConditionExpression: expected.revision === undefined ? 'attribute_exists(pk) AND attribute_not_exists(#rev)' : '#rev = :expected',
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
                ':zero': 0,
                ':one': 1,
                ...(expected.revision === undefined ? {} : { ':expected': expected.revision }),
                ...(next.withdrawal ? { ':withdrawal': next.withdrawal } : {}),
                ...mark.values,
              },
            }),
          ),
        ),
      );
    },

    async revokeLinks(studyId, code, at, audit) {
      const key = keys.participant(studyId, code);
      const request = planRequest(studyId, code, at.toISOString());
      // Not a change to the editable record (no rev): a coordinator's edit at the same moment still applies.
      const revoked = await auditedWrite(db, audit, { table: 'research', key }, (mark) =>
        conditionally(() =>
          db.doc.send(
            new UpdateCommand({
              TableName,
              Key: key,
              UpdateExpression: updateExpression({ set: ['planRequestedAt = :at', 'duePk = :duePk', 'dueSk = :dueSk'], add: ['linkEpoch :one', mark.add] }),
              ConditionExpression: 'attribute_exists(pk)',
              ExpressionAttributeValues: { ':at': request.planRequestedAt, ':duePk': request.duePk, ':dueSk': request.dueSk, ':one': 1, ...mark.values },
            }),
          ),
        ),
      );
      if (!revoked) throw conflict(`participant ${code} no longer exists`);
    },

    async list(studyId) {
      const items = await queryAll<Record<string, unknown>>(db, {
        TableName,
        KeyConditionExpression: 'pk = :pk AND begins_with(sk, :prefix)',
        ExpressionAttributeValues: { ':pk': keys.study(studyId).pk, ':prefix': keys.participantPrefix },
      });
      return items.map(toParticipant);
    },

    pagesForStudy(studyId, options) {
      return queryPages(
        db,
        {
          TableName,
          KeyConditionExpression: 'pk = :pk AND begins_with(sk, :prefix)',
          ExpressionAttributeValues: { ':pk': keys.study(studyId).pk, ':prefix': keys.participantPrefix },
          ConsistentRead: true,
          ...(options?.pageSize !== undefined ? { Limit: options.pageSize } : {}),
        },
        toParticipant,
      );
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

    async markContactErased(studyId, code, at, audit) {
      const key = keys.participant(studyId, code);
      const request = planRequest(studyId, code, at.toISOString());
      let earlier: string | undefined;
      await auditedWrite(db, audit, { table: 'research', key }, async (mark) => {
        const { Attributes } = await db.doc.send(
          new UpdateCommand({
            TableName,
            Key: key,
            // Revokes every link sent (linkEpoch), and counts as a change to the record (rev): an edit
            // read before it (say, a new address) fails instead of writing over the erasure.
            UpdateExpression: updateExpression({
              set: ['contactErasedAt = if_not_exists(contactErasedAt, :at)', 'planRequestedAt = :at', 'duePk = :duePk', 'dueSk = :dueSk'],
              add: ['linkEpoch :one', 'rev :one', mark.add],
            }),
            ConditionExpression: 'attribute_exists(pk)',
            ExpressionAttributeValues: { ':at': request.planRequestedAt, ':duePk': request.duePk, ':dueSk': request.dueSk, ':one': 1, ...mark.values },
            ReturnValues: 'ALL_OLD',
          }),
        );
        earlier = Attributes?.contactErasedAt as string | undefined;
        return true;
      });
      return { erasedAt: earlier ?? request.planRequestedAt, first: earlier === undefined };
    },

    async listPlanRequests(now, limit) {
      const items = await queryDue<Record<string, unknown>>(db, 'PLAN', now, limit);
      return items.map((item) => ({ studyId: item.studyId as string, code: item.code as string, requestedAt: item.planRequestedAt as string }));
    },

    async recordConsent(studyId, code, consent) {
      return conditionally(() =>
        db.doc.send(
          new UpdateCommand({
            TableName,
            Key: keys.participant(studyId, code),
            UpdateExpression: 'SET consent = :consent',
            ConditionExpression: 'attribute_exists(pk) AND #status = :active',
            ExpressionAttributeNames: { '#status': 'status' },
            ExpressionAttributeValues: { ':consent': consent, ':active': 'active' },
          }),
        ),
      );
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
