import { describe, expect, it } from 'vitest';
import { itemColumnSpecs } from '../../functions/core/export/columns';
import { itemRows } from '../../functions/core/export/item-rows';
import { exportLayout } from '../../functions/core/export/layout';
import type { Instance } from '../../functions/core/schedule/records';
import type { Participant } from '../../functions/core/study/study';
import { demoStudy } from '../../functions/demo/demo-study';
import { findInstrument } from '../../functions/adapters/bundled-catalogue/bundled-catalogue';

const layout = exportLayout(demoStudy, [], findInstrument);
const columns = itemColumnSpecs(demoStudy, layout, findInstrument);
const base = { studyId: 'demo', arm: 'mbpm', instruments: demoStudy.protocol.timepoints[0]!.instruments, opensAt: '', closesAt: '', dueAt: '' };
const answers = { PHQ9_1: 3, PHQ9_2: 2, PHQ9_3: 1, PHQ9_4: 0, PHQ9_5: 1, PHQ9_6: 2, PHQ9_7: 3, PHQ9_8: null, PHQ9_9: 0, GAD7_1: 1, GAD7_2: 1, GAD7_3: 1, GAD7_4: 1, GAD7_5: 1, GAD7_6: 1, GAD7_7: 1, PEG_1: 10, PEG_2: 0, PEG_3: 5 };

describe('the item rows of a participant', () => {
  const rows = [
    ...itemRows(
      columns,
      {
        code: 'P-0001',
        participant: { code: 'P-0001', arm: 'mbpm', enrolledAt: '2026-03-01T12:00:00.000Z', protocolVersion: 1 } as Participant,
        instances: [
          { ...base, code: 'P-0001', timepoint: 'week8', status: 'expired' },
          { ...base, code: 'P-0001', timepoint: 'baseline', status: 'completed', answers, dueAt: '2026-03-02T09:00:00.000Z', completedAt: '2026-03-02T12:00:00.000Z' },
        ] as Instance[],
      },
      layout.timepointOrder,
    ),
  ];

  it('are one per timepoint, in protocol order, with every answer as its stored code', () => {
    expect(rows.map((r) => r.timepoint)).toEqual(['baseline', 'week8']);
    expect(rows[0]).toEqual({
      participant: 'P-0001', arm: 'mbpm', stratum: null, allocation_sequence: null, timepoint: 'baseline', status: 'completed', completed_at: '2026-03-02T12:00:00.000Z',
      enrolled_at: '2026-03-01T12:00:00.000Z', due_at: '2026-03-02T09:00:00.000Z', days_from_enrolment: 1, protocol_version: 1, language: 'en', test: 0,
      ...answers, PHQ9_8: null, PHQ9_10: null,
    });
    // `test` is written only when test participants are asked for (the export's header decides).
    expect(Object.keys(rows[0]!).sort()).toEqual([...columns.map((c) => c.name), 'test'].sort());
  });

  it('leave every item empty for a questionnaire not completed, with its state', () => {
    expect(rows[1]).toMatchObject({ timepoint: 'week8', status: 'expired', completed_at: null });
    expect(columns.filter((c) => c.item).every((c) => rows[1]![c.name] === null)).toBe(true);
  });
});
