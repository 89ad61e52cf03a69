/**
 * Many participants in seconds, exactly as the product leaves them: a few template participants
 * go through the product's own use cases, then every item of theirs (both tables) is copied under
 * new codes and addresses. Enrolling thousands through the use cases would take most of an hour
 * in dynalite on a shared machine; a copy renames what the product wrote and invents nothing, so
 * it stays right as the storage layout changes. Only items keyed by a template's code are copied
 * (those keyed by a token or an address hash cannot be renamed, and belong to one participant anyway).
 */
import { BatchWriteCommand, ScanCommand } from '@aws-sdk/lib-dynamodb';
import type { Db } from '../../functions/adapters/dynamodb/client';
import { pool } from './local-stack';

type Item = Record<string, unknown>;

export interface Template {
  code: string;
  email: string;
  /** Its items, table by table. */
  items: Array<{ table: string; item: Item }>;
}

/** Reads every item keyed by one of the template codes (a Scan: fine for a benchmark's small tables). */
export async function snapshot(db: Db, templates: Array<{ code: string; email: string }>): Promise<Template[]> {
  const found = templates.map((t) => ({ ...t, items: [] as Template['items'] }));
  for (const table of [db.tables.research, db.tables.contacts]) {
    let ExclusiveStartKey: Item | undefined;
    do {
      const page = await db.doc.send(new ScanCommand({ TableName: table, ExclusiveStartKey }));
      for (const item of page.Items ?? []) {
        const key = `${String(item.pk)}|${String(item.sk)}`;
        found.find((t) => key.includes(t.code))?.items.push({ table, item });
      }
      ExclusiveStartKey = page.LastEvaluatedKey;
    } while (ExclusiveStartKey !== undefined);
  }
  return found;
}

/** A copy of `value` with every occurrence of each `from` replaced by its `to`, in every string. */
function renamed(value: unknown, pairs: Array<[string, string]>): unknown {
  if (typeof value === 'string') return pairs.reduce((s, [from, to]) => s.split(from).join(to), value);
  if (Array.isArray(value)) return value.map((v) => renamed(v, pairs));
  if (value !== null && typeof value === 'object') return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, renamed(v, pairs)]));
  return value;
}

/**
 * Writes `count` copies, the i-th of template `i mod templates` under `code(i)` and `email(i)`,
 * with BatchWriteItem (25 items a call, `concurrency` calls in flight). Returns the items written.
 */
export async function writeClones(
  db: Db,
  templates: Template[],
  count: number,
  names: { code: (i: number) => string; email: (i: number) => string },
  settings: { concurrency?: number; log?: (line: string) => void } = {},
): Promise<number> {
  const byTable = new Map<string, Item[]>();
  for (let i = 0; i < count; i++) {
    const t = templates[i % templates.length]!;
    const pairs: Array<[string, string]> = [[t.code, names.code(i)], [t.email, names.email(i)]];
    for (const { table, item } of t.items) {
      if (!byTable.has(table)) byTable.set(table, []);
      byTable.get(table)!.push(renamed(item, pairs) as Item);
    }
  }
  let written = 0;
  for (const [table, items] of byTable) {
    const batches = Array.from({ length: Math.ceil(items.length / 25) }, (_, b) => items.slice(b * 25, b * 25 + 25));
    await pool(batches, settings.concurrency ?? 8, async (batch) => {
      let requests = batch.map((Item) => ({ PutRequest: { Item } }));
      for (let attempt = 0; requests.length > 0; attempt++) {
        if (attempt > 10) throw new Error('BatchWriteItem: items still unprocessed after 10 retries');
        if (attempt > 0) await new Promise((r) => setTimeout(r, 20 * 2 ** attempt));
        const { UnprocessedItems } = await db.doc.send(new BatchWriteCommand({ RequestItems: { [table]: requests } }));
        requests = (UnprocessedItems?.[table] ?? []) as typeof requests;
      }
      written += batch.length;
      if (written % 20_000 < 25) settings.log?.(`written ${written} items`);
    });
  }
  return written;
}
