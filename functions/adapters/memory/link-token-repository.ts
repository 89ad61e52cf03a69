import type { LinkTokenRepository } from '../../core/ports';
import { conditionFailed, MemoryTable } from './store';

/** Participant and unsubscribe links, by token hash, each written once. */
export function createMemoryLinkTokenRepository(): LinkTokenRepository {
  const links = new MemoryTable<{ studyId: string; code: string; timepoint: string; epoch?: number }>();
  const unsubscribes = new MemoryTable<{ studyId: string; code: string; epoch?: number }>();
  return {
    async put(hash, { studyId, code, timepoint, epoch }) {
      if (links.peek(hash) !== undefined) throw conditionFailed('the link exists');
      links.set(hash, { studyId, code, timepoint, epoch });
    },
    async putMany(pairs) {
      for (const { hash, link, unsubscribeHash, unsubscribe } of pairs) {
        links.set(hash, { studyId: link.studyId, code: link.code, timepoint: link.timepoint, epoch: link.epoch });
        unsubscribes.set(unsubscribeHash, { studyId: unsubscribe.studyId, code: unsubscribe.code, epoch: unsubscribe.epoch });
      }
    },
    async get(hash) {
      const link = links.get(hash);
      // Links minted before generations existed belong to generation 0.
      return link === null ? null : { studyId: link.studyId, code: link.code, timepoint: link.timepoint, epoch: link.epoch ?? 0 };
    },
    async putUnsubscribe(hash, { studyId, code, epoch }) {
      if (unsubscribes.peek(hash) !== undefined) throw conditionFailed('the unsubscribe link exists');
      unsubscribes.set(hash, { studyId, code, epoch });
    },
    async getUnsubscribe(hash) {
      const target = unsubscribes.get(hash);
      return target === null ? null : { studyId: target.studyId, code: target.code, epoch: target.epoch ?? 0 };
    },
  };
}
