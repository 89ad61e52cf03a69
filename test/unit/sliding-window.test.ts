import { describe, expect, it } from 'vitest';
import { retryAfterSeconds, slidingCount } from '../../functions/core/limits/sliding-window';

const W = 600_000;
const start = 6_000_000;

describe('the sliding count of two fixed windows', () => {
  it('is the current window alone when the previous one was quiet', () => {
    expect(slidingCount({ current: 7, previous: 0, windowStart: start, windowMs: W }, start + 1)).toBe(7);
  });

  it('weights the previous window by how much of it the sliding window still covers, rounding up', () => {
    expect(slidingCount({ current: 0, previous: 20, windowStart: start, windowMs: W }, start)).toBe(20);
    expect(slidingCount({ current: 0, previous: 20, windowStart: start, windowMs: W }, start + W / 2)).toBe(10);
    expect(slidingCount({ current: 3, previous: 20, windowStart: start, windowMs: W }, start + W / 4)).toBe(18);
    // Just past the boundary, nearly every earlier attempt still counts: no fresh budget there.
    expect(slidingCount({ current: 0, previous: 20, windowStart: start, windowMs: W }, start + 5_000)).toBe(20);
  });
});

describe('when to try again', () => {
  const limit = 20;
  it('is as soon as the previous window has faded enough to leave room', () => {
    const counts = { current: 10, previous: 20, windowStart: start, windowMs: W };
    const seconds = retryAfterSeconds(counts, start + 1_000, limit);
    // Room for 9 more from the previous window: covered ≤ 9/20, i.e. 330 s into the window.
    expect(seconds).toBe(329);
    expect(slidingCount(counts, start + 1_000 + seconds * 1000) + 1).toBeLessThanOrEqual(limit);
    expect(slidingCount(counts, start + 1_000 + (seconds - 1) * 1000) + 1).toBeGreaterThan(limit);
  });

  it('is in the next window when this one alone is full, once enough of it has slid out', () => {
    const counts = { current: 20, previous: 0, windowStart: start, windowMs: W };
    const seconds = retryAfterSeconds(counts, start, limit);
    const then = start + seconds * 1000;
    const next = { current: 0, previous: 20, windowStart: start + W, windowMs: W };
    expect(slidingCount(next, then) + 1).toBeLessThanOrEqual(limit);
    expect(slidingCount(next, then - 1000) + 1).toBeGreaterThan(limit);
  });

  it('is at least a second, even with room now', () => {
    expect(retryAfterSeconds({ current: 0, previous: 0, windowStart: start, windowMs: W }, start, limit)).toBe(1);
  });
});
