import type { AuditEntry } from '../core/audit';
import type { Deps } from './deps';

/** Appends an audit entry stamped with a fresh id and the current time. */
export async function recordAudit(
  deps: Pick<Deps, 'audit' | 'clock' | 'secrets'>,
  entry: Omit<AuditEntry, 'id' | 'at'>,
): Promise<void> {
  await deps.audit.append({ ...entry, id: deps.secrets.id(), at: deps.clock.now().toISOString() });
}
