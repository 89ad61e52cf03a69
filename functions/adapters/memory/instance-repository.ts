import type { InstanceRepository } from '../../core/ports';
import type { Instance } from '../../core/schedule/records';
import { instanceTransitions } from '../../core/schedule/transitions';
import { audited, key, MemoryTable, pages, type MemoryAuditLog, type Stored } from './store';

/** Instances, each change checked against the transition table exactly as the DynamoDB condition is. */
export function createMemoryInstanceRepository(log: MemoryAuditLog): InstanceRepository {
  const instances = new MemoryTable<Instance>();
  const keyOf = (i: Pick<Instance, 'studyId' | 'code' | 'timepoint'>) => key(i.studyId, i.code, i.timepoint);

  return {
    get: async (studyId, code, timepoint) => instances.get(key(studyId, code, timepoint)),
    listForStudy: async (studyId) => instances.list(`${studyId}#`),
    listForParticipant: async (studyId, code) => instances.list(`${studyId}#${code}#`),

    pagesForStudy: (studyId, options) => pages(instances.list(`${studyId}#`), options?.pageSize),

    async upsertPlanned(instance) {
      instances.transition(keyOf(instance), instanceTransitions.plan, {}, (item) => ({
        ...item,
        studyId: instance.studyId,
        code: instance.code,
        timepoint: instance.timepoint,
        arm: instance.arm,
        dueAt: instance.dueAt,
        opensAt: instance.opensAt,
        closesAt: instance.closesAt,
        instruments: instance.instruments,
        status: item.status ?? 'scheduled',
        ...(instance.synthetic ? { synthetic: true } : {}),
        due: { kind: 'EXPIRE', at: instance.closesAt },
      }));
    },

    async markOpened(studyId, code, timepoint, at) {
      instances.transition(key(studyId, code, timepoint), instanceTransitions.open, {}, (item) => ({ ...item, openedAt: at.toISOString() }));
    },

    async saveProgress(instance, answers, at, expectedRevision, linkEpoch, audit) {
      const applied = instances.transition(keyOf(instance), instanceTransitions.saveProgress, { linkEpoch, expectedRevision }, (item) => ({
        ...item,
        answers,
        savedAt: at.toISOString(),
        progressRevision: expectedRevision + 1,
      }));
      return audited(log, audit, applied);
    },

    async complete(studyId, code, timepoint, result, linkEpoch) {
      return instances.transition(key(studyId, code, timepoint), instanceTransitions.complete, { linkEpoch }, (item) => ({
        ...item,
        answers: result.answers,
        scores: result.scores,
        completedAt: result.completedAt,
        due: { kind: 'DONE', at: result.completedAt! },
      }));
    },

    async revokeLinks(instance, epoch) {
      instances.transition(keyOf(instance), instanceTransitions.revokeLinks, { epoch }, (item) => ({ ...item, linkEpoch: epoch }));
    },

    listPendingCompletions: async (now, limit) => instances.due('DONE', now, limit),

    async clearPendingCompletion(instance) {
      instances.transition(keyOf(instance), instanceTransitions.clearCompletion, {}, ({ due: _due, ...item }) => item);
    },

    listDueExpiries: async (now, limit) => instances.due('EXPIRE', now, limit),

    async end(instance, status, reason, at, audit) {
      const t = status === 'expired' ? instanceTransitions.expire : instanceTransitions.cancel;
      const applied = instances.transition(keyOf(instance), t, {}, ({ due: _due, ...item }) => ({ ...item, endedAt: at.toISOString(), endReason: reason }));
      return audited(log, audit, applied);
    },

    async postponeExpiry(instance, until) {
      instances.transition(keyOf(instance), instanceTransitions.postponeExpiry, {}, (item) => ({ ...item, due: { kind: 'EXPIRE', at: until } }));
    },
  };
}
