import { conflict } from '../../core/errors';
import type { ParticipantRepository } from '../../core/ports';
import type { Participant } from '../../core/study/study';
import { audited, key, MemoryTable, pages, type MemoryAuditLog, type Stored } from './store';

/** As stored: the participant without its revision, which is `rev`, and the pending plan request. */
type Item = Omit<Participant, 'revision'> & { rev: number; planRequestedAt?: string };

const toParticipant = ({ rev, planRequestedAt: _p, ...participant }: Item): Participant => ({ ...participant, revision: rev });
const code = (n: number) => `P-${String(n).padStart(4, '0')}`;

export function createMemoryParticipantRepository(log: MemoryAuditLog): ParticipantRepository {
  const participants = new MemoryTable<Item>();
  const counters = new Map<string, number>();
  const requestPlan = (item: Stored<Item>, at: string): Stored<Item> => ({ ...item, planRequestedAt: at, due: { kind: 'PLAN', at } });
  const existing = (studyId: string, c: string) => participants.peek(key(studyId, c));
  const take = (studyId: string, count: number) => {
    const last = (counters.get(studyId) ?? 0) + count;
    counters.set(studyId, last);
    return Array.from({ length: count }, (_, i) => code(last - count + 1 + i));
  };

  return {
    async get(studyId, c) {
      const item = participants.get(key(studyId, c));
      return item === null ? null : toParticipant(item);
    },

    allocateCode: async (studyId) => take(studyId, 1)[0]!,
    allocateCodes: async (studyId, count) => (Number.isInteger(count) && count >= 1 ? take(studyId, count) : []),

    async getMany(studyId, codes) {
      const found = codes.map((c) => participants.get(key(studyId, c))).filter((item): item is Item => item !== null);
      return new Map(found.map((item) => [item.code, toParticipant(item)]));
    },

    async create(participant, audit) {
      const k = key(participant.studyId, participant.code);
      if (participants.peek(k) !== undefined) throw conflict(`participant code ${participant.code} is already in use in this study`, 'code');
      const { revision: _r, linkEpoch: _l, ...fields } = participant;
      participants.set(k, requestPlan({ ...fields, rev: 1 }, participant.enrolledAt));
      audited(log, audit, true);
    },

    async update(expected, next, at, options = {}) {
      const item = existing(expected.studyId, expected.code);
      // Optimistic: only if nothing changed since `expected` was read (every change raises rev).
      const applied = item !== undefined && expected.revision !== undefined && item.rev === expected.revision;
      if (applied) {
        participants.set(
          key(expected.studyId, expected.code),
          requestPlan(
            {
              ...item,
              arm: next.arm,
              timezone: next.timezone,
              status: next.status,
              protocolVersion: next.protocolVersion,
              dates: next.dates,
              language: next.language ?? 'en',
              rev: item.rev + 1,
              ...(next.withdrawal ? { withdrawal: next.withdrawal } : {}),
              ...(options.revokeLinks ? { linkEpoch: (item.linkEpoch ?? 0) + 1 } : {}),
            },
            at.toISOString(),
          ),
        );
      }
      return audited(log, options.audit, applied);
    },

    async revokeLinks(studyId, c, at, audit) {
      const item = existing(studyId, c);
      if (item === undefined) throw conflict(`participant ${c} no longer exists`);
      participants.set(key(studyId, c), requestPlan({ ...item, linkEpoch: (item.linkEpoch ?? 0) + 1 }, at.toISOString()));
      audited(log, audit, true);
    },

    async list(studyId) {
      return participants.list(`${studyId}#`).map(toParticipant);
    },

    pagesForStudy: (studyId, options) => pages(participants.list(`${studyId}#`).map(toParticipant), options?.pageSize),

    async requestPlan(studyId, c, at) {
      const item = existing(studyId, c);
      if (item !== undefined) participants.set(key(studyId, c), requestPlan(item, at.toISOString()));
    },

    async markContactErased(studyId, c, at, audit) {
      const item = existing(studyId, c);
      if (item === undefined) throw conflict(`participant ${c} no longer exists`);
      const earlier = item.contactErasedAt;
      const erasedAt = earlier ?? at.toISOString();
      participants.set(key(studyId, c), requestPlan({ ...item, contactErasedAt: erasedAt, linkEpoch: (item.linkEpoch ?? 0) + 1, rev: item.rev + 1 }, at.toISOString()));
      audited(log, audit, true);
      return { erasedAt, first: earlier === undefined };
    },

    async listPlanRequests(now, limit) {
      return participants.due('PLAN', now, limit).map((item) => ({ studyId: item.studyId, code: item.code, requestedAt: item.planRequestedAt! }));
    },

    async clearPlanRequest(studyId, c, requestedAt) {
      const item = existing(studyId, c);
      if (item === undefined || item.planRequestedAt !== requestedAt) return;
      const { planRequestedAt: _p, due: _d, ...rest } = item;
      participants.set(key(studyId, c), rest);
    },

    async recordConsent(studyId, c, consent) {
      const item = existing(studyId, c);
      if (item === undefined || item.status !== 'active') return false;
      participants.set(key(studyId, c), { ...item, consent });
      return true;
    },
  };
}
