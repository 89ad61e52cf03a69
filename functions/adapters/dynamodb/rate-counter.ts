import { UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { retryAfterSeconds, slidingCount } from '../../core/limits/sliding-window';
import type { RateCounter } from '../../core/ports';
import type { Db } from './client';
import { keys } from './keys';

/** The attribute that holds a fixed window's count (windows are named by their start, in ms). */
const countOf = (windowStart: number) => `c${windowStart}`;

/**
 * Sliding-window attempt counts (core/limits/sliding-window.ts): one item per key, holding a count
 * per fixed window (`c<window start>`), so an attempt is one atomic ADD that returns the current
 * window's count and the previous one's together. Concurrent attempts each see their own place in
 * the count, so none slips past the limit; no condition is needed, because a new window is a new
 * attribute rather than a state to roll over. Each attempt removes the window before the previous
 * one; counts left from sparser visits are removed when an attempt sees them. The item expires by
 * the table's TTL two windows after the last attempt.
 */
export function createRateCounter(db: Db): RateCounter {
  const TableName = db.tables.research;
  const add = async (key: string, windowStart: number, windowMs: number, attempt: boolean) => {
    const { Attributes = {} } = await db.doc.send(
      new UpdateCommand({
        TableName,
        Key: keys.rate(key),
        // An attempt keeps the item two windows past its own; a refund, which may come after a
        // newer window's attempt, leaves the expiry alone.
        UpdateExpression: `ADD #current :by${attempt ? ' SET expiresAtEpoch = :expires' : ''} REMOVE #stale`,
        ExpressionAttributeNames: { '#current': countOf(windowStart), '#stale': countOf(windowStart - 2 * windowMs) },
        ExpressionAttributeValues: { ':by': attempt ? 1 : -1, ...(attempt ? { ':expires': Math.ceil((windowStart + 2 * windowMs) / 1000) } : {}) },
        ReturnValues: 'ALL_NEW',
      }),
    );
    // Only windows older than the previous one: a newer window's count may be another function's,
    // whose clock is a moment ahead at a window's boundary.
    const left = Object.keys(Attributes).filter((name) => /^c\d+$/.test(name) && Number(name.slice(1)) < windowStart - windowMs);
    if (attempt && left.length > 0) {
      await db.doc.send(
        new UpdateCommand({
          TableName,
          Key: keys.rate(key),
          UpdateExpression: `REMOVE ${left.map((_, i) => `#left${i}`).join(', ')}`,
          ExpressionAttributeNames: Object.fromEntries(left.map((name, i) => [`#left${i}`, name])),
        }),
      );
    }
    return { current: Number(Attributes[countOf(windowStart)] ?? 0), previous: Number(Attributes[countOf(windowStart - windowMs)] ?? 0) };
  };
  return {
    async hit(key, windowMs, now) {
      const windowStart = Math.floor(now.getTime() / windowMs) * windowMs;
      const { current, previous } = await add(key, windowStart, windowMs, true);
      const counts = { current, previous, windowStart, windowMs };
      return {
        count: slidingCount(counts, now.getTime()),
        windowStart,
        // Asked after a refusal, whose attempt is given back: count without it.
        retryAfterSeconds: (limit) => retryAfterSeconds({ ...counts, current: current - 1 }, now.getTime(), limit),
      };
    },
    async refund(key, windowStart, windowMs) {
      // Into the window it was counted in, even if a new one has begun since (then it is the previous).
      await add(key, windowStart, windowMs, false);
    },
  };
}
