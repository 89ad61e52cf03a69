import { describe, expect, it } from 'vitest';
import { batchSize } from '../../functions/use-cases/dispatcher/send-due';

describe("the dispatcher's batch", () => {
  it('holds about half a second of sends at the configured rate, so its checks are read about a second before its last email at most', () => {
    expect(batchSize({ maxSendRate: 40, concurrency: 8 })).toBe(20);
    expect(batchSize({ maxSendRate: 29, concurrency: 8 })).toBe(15);
  });

  it('holds at least as many recipients as are sent at once, so a slow rate still keeps every sender busy', () => {
    expect(batchSize({ maxSendRate: 14, concurrency: 8 })).toBe(8);
    expect(batchSize({ maxSendRate: 1, concurrency: 8 })).toBe(8);
    expect(batchSize({ maxSendRate: 0.5, concurrency: 3 })).toBe(3);
  });

  it('holds at most 50 recipients (one 100-key batched read of participants and instances), also with no rate limit', () => {
    expect(batchSize({ maxSendRate: 500, concurrency: 8 })).toBe(50);
    expect(batchSize({ maxSendRate: Infinity, concurrency: 8 })).toBe(50);
  });
});
