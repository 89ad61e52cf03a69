import * as z from 'zod';
import { concealBlockSizes } from '../core/allocation/allocation-config';
import type { AuditEntry } from '../core/audit';
import type { StaffRole } from '../core/auth/staff';
import type { Deps } from './deps';
import { parseInput } from './parse-input';

export const auditQuerySchema = z.strictObject({
  /** Substring of the actor, e.g. "staff:" or "P-0007". */
  actor: z.string().max(200).optional(),
  /** Action prefix, e.g. "participant." */
  action: z.string().max(100).optional(),
  /** Substring of the target, e.g. a participant code. */
  target: z.string().max(200).optional(),
  from: z.iso.datetime({ offset: true }).optional(),
  to: z.iso.datetime({ offset: true }).optional(),
  limit: z.coerce.number().int().min(1).max(5000).default(500),
});

/** A study's audit entries, newest first, filtered. The log is append-only; this only reads it. */
export async function auditTrail(deps: Pick<Deps, 'audit'>, scope: string, query: unknown, options: { role?: StaffRole } = {}): Promise<{ entries: AuditEntry[]; truncated: boolean }> {
  const filter = parseInput(auditQuerySchema, query);
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
