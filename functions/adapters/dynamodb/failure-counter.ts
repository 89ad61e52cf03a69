import { GetCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import type { FailureCounter } from '../../core/ports';
import type { Db } from './client';
import { keys } from './keys';

/** Fixed-window failure counts, one item per client per window, expired by the table's TTL. */
export function createFailureCounter(db: Db): FailureCounter {
  const TableName = db.tables.research;
  const windowOf = (now: Date, windowMs: number) => Math.floor(now.getTime() / windowMs) * windowMs;
  return {
    async count(key, windowMs, now) {
      const { Item } = await db.doc.send(new GetCommand({ TableName, Key: keys.failures(key, windowOf(now, windowMs)) }));
      return (Item?.count as number | undefined) ?? 0;
    },
    async record(key, windowMs, now) {
      const start = windowOf(now, windowMs);
      const { Attributes } = await db.doc.send(
        new UpdateCommand({
          TableName,
          Key: keys.failures(key, start),
          UpdateExpression: 'ADD #count :one SET expiresAtEpoch = :expires',
          ExpressionAttributeNames: { '#count': 'count' },
          ExpressionAttributeValues: { ':one': 1, ':expires': Math.ceil((start + 2 * windowMs) / 1000) },
          ReturnValues: 'UPDATED_NEW',
        }),
      );
      return Attributes?.count as number;
    },
  };
}
