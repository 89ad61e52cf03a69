import { describe, expect, it } from 'vitest';
import type { Instance } from '../../functions/core/schedule/records';
import { keepOpenWindows } from '../../functions/core/schedule/reconcile';

const instance = (status: Instance['status'], opensAt: string, closesAt: string): Instance => ({
  studyId: 's', code: 'P-1', timepoint: 'baseline', arm: 'a', status, instruments: [], dueAt: opensAt, opensAt, closesAt,
});
const now = new Date('2026-03-03T12:00:00.000Z');

describe('re-planning an open window', () => {
  it('keeps the earlier opening and the later close of a window that has opened', () => {
    const stored = [instance('open', '2026-03-02T09:00:00.000Z', '2026-03-09T09:00:00.000Z')];
    const later = instance('scheduled', '2026-03-04T09:00:00.000Z', '2026-03-11T09:00:00.000Z');
    expect(keepOpenWindows([later], stored, now)[0]).toMatchObject({ opensAt: '2026-03-02T09:00:00.000Z', closesAt: '2026-03-11T09:00:00.000Z' });
    const earlier = instance('scheduled', '2026-03-01T09:00:00.000Z', '2026-03-05T09:00:00.000Z');
    expect(keepOpenWindows([earlier], stored, now)[0]).toMatchObject({ opensAt: '2026-03-01T09:00:00.000Z', closesAt: '2026-03-09T09:00:00.000Z' });
  });

  it('moves freely a window that has not opened yet, or an instance that is finished', () => {
    const planned = instance('scheduled', '2026-03-20T09:00:00.000Z', '2026-03-27T09:00:00.000Z');
    expect(keepOpenWindows([planned], [instance('scheduled', '2026-03-10T09:00:00.000Z', '2026-03-17T09:00:00.000Z')], now)[0]).toEqual(planned);
    expect(keepOpenWindows([planned], [instance('completed', '2026-03-02T09:00:00.000Z', '2026-03-09T09:00:00.000Z')], now)[0]).toEqual(planned);
  });
});
