/**
 * Sliding-window rate limiting over two fixed windows: the count at any moment is the current
 * window's attempts plus the previous window's, weighted by the share of it the sliding window
 * (one window long, ending now) still covers, rounded up so an attempt stops counting only once
 * all of it has slid out. Smooth like a log of timestamps, at the cost of two counters per key,
 * and with no fresh budget at a window boundary.
 */
export interface WindowCounts {
  /** Attempts counted in the current fixed window (after any refund). */
  current: number;
  /** Attempts counted in the previous fixed window. */
  previous: number;
  windowStart: number;
  windowMs: number;
}

const coveredAt = (windowStart: number, windowMs: number, now: number) => Math.min(1, Math.max(0, 1 - (now - windowStart) / windowMs));

/** The sliding count at `now` (ms since the epoch). */
export function slidingCount({ current, previous, windowStart, windowMs }: WindowCounts, now: number): number {
  // The epsilon keeps floating-point dust (19.000000000000004) from counting a whole attempt.
  return Math.max(0, current) + Math.ceil(Math.max(0, previous) * coveredAt(windowStart, windowMs, now) - 1e-9);
}

/**
 * Seconds until one more attempt would be within `limit` (its count, itself included, at most
 * `limit`), if no other attempt comes meanwhile: while the previous window's share fades, or
 * else once this window has become the previous one and faded enough. At least 1.
 */
export function retryAfterSeconds(counts: WindowCounts, now: number, limit: number): number {
  const current = Math.max(0, counts.current);
  const previous = Math.max(0, counts.previous);
  const { windowStart, windowMs } = counts;
  const room = limit - current - 1;
  let at: number;
  if (room >= 0 && previous <= room) at = now;
  else if (room >= 0) {
    // ceil(previous × covered) ≤ room once covered ≤ room / previous.
    at = windowStart + windowMs * (1 - room / previous);
  } else {
    // In the next window: 1 + ceil(current × covered) ≤ limit once covered ≤ (limit − 1) / current.
    at = windowStart + windowMs + windowMs * (1 - (limit - 1) / Math.max(1, current));
  }
  return Math.max(1, Math.ceil((at - now) / 1000));
}
