import type { MessageRepository } from '../../core/ports';
import type { PlannedMessage, StoredMessage } from '../../core/schedule/records';
import { messageTransitions, type Transition } from '../../core/schedule/transitions';
import { audited, key, MemoryTable, pad, type MemoryAuditLog, type Stored } from './store';

const feedbackTransition = { delivered: 'deliver', bounced: 'bounce', complained: 'complain' } as const;

/** The message ledger, each change checked against the transition table exactly as the DynamoDB condition is. */
export function createMemoryMessageRepository(log: MemoryAuditLog): MessageRepository {
  const messages = new MemoryTable<StoredMessage>();
  /** Provider message id → ledger key, for delivery feedback. */
  const providers = new Map<string, string>();
  const keyOf = (m: Pick<PlannedMessage, 'studyId' | 'code' | 'timepoint' | 'kind' | 'n'>) => key(m.studyId, m.code, m.timepoint, m.kind, pad(m.n, 2));

  /** Settles a claim: only its holder may, and it leaves the due index. */
  const settle = (message: StoredMessage, claimant: string, t: Transition<string>, fields: Partial<StoredMessage>) =>
    messages.transition(keyOf(message), t, { claimant }, ({ due: _due, leaseExpiresAt: _lease, ...item }) => ({ ...item, ...fields }));

  const repository: MessageRepository = {
    async upsertPlanned(message) {
      messages.transition(keyOf(message), messageTransitions.plan, {}, ({ reason: _reason, ...item }) => ({
        ...item,
        studyId: message.studyId,
        code: message.code,
        timepoint: message.timepoint,
        kind: message.kind,
        n: message.n,
        sendAt: message.sendAt,
        notBefore: message.sendAt,
        ...(message.synthetic ? { synthetic: true } : {}),
        due: { kind: 'MESSAGE', at: message.sendAt },
      }));
    },

    async createOnce(message) {
      messages.transition(keyOf(message), messageTransitions.create, {}, () => ({ ...message, notBefore: message.sendAt, status: 'planned', due: { kind: 'MESSAGE', at: message.sendAt } }));
    },

    listForParticipant: async (studyId, code) => messages.list(`${studyId}#${code}#`),
    listForStudy: async (studyId) => messages.list(`${studyId}#`),

    async acknowledge(message, by, note, at, audit) {
      const applied = messages.transition(keyOf(message), messageTransitions.acknowledge, {}, (item) => ({
        ...item,
        acknowledgedBy: by,
        acknowledgedAt: at.toISOString(),
        ...(note ? { acknowledgementNote: note } : {}),
      }));
      return audited(log, audit, applied);
    },

    listDue: async (now, limit) => messages.due('MESSAGE', now, limit),
    listExpiredLeases: async (now, limit) => messages.due('LEASE', now, limit),

    async claim(message, claimant, at, leaseMs) {
      const leaseExpiresAt = new Date(at.getTime() + leaseMs).toISOString();
      const fresh = message.status === 'planned' || message.status === 'held';
      return messages.transition(
        keyOf(message),
        fresh ? messageTransitions.claim : messageTransitions.reclaim,
        fresh ? { readStatus: message.status, notBefore: message.notBefore ?? message.sendAt } : { leaseExpiresAt: message.leaseExpiresAt ?? '', at: at.toISOString() },
        (item) => ({ ...item, claimedBy: claimant, claimedAt: at.toISOString(), leaseExpiresAt, attempts: (item.attempts ?? 0) + 1, due: { kind: 'LEASE', at: leaseExpiresAt } }),
      );
    },

    async markSent(message, claimant, providerId, at, audit) {
      providers.set(providerId, keyOf(message));
      return audited(log, audit, settle(message, claimant, messageTransitions.send, { providerId, sentAt: at.toISOString() }));
    },

    async auditSends(sends) {
      // A change and its entry are one step in memory: each send's entry is recorded with it, and nothing is parked.
      const entries = new Map(sends.map(({ message, entry }) => [keyOf(message), entry]));
      return {
        markSent: (message, claimant, providerId, at) => repository.markSent(message, claimant, providerId, at, entries.get(keyOf(message))),
        close: async () => {},
      };
    },

    async markSkipped(message, claimant, reason, at) {
      settle(message, claimant, messageTransitions.skip, { reason, settledAt: at.toISOString() });
    },

    async markFailed(message, claimant, reason, at) {
      settle(message, claimant, messageTransitions.fail, { reason, settledAt: at.toISOString() });
    },

    async hold(message, claimant, reason, recheckAt) {
      const recheck = recheckAt.toISOString();
      messages.transition(keyOf(message), messageTransitions.hold, { claimant }, ({ leaseExpiresAt: _lease, ...item }) => ({
        ...item,
        notBefore: recheck,
        reason,
        // A hold is not a failed send: the attempt its claim counted is given back.
        heldAt: item.heldAt ?? message.claimedAt ?? recheck,
        attempts: (item.attempts ?? 0) - 1,
        due: { kind: 'MESSAGE', at: recheck },
      }));
    },

    async release(message, claimant, reason, retryAt) {
      const retry = retryAt.toISOString();
      messages.transition(keyOf(message), messageTransitions.release, { claimant }, ({ leaseExpiresAt: _lease, ...item }) => ({ ...item, notBefore: retry, reason, due: { kind: 'MESSAGE', at: retry } }));
    },

    async cancel(message, reason, at) {
      messages.transition(keyOf(message), messageTransitions.cancel, {}, ({ due: _due, ...item }) => ({ ...item, reason, settledAt: at.toISOString() }));
    },

    async recordFeedback(providerId, status, detail, at) {
      const k = providers.get(providerId);
      if (k === undefined) return null;
      messages.transition(k, messageTransitions[feedbackTransition[status]], {}, (item) => ({ ...item, feedback: detail, feedbackAt: at.toISOString() }));
      return messages.get(k);
    },
  };
  return repository;
}
