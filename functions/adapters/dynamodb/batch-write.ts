import { BatchWriteCommand } from '@aws-sdk/lib-dynamodb';
import { unavailable } from '../../core/errors';
import type { Db } from './client';

type Item = Record<string, unknown>;

/** DynamoDB's most items in one BatchWriteItem. */
const ITEMS_PER_BATCH = 25;
const MAX_ROUNDS = 10;

/**
 * Puts many items into one table with BatchWriteItem (25 a call, the calls at once); items left
 * unprocessed (throttling) are put again with backoff, and the call resolves only once every item
 * is stored. A batch write has no conditions: only for items whose key cannot already exist (a
 * fresh random id or token hash) or whose rewrite is the same item (an audit entry under its id).
 */
export async function batchPut(db: Db, table: string, items: readonly Item[]): Promise<void> {
  const batches: Item[][] = [];
  for (let i = 0; i < items.length; i += ITEMS_PER_BATCH) batches.push(items.slice(i, i + ITEMS_PER_BATCH));
  await Promise.all(
    batches.map(async (batch) => {
      let pending = batch.map((Item) => ({ PutRequest: { Item } }));
      for (let round = 0; pending.length > 0; round++) {
        // Items left unprocessed round after round: the table is throttled; the caller's work can be repeated.
        if (round >= MAX_ROUNDS) throw unavailable('the database is busy just now: please try again in a moment');
        if (round > 0) await new Promise((resolve) => setTimeout(resolve, Math.min(1000, 25 * 2 ** round)));
        const result = await db.doc.send(new BatchWriteCommand({ RequestItems: { [table]: pending } }));
        pending = (result.UnprocessedItems?.[table] ?? []) as typeof pending;
      }
    }),
  );
}
