import type { AuditEntry } from '../../core/audit';
import type { AuditLog } from '../../core/ports';
import { allows, type GuardParams, type Transition } from '../../core/schedule/transitions';

/**
 * The in-memory store behind every memory repository: for tests and `npx timepoint simulate`,
 * never deployed. Each write checks its condition and applies in the same synchronous step (no
 * `await` in between), so two concurrent writes behave as DynamoDB's conditional writes do: one
 * applies, the other fails. Records are copied in and out, so a caller's object never aliases
 * the stored one (as with a database).
 */

/** Pending work, as the DynamoDB adapter's sparse due index holds it: one entry per record at a time. */
export type DueKind = 'MESSAGE' | 'LEASE' | 'PLAN' | 'EXPIRE' | 'DONE' | 'IMPORT' | 'ALLOCATED';

/** A stored record: its fields, and the storage-only due entry. */
export type Stored<T> = T & { due?: { kind: DueKind; at: string } };

/** A copy without undefined attributes (DynamoDB stores none) and without shared references. */
export function copy<T>(value: T): T {
  return structuredClone(stripUndefined(value));
}

function stripUndefined<T>(value: T): T {
  if (Array.isArray(value)) return value.map(stripUndefined) as T;
  if (value !== null && typeof value === 'object' && Object.getPrototypeOf(value) === Object.prototype) {
    return Object.fromEntries(Object.entries(value).filter(([, v]) => v !== undefined).map(([k, v]) => [k, stripUndefined(v)])) as T;
  }
  return value;
}

/** Composes a sort key the way the DynamoDB key scheme does, so listings come out in the same order. */
export const key = (...parts: Array<string | number>) => parts.join('#');
export const pad = (n: number, width: number) => String(n).padStart(width, '0');

/** A listing in pages, as the DynamoDB adapter reads one; a fixed count stands in for DynamoDB's 1 MB pages. */
export async function* pages<T>(all: T[], pageSize = 1000): AsyncGenerator<T[]> {
  for (let i = 0; i < all.length; i += pageSize) yield all.slice(i, i + pageSize);
}

/** One kind of record, in key order. */
export class MemoryTable<T extends object> {
  private readonly items = new Map<string, Stored<T>>();

  /** The stored record itself, for a write's condition (never hand it out). */
  peek(k: string): Stored<T> | undefined {
    return this.items.get(k);
  }

  /** A copy of the record without its storage attributes. */
  get(k: string): T | null {
    const item = this.items.get(k);
    return item === undefined ? null : withoutDue(item);
  }

  set(k: string, item: Stored<T>): void {
    this.items.set(k, copy(item));
  }

  /**
   * A state change by a lifecycle rule (core/schedule/transitions.ts): applies `change` to the
   * record at `k` (an empty one for a create) and sets the rule's to-state, only if the rule allows
   * it from what is stored; false when refused, as DynamoDB's conditional write fails.
   */
  transition(k: string, t: Transition<string>, params: GuardParams, change: (item: Stored<T>) => Stored<T>): boolean {
    const item = this.items.get(k);
    if (!allows(t, item ?? null, params)) return false;
    const next = change(item ?? ({} as Stored<T>));
    this.set(k, t.to === null ? next : { ...next, status: t.to });
    return true;
  }

  delete(k: string): boolean {
    return this.items.delete(k);
  }

  /** Copies of the records whose key starts with `prefix`, in key order (a Query on a prefix). */
  list(prefix = ''): T[] {
    return this.entries(prefix).map(([, item]) => withoutDue(item));
  }

  entries(prefix = ''): Array<[string, Stored<T>]> {
    return [...this.items.entries()].filter(([k]) => k.startsWith(prefix)).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
  }

  /** Records with work of `kind` due at or before `now`, oldest first (the due index). */
  due(kind: DueKind, now: Date, limit: number): T[] {
    const upTo = now.toISOString();
    return [...this.items.entries()]
      .filter(([, item]) => item.due?.kind === kind && item.due.at <= upTo)
      .map(([k, item]) => ({ order: `${item.due!.at}#${k}`, item }))
      .sort((a, b) => (a.order < b.order ? -1 : a.order > b.order ? 1 : 0))
      .slice(0, limit)
      .map(({ item }) => withoutDue(item));
  }
}

function withoutDue<T extends object>(item: Stored<T>): T {
  const { due: _due, ...rest } = item as Stored<T> & Record<string, unknown>;
  return copy(rest) as T;
}

/** The audit log, with the synchronous append the other memory repositories use inside a write. */
export interface MemoryAuditLog extends AuditLog {
  /** Appends at once (once per entry id). */
  record(entry: AuditEntry): void;
}

/**
 * Audited writes in memory: the change and its entry happen in one synchronous step, so there is
 * no moment in which one exists without the other (the DynamoDB adapter parks the entry instead).
 * Returns whether the change applied.
 */
export function audited(log: MemoryAuditLog, entry: AuditEntry | undefined, applied: boolean): boolean {
  if (applied && entry !== undefined) log.record(entry);
  return applied;
}

/** The error a write without a `false` answer raises when its condition fails (as the DynamoDB SDK does). */
export function conditionFailed(what: string): Error {
  return Object.assign(new Error(`The conditional request failed: ${what}`), { name: 'ConditionalCheckFailedException' });
}
