import { describe, expect, it } from 'vitest';
import { createSendPacer, type PacerClock } from '../../functions/use-cases/dispatcher/send-pacer';

/**
 * A fake monotonic clock whose timers fire late by what `lateness` says (a busy event loop),
 * or early (a timer armed on a stale loop time); nothing really waits.
 */
function fakeClock(lateness: (call: number, ms: number) => number): PacerClock & { sleeps: number } {
  let t = 1_000;
  const clock = {
    sleeps: 0,
    now: () => t,
    sleep: async (ms: number) => {
      t += Math.max(0, ms + lateness(clock.sleeps++, ms));
    },
  };
  return clock;
}

/** The most sends in any window [t, t + ms). */
function busiest(times: number[], ms: number): number {
  let most = 0;
  for (let i = 0, j = 0; j < times.length; j++) {
    while (times[j]! - times[i]! >= ms) i++;
    most = Math.max(most, j - i + 1);
  }
  return most;
}

/** `senders` concurrent senders sending `each` emails through one pacer; the clock's time of each send. */
async function sendThrough(rate: number, clock: PacerClock, senders: number, each: number): Promise<number[]> {
  const pacer = createSendPacer(rate, clock);
  const times: number[] = [];
  const sender = async () => {
    for (let i = 0; i < each; i++) {
      await pacer.paced(async () => {
        times.push(clock.now());
        // The provider's answer takes a moment, during which other senders go on.
        await Promise.resolve();
      });
    }
  };
  await Promise.all(Array.from({ length: senders }, sender));
  return times;
}

/** A deterministic stream of numbers in [0, 1). */
const seeded = (seed: number) => () => ((seed = (seed * 1_103_515_245 + 12_345) % 2 ** 31) / 2 ** 31);

describe('pacing sends to the configured rate', () => {
  it('never puts more than the rate into any one-second window when timers fire late at random, then on time', async () => {
    const random = seeded(7);
    // Mostly a few milliseconds late, now and then a long stall: the pattern that made the old pacer send rate + 1.
    const clock = fakeClock(() => (random() < 0.1 ? 150 + random() * 400 : random() * 8));
    const times = await sendThrough(14, clock, 8, 100);
    expect(times).toHaveLength(800);
    expect(busiest(times, 1000)).toBeLessThanOrEqual(14);
    expect(busiest(times, 10_000)).toBeLessThanOrEqual(140);
  });

  it('starts each send in the step its slot is granted, so work queued in between cannot push sends together', async () => {
    const random = seeded(5);
    const clock = fakeClock(() => random() * 4);
    let busy = true;
    // Other senders' work (parsing answers, rendering emails) runs between any two steps and takes time.
    const otherWork = (async () => {
      while (busy) {
        await Promise.resolve();
        await clock.sleep(random() < 0.05 ? random() * 6 : 0);
      }
    })();
    const times = await sendThrough(14, clock, 8, 60);
    busy = false;
    await otherWork;
    expect(busiest(times, 1000)).toBeLessThanOrEqual(14);
  });

  it('holds the rate when timers fire early (armed on a stale loop time)', async () => {
    const random = seeded(11);
    // Armed on a stale loop time: early by up to 3 ms, or at once; armed again right after, it is fresh. A short wait (a timer's least is 1 ms) is on time.
    let atOnce = false;
    const clock = fakeClock((_, ms) => {
      atOnce = ms > 4 && !atOnce && random() < 0.2;
      return ms <= 4 ? 0 : atOnce ? -ms : -random() * 3;
    });
    const times = await sendThrough(14, clock, 8, 60);
    expect(busiest(times, 1000)).toBeLessThanOrEqual(14);
  });

  it('keeps up the configured rate through a backlog when timers are on time', async () => {
    const times = await sendThrough(14, fakeClock(() => 0), 8, 50);
    const perSecond = (times.length - 1) / ((times.at(-1)! - times[0]!) / 1000);
    expect(perSecond).toBeGreaterThan(13.9);
    expect(perSecond).toBeLessThanOrEqual(14);
  });

  it('spaces sends evenly rather than sending a second’s worth at once', async () => {
    const times = await sendThrough(10, fakeClock(() => 0), 4, 10);
    const gaps = times.slice(1).map((t, i) => t - times[i]!);
    expect(Math.min(...gaps)).toBeGreaterThanOrEqual(100 - 1e-9);
  });

  it('never makes up for a late timer by sending the next one sooner', async () => {
    let call = 0;
    // The third wait stalls 500 ms; every other one is on time.
    const clock = fakeClock(() => (call++ === 2 ? 500 : 0));
    const times = await sendThrough(10, clock, 1, 8);
    const gaps = times.slice(1).map((t, i) => Math.round(t - times[i]!));
    expect(gaps).toEqual([100, 100, 600, 100, 100, 100, 100]);
  });

  it('holds a rate below one a second (one send every two seconds at 0.5)', async () => {
    const times = await sendThrough(0.5, fakeClock(() => 0), 2, 3);
    expect(times.slice(1).map((t, i) => Math.round(t - times[i]!))).toEqual([2000, 2000, 2000, 2000, 2000]);
  });

  it('does not hold anything back at an unlimited rate', async () => {
    const clock = fakeClock(() => 0);
    const times = await sendThrough(Infinity, clock, 4, 25);
    expect(times).toHaveLength(100);
    expect(clock.sleeps).toBe(0);
  });

  it('lets sends through, without spinning, under a virtual clock whose sleep does not wait', async () => {
    const clock = { now: () => 5_000, sleep: async () => {} };
    const times = await sendThrough(10, clock, 2, 20);
    expect(times).toHaveLength(40);
  });

  it('lets sends through at once when sleep does not wait while real time runs on (the tests’ and the demo seeding’s settings)', async () => {
    let sleeps = 0;
    const pacer = createSendPacer(10, { now: () => performance.now(), sleep: async () => void sleeps++ });
    for (let i = 0; i < 50; i++) await pacer.paced(async () => {});
    // A few looks at the clock per send, rather than spinning until real time reaches each slot.
    expect(sleeps).toBeLessThanOrEqual(50 * 3);
  });

  it('answers what the send answers, and passes its failure on without stopping later sends', async () => {
    const pacer = createSendPacer(100, fakeClock(() => 0));
    await expect(pacer.paced(async () => ({ messageId: 'm-1' }))).resolves.toEqual({ messageId: 'm-1' });
    await expect(pacer.paced(async () => Promise.reject(new Error('throttled')))).rejects.toThrow('throttled');
    await expect(pacer.paced(async () => 'after')).resolves.toBe('after');
  });
});
