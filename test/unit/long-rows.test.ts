import { describe, expect, it } from 'vitest';
import { longColumns, longRows } from '../../functions/core/export/long-rows';
import type { Instance } from '../../functions/core/schedule/records';
import { scoreInstrument } from '../../functions/core/scoring/engine';
import { findInstrument } from '../../functions/adapters/bundled-catalogue/bundled-catalogue';

const instruments = [{ id: 'phq9', version: '1.0' }, { id: 'peg3', version: '1.0' }];
const base = { studyId: 'demo', arm: 'mbpm', instruments, opensAt: '', closesAt: '', dueAt: '' };
const answers = { PHQ9_1: 1, PHQ9_2: 1, PHQ9_3: 1, PHQ9_4: 1, PHQ9_5: 1, PHQ9_6: 1, PHQ9_7: 1, PHQ9_8: 1, PHQ9_9: 0, PEG_1: 4, PEG_2: 5, PEG_3: 6 };
const scores = instruments.map(({ id }) => scoreInstrument(findInstrument(id)!.scoring, answers));

const instances: Instance[] = [
  { ...base, code: 'P-0002', timepoint: 'week8', status: 'expired' },
  { ...base, code: 'P-0001', timepoint: 'week8', status: 'scheduled' },
  { ...base, code: 'P-0001', timepoint: 'baseline', status: 'completed', answers, scores, dueAt: '2026-03-02T09:00:00.000Z', completedAt: '2026-03-03T15:00:00.000Z' },
];
const enrolled = { enrolledAt: '2026-03-02T09:00:00.000Z', protocolVersion: 1 };

describe('the long export rows', () => {
  const rows = [...longRows([{ code: 'P-0001', arm: 'mbpm', ...enrolled, test: true } as never, { code: 'P-0002', arm: 'waitlist', ...enrolled, language: 'fr' } as never], instances, findInstrument, ['baseline', 'week8'])];

  it('come in participant, then protocol timepoint order, one per scale', () => {
    expect(rows.map((r) => `${r.participant}/${r.timepoint}/${r.instrument}.${r.scale}`)).toEqual([
      'P-0001/baseline/phq9.total', 'P-0001/baseline/peg3.peg',
      'P-0001/week8/phq9.total', 'P-0001/week8/peg3.peg',
      'P-0002/week8/phq9.total', 'P-0002/week8/peg3.peg',
    ]);
  });

  it('carry the score, its status, rule and provenance', () => {
    expect(rows[0]).toEqual({
      participant: 'P-0001', arm: 'mbpm', stratum: null, allocation_sequence: null, timepoint: 'baseline', instrument: 'phq9', instrument_version: '1.0', scoring_version: '1',
      scale: 'total', value: 8, raw: 8, se: null, band: 'mild', status: 'complete', missing_rule: 'nhs_mean_substitution',
      answered: 9, items: 9, completed_at: '2026-03-03T15:00:00.000Z',
      enrolled_at: '2026-03-02T09:00:00.000Z', due_at: '2026-03-02T09:00:00.000Z', days_from_enrolment: 1.25, protocol_version: 1, language: 'en', test: 1,
    });
    // `test` is written only when test participants are asked for (the export's header decides).
    expect(Object.keys(rows[0]!)).toEqual([...longColumns, 'test']);
  });

  it('make a missing questionnaire an explicit row with its state and no value', () => {
    expect(rows[4]).toMatchObject({ participant: 'P-0002', arm: 'waitlist', value: null, status: 'expired', completed_at: null, days_from_enrolment: null, language: 'fr', test: 0 });
  });
});
