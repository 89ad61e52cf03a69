import { GetCommand, PutCommand, QueryCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import type { AllocationRecord, AllocationRepository } from '../../core/ports';
import { conditionally, type Db } from './client';
import { keys } from './keys';
import { queryAll, queryDue, withoutKeys } from './query';

/** How long a slot may wait for its participant before the dispatcher finishes the enrolment. */
const SETTLE_AFTER_MS = 60_000;

const toRecord = (item: Record<string, unknown>): AllocationRecord => withoutKeys(item) as unknown as AllocationRecord;

/**
 * Allocation slots: one item per sequence number, created with `attribute_not_exists`, so two
 * enrolments racing for the same number cannot both win (the loser reads the new latest and
 * tries the next). A slot carries a due-index entry until its participant exists.
 */
export function createAllocationRepository(db: Db): AllocationRepository {
  const TableName = db.tables.research;
  return {
    async latest(studyId) {
      const { Items } = await db.doc.send(
        new QueryCommand({
          TableName,
          KeyConditionExpression: 'pk = :pk AND begins_with(sk, :prefix)',
          ExpressionAttributeValues: { ':pk': keys.study(studyId).pk, ':prefix': keys.allocationPrefix },
          ScanIndexForward: false,
          Limit: 1,
          ConsistentRead: true,
        }),
      );
      return Items?.[0] ? toRecord(Items[0]) : null;
    },

    async get(studyId, sequence) {
      const { Item } = await db.doc.send(new GetCommand({ TableName, Key: keys.allocation(studyId, sequence), ConsistentRead: true }));
      return Item ? toRecord(Item) : null;
    },

    async claim(record) {
      const key = keys.allocation(record.studyId, record.sequence);
      const settleAt = new Date(Date.parse(record.at) + SETTLE_AFTER_MS).toISOString();
      return conditionally(() =>
        db.doc.send(
          new PutCommand({
            TableName,
            Item: { ...key, type: 'allocation', ...record, pending: true, ...keys.due('ALLOCATED', settleAt, key) },
            ConditionExpression: 'attribute_not_exists(pk)',
          }),
        ),
      );
    },

    async settle(studyId, sequence) {
      await conditionally(() =>
        db.doc.send(
          new UpdateCommand({
            TableName,
            Key: keys.allocation(studyId, sequence),
            UpdateExpression: 'REMOVE pending, duePk, dueSk',
            ConditionExpression: 'attribute_exists(pending)',
          }),
        ),
      );
    },

    async markVoid(studyId, sequence, reason, at) {
      await conditionally(() =>
        db.doc.send(
          new UpdateCommand({
            TableName,
            Key: keys.allocation(studyId, sequence),
            UpdateExpression: 'SET #void = :void REMOVE pending, duePk, dueSk',
            ConditionExpression: 'attribute_exists(pk) AND attribute_not_exists(#void)',
            ExpressionAttributeNames: { '#void': 'void' },
            ExpressionAttributeValues: { ':void': { reason, at: at.toISOString() } },
          }),
        ),
      );
    },

    async list(studyId) {
      const items = await queryAll<Record<string, unknown>>(db, {
        TableName,
        KeyConditionExpression: 'pk = :pk AND begins_with(sk, :prefix)',
        ExpressionAttributeValues: { ':pk': keys.study(studyId).pk, ':prefix': keys.allocationPrefix },
        ConsistentRead: true,
      });
      return items.map((item) => {
        const { sealed: _sealed, pending: _pending, ...record } = toRecord(item) as AllocationRecord & { pending?: boolean };
        return record;
      });
    },

    async findByCode(studyId, code) {
      const items = await queryAll<Record<string, unknown>>(db, {
        TableName,
        KeyConditionExpression: 'pk = :pk AND begins_with(sk, :prefix)',
        FilterExpression: 'code = :code',
        ExpressionAttributeValues: { ':pk': keys.study(studyId).pk, ':prefix': keys.allocationPrefix, ':code': code },
        ConsistentRead: true,
      });
      return items[0] ? toRecord(items[0]) : null;
    },

    async listPending(now, limit) {
      return (await queryDue<Record<string, unknown>>(db, 'ALLOCATED', now, limit)).map(toRecord);
    },
  };
}
