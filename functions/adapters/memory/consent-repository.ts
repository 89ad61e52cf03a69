import { isDeepStrictEqual } from 'node:util';
import type { ConsentRecord, ConsentRepository, ConsentVersion } from '../../core/ports';
import { key, MemoryTable } from './store';

/** Consent texts and signed consents, each written once. */
export function createMemoryConsentRepository(): ConsentRepository {
  const versions = new MemoryTable<ConsentVersion>();
  const records = new MemoryTable<ConsentRecord>();
  return {
    async publishVersion(version) {
      const k = key(version.studyId, version.version);
      const existing = versions.peek(k);
      if (existing === undefined) {
        versions.set(k, version);
        return true;
      }
      // Published before: the same text again is a repeat, a different one is refused.
      return isDeepStrictEqual(existing.text, version.text);
    },
    getVersion: async (studyId, version) => versions.get(key(studyId, version)),
    async putRecord(record) {
      const k = key(record.studyId, record.code, record.version);
      const existing = records.get(k);
      if (existing !== null) return existing;
      records.set(k, record);
      return record;
    },
    getRecord: async (studyId, code, version) => records.get(key(studyId, code, version)),
    listRecords: async (studyId, code) => records.list(`${studyId}#${code}#`).sort((a, b) => a.agreedAt.localeCompare(b.agreedAt)),
  };
}
