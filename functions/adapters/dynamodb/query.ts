import { QueryCommand, type QueryCommandInput } from '@aws-sdk/lib-dynamodb';
import type { Db } from './client';

/** Every item a query matches, following pagination. */
export async function queryAll<T>(db: Db, input: QueryCommandInput): Promise<T[]> {
  const items: T[] = [];
  let ExclusiveStartKey: QueryCommandInput['ExclusiveStartKey'];
  do {
    const page = await db.doc.send(new QueryCommand({ ...input, ExclusiveStartKey }));
    items.push(...((page.Items ?? []) as T[]));
    ExclusiveStartKey = page.LastEvaluatedKey;
  } while (ExclusiveStartKey !== undefined && (input.Limit === undefined || items.length < input.Limit));
  return items;
}

/** Strips the storage-only attributes from an item. */
export function withoutKeys<T extends Record<string, unknown>>(item: T): Omit<T, 'pk' | 'sk' | 'duePk' | 'dueSk' | 'type'> {
  const { pk: _pk, sk: _sk, duePk: _duePk, dueSk: _dueSk, type: _type, ...rest } = item;
  return rest;
}
