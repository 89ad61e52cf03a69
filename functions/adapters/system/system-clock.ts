import type { Clock } from '../../core/ports';

export const systemClock: Clock = { now: () => new Date() };

/** A clock that stays where it is put: for tests and `npx timepoint simulate`. */
export function fixedClock(start: Date | string): Clock & { set(to: Date | string): void; advance(ms: number): void } {
  let current = new Date(start);
  return {
    now: () => new Date(current),
    set(to) {
      current = new Date(to);
    },
    advance(ms) {
      current = new Date(current.getTime() + ms);
    },
  };
}

/** A clock that runs at real speed from a chosen start: for browser tests and demos at a fixed local time. */
export function runningClockFrom(start: Date | string): Clock {
  const offset = new Date(start).getTime() - Date.now();
  return { now: () => new Date(Date.now() + offset) };
}
