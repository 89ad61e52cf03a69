import { GetCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { retryAfterSeconds, slidingCount } from '../../core/limits/sliding-window';
import type { RateCounter } from '../../core/ports';
import type { Db } from './client';
import { keys } from './keys';

/**
 * Sliding-window attempt counts (core/limits/sliding-window.ts): one item per key per fixed
 * window, expired by the table's TTL, counted with an atomic ADD that returns the new value, so
 * concurrent attempts each see their own place in the count and none slips past the limit.
 */
export function createRateCounter(db: Db): RateCounter {
  const TableName = db.tables.research;
  const windowOf = (now: Date, windowMs: number) => Math.floor(now.getTime() / windowMs) * windowMs;
  const add = async (key: string, windowStart: number, windowMs: number, by: number) => {
    const { Attributes } = await db.doc.send(
      new UpdateCommand({
        TableName,
        Key: keys.rate(key, windowStart),
        UpdateExpression: 'ADD #count :by SET expiresAtEpoch = :expires',
        ExpressionAttributeNames: { '#count': 'count' },
        ExpressionAttributeValues: { ':by': by, ':expires': Math.ceil((windowStart + 2 * windowMs) / 1000) },
        ReturnValues: 'UPDATED_NEW',
      }),
    );
    return Attributes?.count as number;
  };
  return {
    async hit(key, windowMs, now) {
      const windowStart = windowOf(now, windowMs);
      const [current, previous] = await Promise.all([
        add(key, windowStart, windowMs, 1),
        db.doc
          .send(new GetCommand({ TableName, Key: keys.rate(key, windowStart - windowMs), ConsistentRead: true }))
          .then(({ Item }) => (Item?.count as number | undefined) ?? 0),
      ]);
      const counts = { current, previous, windowStart, windowMs };
      return {
        count: slidingCount(counts, now.getTime()),
        windowStart,
        // Asked after a refusal, whose attempt is given back: count without it.
        retryAfterSeconds: (limit) => retryAfterSeconds({ ...counts, current: current - 1 }, now.getTime(), limit),
      };
    },
    async refund(key, windowStart, windowMs) {
      await add(key, windowStart, windowMs, -1);
    },
  };
}
