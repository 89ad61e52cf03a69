import type { Clock } from '../../core/ports';

export const systemClock: Clock = { now: () => new Date() };

/** A clock that stays where it is put: for tests and `timepoint simulate`. */
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
