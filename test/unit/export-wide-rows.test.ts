import { describe, expect, it } from 'vitest';
import { wideColumnSpecs } from '../../functions/core/export/columns';
import { exportLayout } from '../../functions/core/export/layout';
import { wideRow } from '../../functions/core/export/wide-rows';
import type { Instance } from '../../functions/core/schedule/records';
import { scoreInstrument } from '../../functions/core/scoring/engine';
import type { Participant } from '../../functions/core/study/study';
import { demoStudy } from '../../functions/demo/demo-study';
import { findInstrument } from '../../functions/adapters/bundled-catalogue/bundled-catalogue';

const instruments = [{ id: 'phq9', version: '1.0' }, { id: 'gad7', version: '1.0' }, { id: 'peg3', version: '1.0' }];
const base = { studyId: 'demo', arm: 'mbpm', instruments, opensAt: '', closesAt: '', dueAt: '' };
// PHQ-9 item 8 and GAD-7 item 4 unanswered: PHQ-9 is prorated, GAD-7 (all items required) is not scored.
const answers = { PHQ9_1: 1, PHQ9_2: 1, PHQ9_3: 1, PHQ9_4: 1, PHQ9_5: 1, PHQ9_6: 1, PHQ9_7: 1, PHQ9_8: null, PHQ9_9: 0, GAD7_1: 1, GAD7_2: 1, GAD7_3: 1, GAD7_4: null, GAD7_5: 1, GAD7_6: 1, GAD7_7: 1, PEG_1: 2, PEG_2: 3, PEG_3: 4 };
const scores = instruments.map(({ id }) => scoreInstrument(findInstrument(id)!.scoring, answers));
const columns = wideColumnSpecs(demoStudy, exportLayout(demoStudy, [], findInstrument), findInstrument);
const participant = {
  studyId: 'demo', code: 'P-0002', arm: 'waitlist', status: 'withdrawn', enrolledAt: '2026-03-02T09:00:00.000Z', protocolVersion: 2, language: 'fr',
  allocation: { sequence: 7, stratum: 'site=lyon|sex=f', at: '2026-03-02T10:00:00.000Z', method: 'minimisation' },
} as Participant;

describe('the wide row of a participant', () => {
  it('has their arm, allocation stratum and sequence number, status, each timepoint’s completion and every scale value, empty where missing', () => {
    const instances: Instance[] = [
      { ...base, code: 'P-0002', timepoint: 'week8', status: 'cancelled', dueAt: '2026-04-27T08:00:00.000Z' },
      { ...base, code: 'P-0002', timepoint: 'baseline', status: 'completed', answers, scores, dueAt: '2026-03-02T09:00:00.000Z', completedAt: '2026-03-02T12:00:00.000Z' },
    ];
    const row = wideRow(columns, { code: 'P-0002', participant, instances });
    expect(row).toEqual({
      participant: 'P-0002', arm: 'waitlist', stratum: 'site=lyon|sex=f', allocation_sequence: 7, status: 'withdrawn',
      enrolled_at: '2026-03-02T09:00:00.000Z', protocol_version: 2, language: 'fr',
      baseline_completed_at: '2026-03-02T12:00:00.000Z', baseline_due_at: '2026-03-02T09:00:00.000Z', baseline_days_from_enrolment: 0.125,
      baseline_phq9_total: 7.875, baseline_gad7_total: null, baseline_peg3_peg: 3,
      week8_completed_at: null, week8_due_at: '2026-04-27T08:00:00.000Z', week8_days_from_enrolment: null,
      week8_phq9_total: null, week8_gad7_total: null, week8_peg3_peg: null,
    });
    expect(Object.keys(row)).toEqual(columns.map((c) => c.name));
  });

  it('is all empty cells for a participant with nothing planned yet', () => {
    const { allocation: _none, ...notAllocated } = participant;
    const row = wideRow(columns, { code: 'P-0009', participant: { ...notAllocated, code: 'P-0009', status: 'active' }, instances: [] });
    expect(Object.entries(row).filter(([, v]) => v !== null)).toEqual([
      ['participant', 'P-0009'], ['arm', 'waitlist'], ['status', 'active'], ['enrolled_at', '2026-03-02T09:00:00.000Z'], ['protocol_version', 2], ['language', 'fr'],
    ]);
  });

  it('takes the arm from the instances when the participant record is missing, and ignores unknown timepoints', () => {
    const row = wideRow(columns, { code: 'P-0010', participant: undefined, instances: [{ ...base, code: 'P-0010', timepoint: 'week99', status: 'completed', scores, completedAt: 'x' }] });
    expect(row).toMatchObject({ participant: 'P-0010', arm: 'mbpm', status: null });
    expect(Object.keys(row)).toEqual(columns.map((c) => c.name));
  });
});
