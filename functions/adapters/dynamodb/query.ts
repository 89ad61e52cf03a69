import { QueryCommand, type QueryCommandInput } from '@aws-sdk/lib-dynamodb';
import type { Db } from './client';
import { keys, type DueKind } from './keys';

/** Every item a query matches, following pagination (up to `Limit` items when one is given). */
export async function queryAll<T>(db: Db, input: QueryCommandInput): Promise<T[]> {
  const items: T[] = [];
  let ExclusiveStartKey: QueryCommandInput['ExclusiveStartKey'];
  do {
    const page = await db.doc.send(new QueryCommand({ ...input, ExclusiveStartKey }));
    items.push(...((page.Items ?? []) as T[]));
    ExclusiveStartKey = page.LastEvaluatedKey;
  } while (ExclusiveStartKey !== undefined && (input.Limit === undefined || items.length < input.Limit));
  return input.Limit === undefined ? items : items.slice(0, input.Limit);
}

/**
 * A query's items a page at a time, as the caller reads them: only the page being read is held,
 * so a whole study can be streamed in flat memory. `Limit` caps a page (default: DynamoDB's 1 MB).
 * The raw page is let go before its mapped items are handed over, so a page is held once, not
 * twice, while the caller works through it.
 */
export async function* queryPages<T>(db: Db, input: QueryCommandInput, map: (item: Record<string, unknown>) => T): AsyncGenerator<T[]> {
  let ExclusiveStartKey: QueryCommandInput['ExclusiveStartKey'];
  do {
    const { items, next } = await queryPage(db, { ...input, ExclusiveStartKey }, map);
    ExclusiveStartKey = next;
    if (items.length > 0) yield items;
  } while (ExclusiveStartKey !== undefined);
}

async function queryPage<T>(db: Db, input: QueryCommandInput, map: (item: Record<string, unknown>) => T): Promise<{ items: T[]; next: QueryCommandInput['ExclusiveStartKey'] }> {
  const page = await db.doc.send(new QueryCommand(input));
  return { items: (page.Items ?? []).map(map), next: page.LastEvaluatedKey };
}

/**
 * Items of one kind of pending work due at or before `now`, oldest first, across the due
 * index's shards. Reads only due items: the index is sparse, so it never holds history.
 */
export async function queryDue<T extends { dueSk?: unknown }>(db: Db, kind: DueKind, now: Date, limit: number): Promise<T[]> {
  const shards = await Promise.all(
    keys.duePartitions(kind).map((duePk) =>
      queryAll<T>(db, {
        TableName: db.tables.research,
        IndexName: 'due',
        KeyConditionExpression: 'duePk = :p AND dueSk <= :upTo',
        ExpressionAttributeValues: { ':p': duePk, ':upTo': keys.dueUpTo(now.toISOString()) },
        Limit: limit,
      }),
    ),
  );
  return shards
    .flat()
    .sort((a, b) => String(a.dueSk).localeCompare(String(b.dueSk)))
    .slice(0, limit);
}

/** Strips the storage-only attributes from an item (keys, due-index keys, audit marks). */
export function withoutKeys<T extends Record<string, unknown>>(item: T): Omit<T, 'pk' | 'sk' | 'duePk' | 'dueSk' | 'type' | 'auditMarks'> {
  const { pk: _pk, sk: _sk, duePk: _duePk, dueSk: _dueSk, type: _type, auditMarks: _marks, ...rest } = item;
  return rest;
}
