import type { Timepoint } from './study';

/** What ordering needs of a timepoint: its id, its anchor and its day offset. */
export type Schedulable = Pick<Timepoint, 'id' | 'anchor' | 'offsetDays'>;

/**
 * Timepoints in the order they happen, whatever order they were defined in: by the day they fall
 * on counted along their anchor chain (week 8 = enrolment + 56; a follow-up 84 days after
 * baseline's completion = baseline's day + 84), then by the length of that chain (a timepoint
 * anchored on another's completion comes after it, even with offset 0), then by definition order.
 * A `date:<field>` anchor is a participant date whose day is unknown here: it counts as day 0 of
 * its own chain. A chain that loops or names an unknown timepoint goes last.
 *
 * The one ordering of timepoints: exports, codebook, outcome summary and figure, dashboard and
 * participant timeline all use it, so none of them follows the order timepoints were added in.
 */
export function scheduleOrder<T extends Schedulable>(timepoints: readonly T[]): T[] {
  const byId = new Map(timepoints.map((t) => [t.id, t]));
  const memo = new Map<string, { day: number; depth: number }>();
  const position = (timepoint: T, visiting: Set<string>): { day: number; depth: number } => {
    const known = memo.get(timepoint.id);
    if (known) return known;
    let result = { day: timepoint.offsetDays, depth: 0 };
    const anchoredOn = /^(.+)\.completed$/.exec(timepoint.anchor)?.[1];
    if (anchoredOn !== undefined) {
      const anchor = byId.get(anchoredOn);
      if (anchor === undefined || visiting.has(anchoredOn)) result = { day: Number.POSITIVE_INFINITY, depth: 0 };
      else {
        const before = position(anchor, new Set([...visiting, timepoint.id]));
        result = { day: before.day + timepoint.offsetDays, depth: before.depth + 1 };
      }
    }
    memo.set(timepoint.id, result);
    return result;
  };
  return timepoints
    .map((timepoint, index) => ({ timepoint, index, ...position(timepoint, new Set([timepoint.id])) }))
    .sort((a, b) => a.day - b.day || a.depth - b.depth || a.index - b.index)
    .map((entry) => entry.timepoint);
}

/** Timepoint ids in schedule order (see `scheduleOrder`). */
export const scheduleOrderIds = (timepoints: readonly Schedulable[]): string[] => scheduleOrder(timepoints).map((t) => t.id);

/** A comparator of timepoint ids by their place in `order`; ids not in it go last, in code order. */
export function byTimepointOrder(order: readonly string[]): (a: string, b: string) => number {
  const rank = (id: string) => {
    const i = order.indexOf(id);
    return i === -1 ? order.length : i;
  };
  return (a, b) => rank(a) - rank(b) || (a < b ? -1 : a > b ? 1 : 0);
}
