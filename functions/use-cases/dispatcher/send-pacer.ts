/** The clock a pacer reads and waits on: `performance.now` and a timer in production, a fake one in tests. */
export interface PacerClock {
  /** Milliseconds on a monotonic clock. */
  now(): number;
  /** Waits about `ms` (a real timer may fire a little early or late; a virtual clock's may not wait at all). */
  sleep(ms: number): Promise<void>;
}

export interface SendPacer {
  /**
   * Calls `send` in the next free slot, at the moment the slot is granted (so the send starts when
   * the pacer counted it), and answers what it answers. Slots are granted in the order asked for,
   * across any number of concurrent senders.
   */
  paced<T>(send: () => Promise<T>): Promise<T>;
}

const WINDOW_MS = 1000;
/** Sleeps in a row that let no time pass before the clock counts as virtual. */
const MAX_STALLS = 3;

/**
 * Paces sends to at most `ratePerSecond` in every one-second window, wherever the window starts:
 * SES counts its sending quota per second, and a late timer followed by an on-time one must not
 * put one send too many into a second. Two rules, both on the times sends were actually granted:
 * a send starts no sooner than one second after the send `rate` sends before it (a sliding window
 * of the last `rate` grants), and sends are spaced about 1/rate apart so a backlog goes out
 * evenly rather than in a burst at the start of each second; a late timer delays the sends after
 * it rather than being made up (never two sends closer than 1/rate).
 */
export function createSendPacer(ratePerSecond: number, clock: PacerClock): SendPacer {
  if (!(ratePerSecond > 0) || ratePerSecond === Infinity) return { paced: (send) => send() };
  const interval = WINDOW_MS / ratePerSecond;
  const capacity = Math.max(1, Math.floor(ratePerSecond));
  /** The grant times of the last `capacity` sends, oldest first. */
  const recent: number[] = [];
  let scheduled = -Infinity;
  let queue: Promise<unknown> = Promise.resolve();

  /** Waits for the next free slot, then starts the send in the same synchronous step, so no other work can come between the slot and the send. */
  const grant = async (start: () => void) => {
    const earliest = Math.max(scheduled + interval, recent.length === capacity ? recent[0]! + WINDOW_MS : -Infinity);
    for (let t = clock.now(), stalls = 0; t < earliest; ) {
      // A microsecond over, so that clock arithmetic in floating point cannot wake a hair short of the slot.
      await clock.sleep(earliest - t + 0.001);
      const after = clock.now();
      // A timer that fired early (armed on a stale loop time) is waited out again, armed afresh. A
      // sleep that keeps returning without a millisecond passing is a virtual clock's (the demo
      // seeding, simulate, tests): the send is let through rather than spun on.
      stalls = after - t < 1 ? stalls + 1 : 0;
      if (stalls >= MAX_STALLS) break;
      t = after;
    }
    const at = Math.max(clock.now(), earliest);
    // Spacing counts from when the send actually started: a late timer is never made up by sending the next one sooner.
    scheduled = at;
    recent.push(at);
    if (recent.length > capacity) recent.shift();
    start();
  };

  return {
    paced<T>(send: () => Promise<T>): Promise<T> {
      let sent!: Promise<T>;
      const granted = queue.then(() =>
        grant(() => {
          sent = send();
        }),
      );
      queue = granted.catch(() => {});
      return granted.then(() => sent);
    },
  };
}
