import type { AuditEntry } from '../core/audit';
import type { Deps } from './deps';

/**
 * An audit entry stamped with a fresh id and the current time, or with the given `id` and `at`
 * for an event that happens once (a retried request then records it once, not twice). Pass it to
 * the repository write that makes the change, so the two happen as one (see ports.AuditedChange).
 */
export function auditEntry(
  deps: Pick<Deps, 'clock' | 'secrets'>,
  entry: Omit<AuditEntry, 'id' | 'at'>,
  once?: Pick<AuditEntry, 'id' | 'at'>,
): AuditEntry {
  return { ...entry, id: once?.id ?? deps.secrets.id(), at: once?.at ?? deps.clock.now().toISOString() };
}

/**
 * Appends an audit entry on its own: for what changes no record (an export, a sign-in) and for
 * entries a later step re-derives if this append is lost (a completion's, on the dispatcher's
 * follow-up). A change to a record passes `auditEntry(…)` to the write itself instead.
 */
export async function recordAudit(
  deps: Pick<Deps, 'audit' | 'clock' | 'secrets'>,
  entry: Omit<AuditEntry, 'id' | 'at'>,
  once?: Pick<AuditEntry, 'id' | 'at'>,
): Promise<void> {
  await deps.audit.append(auditEntry(deps, entry, once));
}
