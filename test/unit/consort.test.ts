import { describe, expect, it } from 'vitest';
import { consortCounts } from '../../functions/core/analysis/consort';
import type { Participant } from '../../functions/core/study/study';
import { allocatingStudy } from '../helpers/allocation-study';

const participant = (code: string, arm: string, extra: Partial<Participant> = {}): Participant => ({
  studyId: 'rct', code, arm, timezone: 'Europe/London', status: 'active', enrolledAt: '2026-03-02T10:00:00.000Z', protocolVersion: 1, dates: {}, ...extra,
});
const allocated = { allocation: { sequence: 1, stratum: 'all', at: '2026-03-02T10:00:00.000Z', method: 'blocked' as const } };

describe('the CONSORT-style participant flow', () => {
  it('counts enrolled, allocated per arm, withdrawn and completed per timepoint, and the screening of a join link', () => {
    const study = { ...allocatingStudy(), join: { enabled: true, screener: {}, eligibility: 'true', strata: {} } };
    const participants = [
      participant('P-0001', 'mbpm', allocated),
      participant('P-0002', 'mbpm', { ...allocated, status: 'withdrawn' }),
      participant('P-0003', 'waitlist', allocated),
      participant('P-0004', 'healthy'),
    ];
    const instances = [
      { code: 'P-0001', timepoint: 'baseline', status: 'completed' as const },
      { code: 'P-0001', timepoint: 'week8', status: 'scheduled' as const },
      { code: 'P-0002', timepoint: 'baseline', status: 'completed' as const },
      { code: 'P-0002', timepoint: 'week8', status: 'cancelled' as const },
      { code: 'P-0003', timepoint: 'baseline', status: 'expired' as const },
      { code: 'P-0004', timepoint: 'baseline', status: 'completed' as const },
    ];
    const counts = consortCounts(study, participants, instances, { eligible: 5, ineligible: 3 });
    expect(counts).toMatchObject({ assessedForEligibility: 8, ineligible: 3, enrolled: 4, allocated: 3, withdrawn: 1 });
    expect(counts.arms.map((a) => [a.arm, a.randomised, a.enrolled, a.allocated, a.withdrawn])).toEqual([
      ['mbpm', true, 2, 2, 1],
      ['waitlist', true, 1, 1, 0],
      ['healthy', false, 1, 0, 0],
    ]);
    expect(counts.arms[0]!.timepoints).toEqual([
      { timepoint: 'baseline', planned: 2, completed: 2 },
      // A cancelled (withdrawn) week 8 is not planned any more.
      { timepoint: 'week8', planned: 1, completed: 0 },
    ]);
    expect(counts.arms[2]!.timepoints).toEqual([{ timepoint: 'baseline', planned: 1, completed: 1 }]);
  });

  it('has no screening counts for a study without a join link', () => {
    expect(consortCounts(allocatingStudy(), [], [], null)).toMatchObject({ assessedForEligibility: null, ineligible: null, enrolled: 0 });
  });
});
