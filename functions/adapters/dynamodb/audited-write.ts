import { DeleteCommand, GetCommand, PutCommand } from '@aws-sdk/lib-dynamodb';
import type { AuditEntry } from '../../core/audit';
import type { AuditOutbox } from '../../core/ports';
import { createAuditLog } from './audit-log';
import { batchPut } from './batch-write';
import { conditionally, type Db } from './client';
import { keys } from './keys';
import { queryDue } from './query';

/**
 * An audited change without transactions. DynamoDB Local has none and a change and its audit
 * entry live in different items, so the entry is made part of the change instead:
 *
 * 1. the entry is parked under its own key, queued in the due index a few minutes ahead;
 * 2. the change's own conditional write also adds the entry's id to the record's `auditMarks`;
 * 3. the entry is appended to the audit log (idempotent: its key holds its id);
 * 4. the parked entry is dropped.
 *
 * Whatever point a crash interrupts, the next dispatcher pass finds the parked entry and looks at
 * the record: marked means the change happened (append the entry), unmarked means it never did
 * (drop it). A change whose condition failed leaves nothing. The marks stay on the record (a few
 * dozen bytes a change), so the question "did this change happen?" always has an exact answer.
 */

/** How long a parked entry waits for its writer before the dispatcher finishes it. */
export const AUDIT_GRACE_MS = 5 * 60_000;

/** The record an audited write changes. */
export interface AuditTarget {
  table: 'research' | 'contacts';
  key: { pk: string; sk: string };
}

/** What the change's own write adds: an `ADD` clause (Update) or an attribute (Put). */
export interface AuditMark {
  /** `auditMarks :auditMark`, for the ADD clause of an UpdateExpression; null when nothing is audited. */
  add: string | null;
  values: Record<string, unknown>;
  /** For a Put: the attribute to include in the item. */
  item: Record<string, unknown>;
}

const noMark: AuditMark = { add: null, values: {}, item: {} };
const markOf = (entry: AuditEntry): AuditMark => ({
  add: 'auditMarks :auditMark',
  values: { ':auditMark': new Set([entry.id]) },
  item: { auditMarks: new Set([entry.id]) },
});

/** Joins the clauses of an UpdateExpression, leaving out empty ones. */
export function updateExpression(clauses: { set?: string[]; remove?: string[]; add?: Array<string | null> }): string {
  const add = (clauses.add ?? []).filter((a): a is string => a !== null);
  return [
    clauses.set?.length ? `SET ${clauses.set.join(', ')}` : '',
    clauses.remove?.length ? `REMOVE ${clauses.remove.join(', ')}` : '',
    add.length ? `ADD ${add.join(', ')}` : '',
  ]
    .filter(Boolean)
    .join(' ');
}

const tableName = (db: Db, target: AuditTarget) => (target.table === 'contacts' ? db.tables.contacts : db.tables.research);

async function isMarked(db: Db, target: AuditTarget, id: string): Promise<boolean> {
  const { Item } = await db.doc.send(new GetCommand({ TableName: tableName(db, target), Key: target.key, ConsistentRead: true, ProjectionExpression: 'auditMarks' }));
  const marks = Item?.auditMarks as Set<string> | undefined;
  return marks instanceof Set && marks.has(id);
}

/**
 * Runs `write` (a conditional write that must include `mark`) with `entry` as part of it; returns
 * whether the change applied. Without an entry, just the write. A write whose answer was lost and
 * whose repeat failed its condition is recognised by its own mark, and counts as applied.
 */
export async function auditedWrite(db: Db, entry: AuditEntry | undefined, target: AuditTarget, write: (mark: AuditMark) => Promise<boolean>): Promise<boolean> {
  if (entry === undefined) return write(noMark);
  const parked = keys.pendingAudit(entry.id);
  await conditionally(() =>
    db.doc.send(
      new PutCommand({
        TableName: db.tables.research,
        Item: {
          ...parked,
          type: 'pending-audit',
          entry,
          target,
          ...keys.due('AUDIT', new Date(Date.parse(entry.at) + AUDIT_GRACE_MS).toISOString(), parked),
        },
        ConditionExpression: 'attribute_not_exists(pk)',
      }),
    ),
  );
  // A write that throws (unavailable) may or may not have happened: the parked entry stays for the dispatcher to decide.
  const applied = (await write(markOf(entry))) || (await isMarked(db, target, entry.id));
  if (applied) await createAuditLog(db).append(entry);
  await db.doc.send(new DeleteCommand({ TableName: db.tables.research, Key: parked }));
  return applied;
}

/** Audited changes of a batch, their entries parked together (see openAuditBatch). */
export interface AuditBatch {
  /** Runs `write` (a conditional write that must include `mark`) with the batch's `entry` as part of it; as auditedWrite. */
  write(entry: AuditEntry, target: AuditTarget, write: (mark: AuditMark) => Promise<boolean>): Promise<boolean>;
  /** Appends the entries of the changes that applied, together, and drops the parked ones. */
  close(): Promise<void>;
}

/**
 * auditedWrite for a batch of changes (the dispatcher's sends), without three writes a change for
 * their entries: every entry is parked in one item before the first change (one write), each
 * change's own write adds its entry's mark (as auditedWrite's), and `close` appends the entries of
 * the changes that applied (BatchWriteItem: an entry's key holds its id, so a repeat is the same
 * item) and drops the parked item. The outbox recovery treats a parked batch as it treats a parked
 * entry, entry by entry: appended if its record carries the mark, dropped if not. A change whose
 * outcome is unknown (its write threw) leaves the parked item to it.
 */
export async function openAuditBatch(db: Db, changes: ReadonlyArray<{ entry: AuditEntry; target: AuditTarget }>): Promise<AuditBatch> {
  const applied: AuditEntry[] = [];
  let uncertain = false;
  const parked = changes.length === 0 ? null : keys.pendingAudit(`batch-${changes[0]!.entry.id}`);
  if (parked !== null) {
    const first = Math.min(...changes.map((c) => Date.parse(c.entry.at)));
    await conditionally(() =>
      db.doc.send(
        new PutCommand({
          TableName: db.tables.research,
          Item: { ...parked, type: 'pending-audit', entries: changes, ...keys.due('AUDIT', new Date(first + AUDIT_GRACE_MS).toISOString(), parked) },
          ConditionExpression: 'attribute_not_exists(pk)',
        }),
      ),
    );
  }
  return {
    async write(entry, target, write) {
      try {
        const done = (await write(markOf(entry))) || (await isMarked(db, target, entry.id));
        if (done) applied.push(entry);
        return done;
      } catch (error) {
        uncertain = true;
        throw error;
      }
    },
    async close() {
      if (parked === null) return;
      await batchPut(db, db.tables.research, applied.map((entry) => ({ ...keys.audit(entry.scope, entry.at, entry.id), type: 'audit', ...entry })));
      if (!uncertain) await db.doc.send(new DeleteCommand({ TableName: db.tables.research, Key: parked }));
    },
  };
}

/** The dispatcher's half: finishes parked entries whose writer is gone. */
export function createAuditOutbox(db: Db): AuditOutbox {
  const log = createAuditLog(db);
  return {
    async recover(now, limit) {
      const parked = await queryDue<Record<string, unknown>>(db, 'AUDIT', now, limit);
      let appended = 0;
      for (const item of parked) {
        // A parked entry, or a parked batch's entries (openAuditBatch): each appended if its change happened.
        const changes = (item.entries as Array<{ entry: AuditEntry; target: AuditTarget }> | undefined) ?? [{ entry: item.entry as AuditEntry, target: item.target as AuditTarget }];
        for (const { entry, target } of changes) {
          if (await isMarked(db, target, entry.id)) {
            await log.append(entry);
            appended++;
          }
        }
        await db.doc.send(new DeleteCommand({ TableName: db.tables.research, Key: { pk: item.pk as string, sk: item.sk as string } }));
      }
      return appended;
    },
  };
}
