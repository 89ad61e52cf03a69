import type { StudyRepository } from '../../core/ports';
import type { Protocol, Study } from '../../core/study/study';
import { audited, copy, key, MemoryTable, pad, type MemoryAuditLog } from './store';

/** Studies with their revision, and each published protocol version, written once. */
export function createMemoryStudyRepository(log: MemoryAuditLog): StudyRepository {
  const studies = new MemoryTable<{ study: Study; rev: number }>();
  const protocols = new MemoryTable<{ protocol: Protocol; publishedAt: string }>();
  const protocolKey = (studyId: string, version: number) => key(studyId, pad(version, 4));

  /** Only ever forward, like the DynamoDB adapter's `advance`. */
  const advance = (studyId: string, protocol: Protocol) => {
    const stored = studies.peek(studyId);
    if (stored === undefined || stored.study.protocol.version >= protocol.version) return;
    studies.set(studyId, { study: { ...stored.study, protocol }, rev: stored.rev + 1 });
  };
  const putVersion = (studyId: string, protocol: Protocol, at: string): boolean => {
    if (protocols.peek(protocolKey(studyId, protocol.version)) !== undefined) return false;
    protocols.set(protocolKey(studyId, protocol.version), { protocol, publishedAt: at });
    return true;
  };
  const read = async (studyId: string) => {
    const stored = studies.get(studyId);
    return stored === null ? null : { study: stored.study, revision: stored.rev };
  };

  return {
    read,
    get: async (studyId) => (await read(studyId))?.study ?? null,

    async createIfAbsent(study, audit) {
      const created = studies.peek(study.id) === undefined;
      if (created) studies.set(study.id, { study, rev: 1 });
      audited(log, audit, created);
      putVersion(study.id, study.protocol, new Date(0).toISOString());
      return created;
    },

    async getProtocol(studyId, version) {
      const stored = protocols.get(protocolKey(studyId, version));
      if (stored) return stored.protocol;
      const study = studies.get(studyId)?.study;
      return study?.protocol.version === version ? study.protocol : null;
    },

    async publishProtocol(studyId, protocol, at, audit) {
      if (!audited(log, audit, putVersion(studyId, protocol, at.toISOString()))) {
        // Taken: the stored version is the published one; a study left behind it moves on to it.
        advance(studyId, protocols.peek(protocolKey(studyId, protocol.version))!.protocol);
        return false;
      }
      advance(studyId, protocol);
      return true;
    },

    async updateSettings(study, revision, audit) {
      const stored = studies.peek(study.id);
      const applied = stored !== undefined && stored.rev === revision;
      if (applied) studies.set(study.id, { study: copy(study), rev: revision + 1 });
      return audited(log, audit, applied);
    },

    async list() {
      return studies.list().map((s) => s.study);
    },
  };
}
