import type { AuditEntry } from '../../core/audit';
import type { AuditOutbox } from '../../core/ports';
import { key, MemoryTable, type MemoryAuditLog } from './store';

/** Append-only, once per entry (its key holds its id), listed in time order per scope. */
export function createMemoryAuditLog(): MemoryAuditLog {
  const entries = new MemoryTable<AuditEntry>();
  const record = (entry: AuditEntry) => {
    const k = key(entry.scope, entry.at, entry.id);
    if (entries.peek(k) === undefined) entries.set(k, entry);
  };
  return {
    record,
    async append(entry) {
      record(entry);
    },
    async list(scope) {
      return entries.list(`${scope}#`);
    },
  };
}

/** Nothing is ever parked in memory (an audited change and its entry are one step): nothing to recover. */
export const memoryAuditOutbox: AuditOutbox = {
  async recover() {
    return 0;
  },
};
