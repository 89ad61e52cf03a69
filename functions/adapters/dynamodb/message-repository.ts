import { UpdateCommand } from '@aws-sdk/lib-dynamodb';
import type { MessageRepository } from '../../core/ports';
import type { PlannedMessage, StoredMessage } from '../../core/schedule/records';
import { conditionally, type Db } from './client';
import { keys } from './keys';
import { queryAll, withoutKeys } from './query';

const keyOf = (m: PlannedMessage) => keys.message(m.studyId, m.code, m.timepoint, m.kind, m.n);

/**
 * The message ledger. A message is planned (and sits in the due index), then claimed with a
 * conditional write (leaving the index) before it is sent, so two dispatchers never both send it.
 */
export function createMessageRepository(db: Db): MessageRepository {
  const TableName = db.tables.research;

  const transition = (message: StoredMessage, from: string, set: string, values: Record<string, unknown>) =>
    db.doc.send(
      new UpdateCommand({
        TableName,
        Key: keyOf(message),
        UpdateExpression: `SET ${set}`,
        ConditionExpression: '#status = :from',
        ExpressionAttributeNames: { '#status': 'status' },
        ExpressionAttributeValues: { ':from': from, ...values },
      }),
    );

  return {
    async upsertPlanned(message) {
      const key = keyOf(message);
      const due = keys.due('MESSAGE', message.sendAt, key);
      await conditionally(() =>
        db.doc.send(
          new UpdateCommand({
            TableName,
            Key: key,
            UpdateExpression:
              'SET #type = :type, studyId = :studyId, code = :code, timepoint = :timepoint, kind = :kind, n = :n, ' +
              'sendAt = :sendAt, #status = :planned, duePk = :duePk, dueSk = :dueSk',
            ConditionExpression: 'attribute_not_exists(pk) OR #status = :planned',
            ExpressionAttributeNames: { '#status': 'status', '#type': 'type' },
            ExpressionAttributeValues: {
              ':type': 'message',
              ':studyId': message.studyId,
              ':code': message.code,
              ':timepoint': message.timepoint,
              ':kind': message.kind,
              ':n': message.n,
              ':sendAt': message.sendAt,
              ':planned': 'planned',
              ':duePk': due.duePk,
              ':dueSk': due.dueSk,
            },
          }),
        ),
      );
    },

    async listForParticipant(studyId, code) {
      const items = await queryAll<Record<string, unknown>>(db, {
        TableName,
        KeyConditionExpression: 'pk = :pk AND begins_with(sk, :prefix)',
        ExpressionAttributeValues: { ':pk': keys.study(studyId).pk, ':prefix': keys.messagePrefix(code) },
        ConsistentRead: true,
      });
      return items.map((item) => withoutKeys(item) as unknown as StoredMessage);
    },

    async listDue(now, limit) {
      const due: StoredMessage[] = [];
      for (const duePk of keys.duePartitions('MESSAGE')) {
        const items = await queryAll<Record<string, unknown>>(db, {
          TableName,
          IndexName: 'due',
          KeyConditionExpression: 'duePk = :p AND dueSk <= :upTo',
          ExpressionAttributeValues: { ':p': duePk, ':upTo': keys.dueUpTo(now.toISOString()) },
          Limit: limit,
        });
        due.push(...items.map((item) => withoutKeys(item) as unknown as StoredMessage));
      }
      return due.sort((a, b) => a.sendAt.localeCompare(b.sendAt)).slice(0, limit);
    },

    async claim(message, claimant, at) {
      // The condition on sendAt makes a claim based on a stale index read (the message was re-planned meanwhile) fail.
      return conditionally(() =>
        db.doc.send(
          new UpdateCommand({
            TableName,
            Key: keyOf(message),
            UpdateExpression: 'SET #status = :claimed, claimedBy = :by, claimedAt = :at REMOVE duePk, dueSk',
            ConditionExpression: '#status = :planned AND sendAt = :sendAt',
            ExpressionAttributeNames: { '#status': 'status' },
            ExpressionAttributeValues: {
              ':claimed': 'claimed',
              ':planned': 'planned',
              ':by': claimant,
              ':at': at.toISOString(),
              ':sendAt': message.sendAt,
            },
          }),
        ),
      );
    },

    async markSent(message, providerId, at) {
      await transition(message, 'claimed', '#status = :sent, providerId = :id, sentAt = :at', {
        ':sent': 'sent',
        ':id': providerId,
        ':at': at.toISOString(),
      });
    },

    async markSkipped(message, reason, at) {
      await transition(message, 'claimed', '#status = :skipped, reason = :reason, settledAt = :at', {
        ':skipped': 'skipped',
        ':reason': reason,
        ':at': at.toISOString(),
      });
    },

    async markFailed(message, reason, at) {
      await transition(message, 'claimed', '#status = :failed, reason = :reason, settledAt = :at', {
        ':failed': 'failed',
        ':reason': reason,
        ':at': at.toISOString(),
      });
    },
  };
}
