import { concealBlockSizes } from '../core/allocation/allocation-config';
import type { AuditEntry } from '../core/audit';
import type { StaffRole } from '../core/auth/staff';
import type { Deps } from './deps';
import { parseInput } from './parse-input';
import { staffInput } from './staff-input-loader';

/** A study's audit entries, newest first, filtered. The log is append-only; this only reads it. */
export async function auditTrail(deps: Pick<Deps, 'audit'>, scope: string, query: unknown, options: { role?: StaffRole } = {}): Promise<{ entries: AuditEntry[]; truncated: boolean }> {
  const filter = parseInput((await staffInput()).auditQuerySchema, query);
  const matching = (await deps.audit.list(scope))
    .filter((e) => (filter.actor ? e.actor.includes(filter.actor) : true))
    .filter((e) => (filter.action ? e.action.startsWith(filter.action) : true))
    .filter((e) => (filter.target ? e.target.includes(filter.target) : true))
    .filter((e) => (filter.from ? e.at >= new Date(filter.from).toISOString() : true))
    .filter((e) => (filter.to ? e.at <= new Date(filter.to).toISOString() : true))
    .reverse();
  // Study snapshots in the trail carry the allocation: its block sizes stay with admins.
  const role = options.role ?? 'admin';
  const conceal = (value: unknown) => (value !== null && typeof value === 'object' && 'allocation' in value ? concealBlockSizes(value as { allocation?: never }, role) : value);
  const entries = matching.slice(0, filter.limit).map((e) => ({ ...e, ...(e.before !== undefined ? { before: conceal(e.before) } : {}), ...(e.after !== undefined ? { after: conceal(e.after) } : {}) }));
  return { entries, truncated: matching.length > filter.limit };
}
