import { retryAfterSeconds, slidingCount } from '../../core/limits/sliding-window';
import type { RateCounter } from '../../core/ports';

/** Sliding-window attempt counts (core/limits/sliding-window.ts), one count per key per fixed window. */
export function createMemoryRateCounter(): RateCounter {
  const counts = new Map<string, number>();
  const add = (key: string, windowStart: number, by: number) => {
    const next = (counts.get(`${key}#${windowStart}`) ?? 0) + by;
    counts.set(`${key}#${windowStart}`, next);
    return next;
  };
  return {
    async hit(key, windowMs, now) {
      const windowStart = Math.floor(now.getTime() / windowMs) * windowMs;
      const current = add(key, windowStart, 1);
      const previous = counts.get(`${key}#${windowStart - windowMs}`) ?? 0;
      const window = { current, previous, windowStart, windowMs };
      return {
        count: slidingCount(window, now.getTime()),
        windowStart,
        retryAfterSeconds: (limit) => retryAfterSeconds({ ...window, current: current - 1 }, now.getTime(), limit),
      };
    },
    async refund(key, windowStart) {
      add(key, windowStart, -1);
    },
  };
}
