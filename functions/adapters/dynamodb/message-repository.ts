import { GetCommand, PutCommand } from '@aws-sdk/lib-dynamodb';
import type { MessageRepository } from '../../core/ports';
import type { PlannedMessage, StoredMessage } from '../../core/schedule/records';
import type { AuditEntry } from '../../core/audit';
import { auditedWrite, openAuditBatch, type AuditMark } from './audited-write';
import { messageTransitions, type Transition } from '../../core/schedule/transitions';
import { conditionally, type Db } from './client';
import { conditionOf, writeTransition } from './transition-write';
import { keys } from './keys';
import { queryAll, queryDue, withoutKeys } from './query';

const keyOf = (m: Pick<PlannedMessage, 'studyId' | 'code' | 'timepoint' | 'kind' | 'n'>) => keys.message(m.studyId, m.code, m.timepoint, m.kind, m.n);
const toMessage = (item: Record<string, unknown>) => withoutKeys(item) as unknown as StoredMessage;
const feedbackTransition = { delivered: 'deliver', bounced: 'bounce', complained: 'complain' } as const;

/**
 * The message ledger. A planned message waits in the due index until its time; a dispatcher
 * claims it with a conditional write (moving it to the lease queue) before anything is sent,
 * so two dispatchers never both send it, and a dispatcher that dies mid-send is noticed when
 * its lease runs out.
 */
export function createMessageRepository(db: Db): MessageRepository {
  const TableName = db.tables.research;

  /** The write that settles a claim (sent, skipped, failed): only its holder may, and it leaves the due index. */
  const settleWrite = (message: StoredMessage, claimant: string, transition: Transition<string>, set: string[], values: Record<string, unknown>) => (mark: AuditMark) =>
    writeTransition(db, {
      table: TableName,
      key: keyOf(message),
      transition,
      params: { claimant },
      set,
      remove: ['duePk', 'dueSk', 'leaseExpiresAt'],
      add: [mark.add],
      values: { ...values, ...mark.values },
    });
  const settle = (message: StoredMessage, claimant: string, transition: Transition<string>, set: string[], values: Record<string, unknown>, audit?: AuditEntry) =>
    auditedWrite(db, audit, { table: 'research', key: keyOf(message) }, settleWrite(message, claimant, transition, set, values));
  /** The provider id is indexed first: feedback may arrive before the ledger write that records the send. */
  const indexProviderId = (message: StoredMessage, providerId: string, at: Date) =>
    db.doc.send(new PutCommand({ TableName, Item: { ...keys.providerMessage(providerId), type: 'provider-message', message: keyOf(message), at: at.toISOString() } }));
  const sentWrite = (message: StoredMessage, claimant: string, providerId: string, at: Date) =>
    settleWrite(message, claimant, messageTransitions.send, ['providerId = :id', 'sentAt = :at'], { ':id': providerId, ':at': at.toISOString() });
  const messageId = (m: StoredMessage) => keyOf(m).sk + '\u0000' + m.studyId;

  return {
    async upsertPlanned(message) {
      const key = keyOf(message);
      const due = keys.due('MESSAGE', message.sendAt, key);
      await writeTransition(db, {
        table: TableName,
        key,
        transition: messageTransitions.plan,
        set: [
          '#type = :type', 'studyId = :studyId', 'code = :code', 'timepoint = :timepoint', 'kind = :kind', 'n = :n',
          'sendAt = :sendAt', 'notBefore = :sendAt', 'duePk = :duePk', 'dueSk = :dueSk', ...(message.synthetic ? ['synthetic = :synthetic'] : []),
        ],
        remove: ['reason'],
        names: { '#type': 'type' },
        values: {
          ':type': 'message',
          ':studyId': message.studyId,
          ':code': message.code,
          ':timepoint': message.timepoint,
          ':kind': message.kind,
          ':n': message.n,
          ':sendAt': message.sendAt,
          ':duePk': due.duePk,
          ':dueSk': due.dueSk,
          ...(message.synthetic ? { ':synthetic': true } : {}),
        },
      });
    },

    async createOnce(message) {
      const key = keyOf(message);
      await conditionally(() =>
        db.doc.send(
          new PutCommand({
            TableName,
            Item: { ...key, type: 'message', ...message, notBefore: message.sendAt, status: 'planned', ...keys.due('MESSAGE', message.sendAt, key) },
            ConditionExpression: conditionOf(messageTransitions.create, {}).expression,
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
        writeTransition(db, {
          table: TableName,
          key: keyOf(message),
          transition: messageTransitions.acknowledge,
          set: ['acknowledgedBy = :by', 'acknowledgedAt = :at', ...(note ? ['acknowledgementNote = :note'] : [])],
          add: [mark.add],
          values: { ':by': by, ':at': at.toISOString(), ...(note ? { ':note': note } : {}), ...mark.values },
        }),
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
      // Conditioned on exactly the state that was read (messageTransitions.claim / reclaim).
      const fresh = message.status === 'planned' || message.status === 'held';
      const claimed = await writeTransition(db, {
        table: TableName,
        key,
        transition: fresh ? messageTransitions.claim : messageTransitions.reclaim,
        params: fresh
          ? { readStatus: message.status, notBefore: message.notBefore ?? message.sendAt }
          : { leaseExpiresAt: message.leaseExpiresAt ?? '', at: at.toISOString() },
        set: ['claimedBy = :by', 'claimedAt = :at', 'leaseExpiresAt = :lease', 'duePk = :duePk', 'dueSk = :dueSk', 'attempts = if_not_exists(attempts, :zero) + :one'],
        values: { ':by': claimant, ':at': at.toISOString(), ':lease': leaseExpiresAt, ':duePk': lease.duePk, ':dueSk': lease.dueSk, ':zero': 0, ':one': 1 },
      });
      if (claimed) return true;
      // The SDK repeats a write whose answer was lost; the repeat then fails on our own claim. Ours is ours.
      const { Item } = await db.doc.send(new GetCommand({ TableName, Key: key, ConsistentRead: true }));
      return Item?.status === 'claimed' && Item.claimedBy === claimant && Item.claimedAt === at.toISOString();
    },

    async markSent(message, claimant, providerId, at, audit) {
      await indexProviderId(message, providerId, at);
      return auditedWrite(db, audit, { table: 'research', key: keyOf(message) }, sentWrite(message, claimant, providerId, at));
    },

    async auditSends(sends) {
      const batch = await openAuditBatch(db, sends.map(({ message, entry }) => ({ entry, target: { table: 'research' as const, key: keyOf(message) } })));
      const entries = new Map(sends.map(({ message, entry }) => [messageId(message), entry]));
      return {
        async markSent(message, claimant, providerId, at) {
          await indexProviderId(message, providerId, at);
          const entry = entries.get(messageId(message));
          const write = sentWrite(message, claimant, providerId, at);
          return entry === undefined ? write({ add: null, values: {}, item: {} }) : batch.write(entry, { table: 'research', key: keyOf(message) }, write);
        },
        close: () => batch.close(),
      };
    },

    async markSkipped(message, claimant, reason, at) {
      await settle(message, claimant, messageTransitions.skip, ['reason = :reason', 'settledAt = :at'], { ':reason': reason, ':at': at.toISOString() });
    },

    async markFailed(message, claimant, reason, at) {
      await settle(message, claimant, messageTransitions.fail, ['reason = :reason', 'settledAt = :at'], { ':reason': reason, ':at': at.toISOString() });
    },

    async hold(message, claimant, reason, recheckAt) {
      const key = keyOf(message);
      const due = keys.due('MESSAGE', recheckAt.toISOString(), key);
      await writeTransition(db, {
        table: TableName,
        key,
        transition: messageTransitions.hold,
        params: { claimant },
        // A hold is not a failed send: the attempt its claim counted is given back.
        set: ['notBefore = :recheck', 'reason = :reason', 'heldAt = if_not_exists(heldAt, :now)', 'attempts = attempts - :one', 'duePk = :duePk', 'dueSk = :dueSk'],
        remove: ['leaseExpiresAt'],
        values: {
          ':recheck': recheckAt.toISOString(),
          ':reason': reason,
          ':one': 1,
          ':now': message.claimedAt ?? recheckAt.toISOString(),
          ':duePk': due.duePk,
          ':dueSk': due.dueSk,
        },
      });
    },

    async release(message, claimant, reason, retryAt) {
      const key = keyOf(message);
      const due = keys.due('MESSAGE', retryAt.toISOString(), key);
      await writeTransition(db, {
        table: TableName,
        key,
        transition: messageTransitions.release,
        params: { claimant },
        set: ['notBefore = :retry', 'reason = :reason', 'duePk = :duePk', 'dueSk = :dueSk'],
        remove: ['leaseExpiresAt'],
        values: { ':retry': retryAt.toISOString(), ':reason': reason, ':duePk': due.duePk, ':dueSk': due.dueSk },
      });
    },

    async cancel(message, reason, at) {
      await writeTransition(db, {
        table: TableName,
        key: keyOf(message),
        transition: messageTransitions.cancel,
        set: ['reason = :reason', 'settledAt = :at'],
        remove: ['duePk', 'dueSk'],
        values: { ':reason': reason, ':at': at.toISOString() },
      });
    },

    async recordFeedback(providerId, status, detail, at) {
      const { Item: link } = await db.doc.send(new GetCommand({ TableName, Key: keys.providerMessage(providerId) }));
      if (!link) return null;
      let updated: StoredMessage | null = null;
      await writeTransition(
        db,
        {
          table: TableName,
          key: link.message as { pk: string; sk: string },
          transition: messageTransitions[feedbackTransition[status]],
          set: ['feedback = :detail', 'feedbackAt = :at'],
          values: { ':detail': detail, ':at': at.toISOString() },
          returnValues: 'ALL_NEW',
        },
        (attributes) => {
          updated = attributes ? toMessage(attributes) : null;
        },
      );
      if (updated) return updated;
      const { Item } = await db.doc.send(new GetCommand({ TableName, Key: link.message as { pk: string; sk: string }, ConsistentRead: true }));
      return Item ? toMessage(Item) : null;
    },
  };
}
