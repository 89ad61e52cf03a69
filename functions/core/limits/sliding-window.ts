/**
 * Sliding-window rate limiting over two fixed windows: the count at any moment is the current
 * window's attempts plus the previous window's, weighted by the share of it the sliding window
 * (one window long, ending now) still covers. Smooth like a log of timestamps, at the cost of two
 * counters per key.
 */
export interface WindowCounts {
  /** Attempts counted in the current fixed window (after any refund). */
  current: number;
  /** Attempts counted in the previous fixed window. */
  previous: number;
  windowStart: number;
  windowMs: number;
}

/** The sliding count at `now` (ms since the epoch). */
export function slidingCount({ current, previous, windowStart, windowMs }: WindowCounts, now: number): number {
  const covered = Math.min(1, Math.max(0, 1 - (now - windowStart) / windowMs));
  return Math.max(0, current) + Math.floor(Math.max(0, previous) * covered);
}

/**
 * Seconds until one more attempt would be within `limit` (its count, itself included, at most
 * `limit`), if no other attempt comes meanwhile: while the previous window's share fades, or
 * else once this window has become the previous one and faded enough. At least 1.
 */
export function retryAfterSeconds(counts: WindowCounts, now: number, limit: number): number {
  const { current, previous, windowStart, windowMs } = counts;
  const room = limit - Math.max(0, current) - 1;
  let at: number;
  if (room >= 0 && (previous <= room || previous <= 0)) at = now;
  else if (room >= 0) {
    // floor(previous × covered) ≤ room once covered < (room + 1) / previous.
    at = windowStart + windowMs * (1 - (room + 1) / previous);
  } else {
    // In the next window: 1 + floor(current × covered) ≤ limit once covered < limit / current.
    at = windowStart + windowMs + windowMs * Math.max(0, 1 - limit / Math.max(1, current));
  }
  // Strictly after `at` (at `at` itself the count is still one too many).
  return Math.max(1, Math.floor((at - now) / 1000) + 1);
}
