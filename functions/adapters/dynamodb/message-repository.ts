import { GetCommand, PutCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import type { MessageRepository } from '../../core/ports';
import type { PlannedMessage, StoredMessage } from '../../core/schedule/records';
import type { AuditEntry } from '../../core/audit';
import { auditedWrite, type AuditMark } from './audited-write';
import { conditionally, type Db } from './client';
import { keys } from './keys';
import { queryAll, queryDue, withoutKeys } from './query';

const keyOf = (m: Pick<PlannedMessage, 'studyId' | 'code' | 'timepoint' | 'kind' | 'n'>) => keys.message(m.studyId, m.code, m.timepoint, m.kind, m.n);
const toMessage = (item: Record<string, unknown>) => withoutKeys(item) as unknown as StoredMessage & { notBefore?: string };

/**
 * The message ledger. A planned message waits in the due index until its time; a dispatcher
 * claims it with a conditional write (moving it to the lease queue) before anything is sent,
 * so two dispatchers never both send it, and a dispatcher that dies mid-send is noticed when
 * its lease runs out.
 */
export function createMessageRepository(db: Db): MessageRepository {
  const TableName = db.tables.research;

  /** A state change allowed only from `from` (and, for claims, only to their holder). */
  const settle = (message: StoredMessage, claimant: string, set: string, values: Record<string, unknown>, audit?: AuditEntry) =>
    auditedWrite(db, audit, { table: 'research', key: keyOf(message) }, (mark: AuditMark) =>
      conditionally(() =>
        db.doc.send(
          new UpdateCommand({
            TableName,
            Key: keyOf(message),
            UpdateExpression: `SET ${set} REMOVE duePk, dueSk, leaseExpiresAt${mark.add ? ` ADD ${mark.add}` : ''}`,
            ConditionExpression: '#status = :claimed AND claimedBy = :me',
            ExpressionAttributeNames: { '#status': 'status' },
            ExpressionAttributeValues: { ':claimed': 'claimed', ':me': claimant, ...values, ...mark.values },
          }),
        ),
      ),
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
              'sendAt = :sendAt, notBefore = :sendAt, #status = :planned, duePk = :duePk, dueSk = :dueSk' +
              (message.synthetic ? ', synthetic = :synthetic' : '') +
              ' REMOVE reason',
            // A cancelled message comes back if a later plan wants it again (e.g. an arm changed back); a
            // held one moves like a planned one (it is checked again when due).
            ConditionExpression: 'attribute_not_exists(pk) OR #status IN (:planned, :cancelled, :held)',
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
              ':cancelled': 'cancelled',
              ':held': 'held',
              ':duePk': due.duePk,
              ':dueSk': due.dueSk,
              ...(message.synthetic ? { ':synthetic': true } : {}),
            },
          }),
        ),
      );
    },

    async createOnce(message) {
      const key = keyOf(message);
      await conditionally(() =>
        db.doc.send(
          new PutCommand({
            TableName,
            Item: { ...key, type: 'message', ...message, notBefore: message.sendAt, status: 'planned', ...keys.due('MESSAGE', message.sendAt, key) },
            ConditionExpression: 'attribute_not_exists(pk)',
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
      return items.map(toMessage);
    },

    async listForStudy(studyId) {
      const items = await queryAll<Record<string, unknown>>(db, {
        TableName,
        KeyConditionExpression: 'pk = :pk AND begins_with(sk, :prefix)',
        ExpressionAttributeValues: { ':pk': keys.study(studyId).pk, ':prefix': 'MESSAGE#' },
      });
      return items.map(toMessage);
    },

    async acknowledge(message, by, note, at, audit) {
      return auditedWrite(db, audit, { table: 'research', key: keyOf(message) }, (mark) =>
        conditionally(() =>
          db.doc.send(
            new UpdateCommand({
              TableName,
              Key: keyOf(message),
              UpdateExpression: 'SET acknowledgedBy = :by, acknowledgedAt = :at' + (note ? ', acknowledgementNote = :note' : '') + (mark.add ? ` ADD ${mark.add}` : ''),
              ConditionExpression: 'kind = :alert AND attribute_not_exists(acknowledgedAt)',
              ExpressionAttributeValues: { ':by': by, ':at': at.toISOString(), ':alert': 'alert', ...(note ? { ':note': note } : {}), ...mark.values },
            }),
          ),
        ),
      );
    },

    async listDue(now, limit) {
      return (await queryDue<Record<string, unknown>>(db, 'MESSAGE', now, limit)).map(toMessage);
    },

    async listExpiredLeases(now, limit) {
      return (await queryDue<Record<string, unknown>>(db, 'LEASE', now, limit)).map(toMessage);
    },

    async claim(message, claimant, at, leaseMs) {
      const key = keyOf(message);
      const leaseExpiresAt = new Date(at.getTime() + leaseMs).toISOString();
      const lease = keys.due('LEASE', leaseExpiresAt, key);
      // Conditioned on exactly the state that was read, so a stale index read (re-planned, claimed
      // by someone else, settled) can never lead to a claim.
      const fresh = message.status === 'planned' || message.status === 'held';
      const claimed = await conditionally(() =>
        db.doc.send(
          new UpdateCommand({
            TableName,
            Key: key,
            UpdateExpression:
              'SET #status = :claimed, claimedBy = :by, claimedAt = :at, leaseExpiresAt = :lease, duePk = :duePk, dueSk = :dueSk, ' +
              'attempts = if_not_exists(attempts, :zero) + :one',
            ConditionExpression: fresh
              ? '#status = :waiting AND notBefore = :notBefore'
              : '#status = :claimed AND leaseExpiresAt = :oldLease AND leaseExpiresAt <= :atIso',
            ExpressionAttributeNames: { '#status': 'status' },
            ExpressionAttributeValues: {
              ':claimed': 'claimed',
              ':by': claimant,
              ':at': at.toISOString(),
              ':lease': leaseExpiresAt,
              ':duePk': lease.duePk,
              ':dueSk': lease.dueSk,
              ':zero': 0,
              ':one': 1,
              ...(fresh
                ? { ':waiting': message.status, ':notBefore': (message as { notBefore?: string }).notBefore ?? message.sendAt }
                : { ':oldLease': message.leaseExpiresAt ?? '', ':atIso': at.toISOString() }),
            },
          }),
        ),
      );
      if (claimed) return true;
      // The SDK repeats a write whose answer was lost; the repeat then fails on our own claim. Ours is ours.
      const { Item } = await db.doc.send(new GetCommand({ TableName, Key: key, ConsistentRead: true }));
      return Item?.status === 'claimed' && Item.claimedBy === claimant && Item.claimedAt === at.toISOString();
    },

    async markSent(message, claimant, providerId, at, audit) {
      // The provider id is indexed first: feedback may arrive before the ledger write below.
      await db.doc.send(
        new PutCommand({
          TableName,
          Item: { ...keys.providerMessage(providerId), type: 'provider-message', message: keyOf(message), at: at.toISOString() },
        }),
      );
      return settle(message, claimant, '#status = :sent, providerId = :id, sentAt = :at', { ':sent': 'sent', ':id': providerId, ':at': at.toISOString() }, audit);
    },

    async markSkipped(message, claimant, reason, at) {
      await settle(message, claimant, '#status = :skipped, reason = :reason, settledAt = :at', { ':skipped': 'skipped', ':reason': reason, ':at': at.toISOString() });
    },

    async markFailed(message, claimant, reason, at) {
      await settle(message, claimant, '#status = :failed, reason = :reason, settledAt = :at', { ':failed': 'failed', ':reason': reason, ':at': at.toISOString() });
    },

    async hold(message, claimant, reason, recheckAt) {
      const key = keyOf(message);
      const due = keys.due('MESSAGE', recheckAt.toISOString(), key);
      await conditionally(() =>
        db.doc.send(
          new UpdateCommand({
            TableName,
            Key: key,
            UpdateExpression:
              // A hold is not a failed send: the attempt its claim counted is given back.
              'SET #status = :held, notBefore = :recheck, reason = :reason, heldAt = if_not_exists(heldAt, :now), attempts = attempts - :one, ' +
              'duePk = :duePk, dueSk = :dueSk REMOVE leaseExpiresAt',
            ConditionExpression: '#status = :claimed AND claimedBy = :me',
            ExpressionAttributeNames: { '#status': 'status' },
            ExpressionAttributeValues: {
              ':held': 'held',
              ':claimed': 'claimed',
              ':me': claimant,
              ':recheck': recheckAt.toISOString(),
              ':reason': reason,
              ':one': 1,
              ':now': message.claimedAt ?? recheckAt.toISOString(),
              ':duePk': due.duePk,
              ':dueSk': due.dueSk,
            },
          }),
        ),
      );
    },

    async release(message, claimant, reason, retryAt) {
      const key = keyOf(message);
      const due = keys.due('MESSAGE', retryAt.toISOString(), key);
      await conditionally(() =>
        db.doc.send(
          new UpdateCommand({
            TableName,
            Key: key,
            UpdateExpression: 'SET #status = :planned, notBefore = :retry, reason = :reason, duePk = :duePk, dueSk = :dueSk REMOVE leaseExpiresAt',
            ConditionExpression: '#status = :claimed AND claimedBy = :me',
            ExpressionAttributeNames: { '#status': 'status' },
            ExpressionAttributeValues: {
              ':planned': 'planned',
              ':claimed': 'claimed',
              ':me': claimant,
              ':retry': retryAt.toISOString(),
              ':reason': reason,
              ':duePk': due.duePk,
              ':dueSk': due.dueSk,
            },
          }),
        ),
      );
    },

    async cancel(message, reason, at) {
      await conditionally(() =>
        db.doc.send(
          new UpdateCommand({
            TableName,
            Key: keyOf(message),
            UpdateExpression: 'SET #status = :cancelled, reason = :reason, settledAt = :at REMOVE duePk, dueSk',
            ConditionExpression: '#status IN (:planned, :held)',
            ExpressionAttributeNames: { '#status': 'status' },
            ExpressionAttributeValues: { ':cancelled': 'cancelled', ':planned': 'planned', ':held': 'held', ':reason': reason, ':at': at.toISOString() },
          }),
        ),
      );
    },

    async recordFeedback(providerId, status, detail, at) {
      const { Item: link } = await db.doc.send(new GetCommand({ TableName, Key: keys.providerMessage(providerId) }));
      if (!link) return null;
      // Delivery never overwrites a bounce or complaint; a complaint may follow a delivery.
      const from = status === 'delivered' ? [':sent'] : [':sent', ':delivered'];
      let updated: StoredMessage | null = null;
      await conditionally(async () => {
        const { Attributes } = await db.doc.send(
          new UpdateCommand({
            TableName,
            Key: link.message as { pk: string; sk: string },
            UpdateExpression: 'SET #status = :status, feedback = :detail, feedbackAt = :at',
            ConditionExpression: `#status IN (${from.join(', ')})`,
            ExpressionAttributeNames: { '#status': 'status' },
            ExpressionAttributeValues: { ':status': status, ':detail': detail, ':at': at.toISOString(), ':sent': 'sent', ...(from.length > 1 ? { ':delivered': 'delivered' } : {}) },
            ReturnValues: 'ALL_NEW',
          }),
        );
        updated = Attributes ? toMessage(Attributes) : null;
      });
      if (updated) return updated;
      const { Item } = await db.doc.send(new GetCommand({ TableName, Key: link.message as { pk: string; sk: string }, ConsistentRead: true }));
      return Item ? toMessage(Item) : null;
    },
  };
}
