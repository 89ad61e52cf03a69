import type { AuditEntry } from '../core/audit';
import type { Deps } from './deps';

/**
 * Appends an audit entry stamped with a fresh id and the current time, or with the given `id` and
 * `at` for an event that happens once (a retried request then records it once, not twice).
 */
export async function recordAudit(
  deps: Pick<Deps, 'audit' | 'clock' | 'secrets'>,
  entry: Omit<AuditEntry, 'id' | 'at'>,
  once?: Pick<AuditEntry, 'id' | 'at'>,
): Promise<void> {
  await deps.audit.append({ ...entry, id: once?.id ?? deps.secrets.id(), at: once?.at ?? deps.clock.now().toISOString() });
}
