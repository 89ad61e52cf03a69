import { describe, expect, it } from 'vitest';
import { byTimepointOrder, scheduleOrderIds } from '../../functions/core/study/timepoint-order';

const tp = (id: string, anchor: string, offsetDays: number) => ({ id, anchor, offsetDays });

describe('timepoints in schedule order', () => {
  it('puts week 8 after baseline even when week 8 was defined first', () => {
    expect(scheduleOrderIds([tp('week8', 'enrollment', 56), tp('baseline', 'enrollment', 0)])).toEqual(['baseline', 'week8']);
  });

  it('counts days along the anchor chain: 84 days after baseline completes comes after week 8', () => {
    const order = scheduleOrderIds([tp('followup', 'baseline.completed', 84), tp('week8', 'enrollment', 56), tp('baseline', 'enrollment', 0)]);
    expect(order).toEqual(['baseline', 'week8', 'followup']);
  });

  it('puts a timepoint anchored on another’s completion after it, even with offset 0', () => {
    expect(scheduleOrderIds([tp('debrief', 'week8.completed', 0), tp('week8', 'enrollment', 56), tp('baseline', 'enrollment', 0)])).toEqual(['baseline', 'week8', 'debrief']);
  });

  it('keeps definition order between timepoints on the same day of the same chain', () => {
    expect(scheduleOrderIds([tp('b', 'enrollment', 7), tp('a', 'enrollment', 7)])).toEqual(['b', 'a']);
  });

  it('puts a looping or dangling chain last instead of failing', () => {
    const order = scheduleOrderIds([tp('x', 'y.completed', 1), tp('y', 'x.completed', 1), tp('baseline', 'enrollment', 0), tp('z', 'gone.completed', 0)]);
    expect(order[0]).toBe('baseline');
    expect(order.slice(1).sort()).toEqual(['x', 'y', 'z']);
  });

  it('sorts ids by a given order, unknown ids last in code order', () => {
    expect(['z', 'week8', 'a', 'baseline'].sort(byTimepointOrder(['baseline', 'week8']))).toEqual(['baseline', 'week8', 'a', 'z']);
  });
});
