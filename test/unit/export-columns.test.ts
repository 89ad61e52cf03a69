import { describe, expect, it } from 'vitest';
import { codebook, codebookColumns, codebookRow } from '../../functions/core/export/codebook';
import {
  checkIdentifiers,
  IDENTIFIER,
  itemColumnSpecs,
  longColumnSpecs,
  shippedWording,
  STATA_NAME_LIMIT,
  wideColumnSpecs,
} from '../../functions/core/export/columns';
import { exportLayout } from '../../functions/core/export/layout';
import { longColumns } from '../../functions/core/export/long-rows';
import type { Protocol, Study } from '../../functions/core/study/study';
import { aygunStudy, demoStudy } from '../../functions/demo/demo-study';
import { findInstrument, listInstruments } from '../../functions/adapters/bundled-catalogue/bundled-catalogue';

const layoutOf = (study: Study, older: Protocol[] = []) => exportLayout(study, older, findInstrument);

describe('the export layout', () => {
  it('follows the current protocol, then appends what only older versions had', () => {
    const v1: Protocol = {
      version: 1,
      timepoints: [
        { ...demoStudy.protocol.timepoints[0]!, instruments: [{ id: 'phq9', version: '1.0' }, { id: 'who5', version: '1.0' }] },
        { ...demoStudy.protocol.timepoints[1]!, id: 'week12', label: 'Week 12' },
      ],
    };
    const study: Study = { ...demoStudy, protocol: { ...demoStudy.protocol, version: 2 } };
    const layout = layoutOf(study, [v1]);
    expect(layout.timepointOrder).toEqual(['baseline', 'week8', 'week12']);
    expect(layout.timepoints[0]!.instruments.map((i) => i.id)).toEqual(['phq9', 'gad7', 'peg3', 'who5']);
    expect(layout.instruments.map((i) => `${i.id}@${i.version}`)).toEqual(['phq9@1.0', 'gad7@1.0', 'peg3@1.0', 'who5@1.0']);
  });

  it('refuses an instrument the catalogue lacks', () => {
    const study: Study = { ...demoStudy, protocol: { version: 1, timepoints: [{ ...demoStudy.protocol.timepoints[0]!, instruments: [{ id: 'phq9', version: '9.9' }] }] } };
    expect(() => layoutOf(study)).toThrow('instrument phq9@9.9 (timepoint baseline) is not installed');
  });
});

describe('the wide columns', () => {
  it('are participant, arm, status, enrolment and context, then per timepoint its timing and every scale, in schedule order', () => {
    expect(wideColumnSpecs(demoStudy, layoutOf(demoStudy), findInstrument).map((c) => c.name)).toEqual([
      'participant', 'arm', 'stratum', 'allocation_sequence', 'status', 'enrolled_at', 'protocol_version', 'language',
      'baseline_completed_at', 'baseline_due_at', 'baseline_days_from_enrolment', 'baseline_phq9_total', 'baseline_gad7_total', 'baseline_peg3_peg',
      'week8_completed_at', 'week8_due_at', 'week8_days_from_enrolment', 'week8_phq9_total', 'week8_gad7_total', 'week8_peg3_peg',
    ]);
  });

  it('are valid SPSS/Stata names for the trial battery (long ones are listed for Stata users)', () => {
    const names = wideColumnSpecs(aygunStudy, layoutOf(aygunStudy), findInstrument).map((c) => c.name);
    // 8 + 2 timepoints × (completed_at, due_at, days_from_enrolment + PROMIS-29 8, SF-MPQ 5, PAM-13 1, PCS 4, BDI-II 1, MAIA 8, FFMQ-39 6).
    expect(names).toHaveLength(8 + 2 * (3 + 8 + 5 + 1 + 4 + 1 + 8 + 6));
    for (const name of names) expect(name).toMatch(IDENTIFIER);
    // docs/exports.md says which names Stata (32 characters) will rename on import.
    expect(names.filter((n) => n.length > STATA_NAME_LIMIT)).toEqual([
      'baseline_promis29_physical_function',
      'baseline_promis29_sleep_disturbance',
      'baseline_promis29_pain_interference',
      'baseline_maia1_attention_regulation',
      'baseline_maia1_emotional_awareness',
    ]);
  });

  it('carry each scale’s label, instrument, version and licence', () => {
    const column = wideColumnSpecs(demoStudy, layoutOf(demoStudy), findInstrument).find((c) => c.name === 'week8_phq9_total');
    expect(column).toEqual({
      name: 'week8_phq9_total', label: 'Week 8: Depression severity (PHQ-9 total)', type: 'number', timepoint: 'week8',
      instrument: 'phq9', instrumentVersions: ['1.0'], scale: 'total', licence: { category: 'PD', holder: 'Pfizer Inc.' },
    });
  });

  it('are checked: an invalid or repeated name is refused with the name', () => {
    expect(() => checkIdentifiers(['participant', '1st_phq9_total'])).toThrow('"1st_phq9_total" is not a valid SPSS/Stata variable name');
    expect(() => checkIdentifiers(['a-b'])).toThrow('not a valid');
    expect(() => checkIdentifiers(['x'.repeat(65)])).toThrow('not a valid');
    expect(() => checkIdentifiers(['week_phq9_total', 'week_phq9_total'])).toThrow('would appear twice');
  });
});

describe('the item columns', () => {
  it('list every item of every battery once, in protocol and form order, after the instance columns', () => {
    const names = itemColumnSpecs(demoStudy, layoutOf(demoStudy), findInstrument).map((c) => c.name);
    expect(names.slice(0, 13)).toEqual([
      'participant', 'arm', 'stratum', 'allocation_sequence', 'timepoint', 'status', 'completed_at',
      'enrolled_at', 'due_at', 'days_from_enrolment', 'protocol_version', 'language', 'PHQ9_1',
    ]);
    expect(names.slice(12)).toEqual([
      ...Array.from({ length: 10 }, (_, i) => `PHQ9_${i + 1}`),
      ...Array.from({ length: 7 }, (_, i) => `GAD7_${i + 1}`),
      'PEG_1', 'PEG_2', 'PEG_3',
    ]);
  });

  it('label an item with its shipped wording and code labels where the licence allows', () => {
    const columns = itemColumnSpecs(demoStudy, layoutOf(demoStudy), findInstrument);
    expect(columns.find((c) => c.name === 'PHQ9_1')).toEqual({
      name: 'PHQ9_1', label: 'Little interest or pleasure in doing things', type: 'integer', instrument: 'phq9', instrumentVersions: ['1.0'],
      item: 'PHQ9_1', codes: [0, 1, 2, 3],
      valueLabels: { 0: 'Not at all', 1: 'Several days', 2: 'More than half the days', 3: 'Nearly every day' },
      licence: { category: 'PD', holder: 'Pfizer Inc.' },
    });
    expect(columns.find((c) => c.name === 'PEG_1')).toMatchObject({
      type: 'integer', range: { min: 0, max: 10, integer: true }, valueLabels: { 0: 'No pain', 10: 'Pain as bad as you can imagine' },
    });
  });

  it('never carry wording of an instrument whose wording does not ship', () => {
    const columns = itemColumnSpecs(aygunStudy, layoutOf(aygunStudy), findInstrument);
    expect(columns.find((c) => c.name === 'BDI2_1')).toEqual({
      name: 'BDI2_1', label: 'Beck Depression Inventory-II: BDI2_1 (wording not shipped)', type: 'integer', instrument: 'bdi2', instrumentVersions: ['1.0'],
      item: 'BDI2_1', codes: [0, 1, 2, 3], licence: { category: 'LICENSE', holder: 'NCS Pearson, Inc.' },
    });
    for (const column of columns.filter((c) => c.item !== undefined)) {
      expect(column.valueLabels).toBeUndefined();
      expect(column.label).toMatch(/\(wording not shipped\)$/);
    }
  });

  it('take wording only from forms (and only items, not pages or panels)', () => {
    const survey = { pages: [{ name: 'X_1', elements: [{ type: 'panel', name: 'p', elements: [{ type: 'radiogroup', name: 'X_1', title: 'Q', choices: [{ value: 1, text: 'one' }] }] }] }] };
    expect(shippedWording(survey, 'X_1')).toEqual({ title: 'Q', valueLabels: { 1: 'one' } });
    expect(shippedWording(survey, 'X_2')).toBeUndefined();
  });
});

describe('the codebook', () => {
  const layout = layoutOf(demoStudy);
  const book = codebook('demo', [
    { format: 'long', columns: longColumnSpecs(demoStudy, layout) },
    { format: 'wide', columns: wideColumnSpecs(demoStudy, layout, findInstrument) },
    { format: 'items', columns: itemColumnSpecs(demoStudy, layout, findInstrument) },
  ]);

  it('describes every column of long (in its fixed order), wide and items', () => {
    expect(book.formats).toEqual(['long', 'wide', 'items']);
    expect(book.columns.filter((c) => c.format === 'long').map((c) => c.column)).toEqual([...longColumns]);
    expect(book.columns.filter((c) => c.format === 'wide')).toHaveLength(8 + 2 * 6);
    expect(book.columns.filter((c) => c.format === 'items')).toHaveLength(12 + 20);
    for (const entry of book.columns) expect(['string', 'number', 'integer', 'datetime']).toContain(entry.type);
  });

  it('flattens to CSV rows: codes joined with |, ranges as min..max, labels as code=label', () => {
    const row = (format: string, column: string) => codebookRow(book.columns.find((c) => c.format === format && c.column === column)!);
    expect(Object.keys(row('long', 'arm'))).toEqual([...codebookColumns]);
    expect(row('items', 'GAD7_7')).toEqual({
      format: 'items', column: 'GAD7_7', label: 'Feeling afraid, as if something awful might happen', type: 'integer', timepoint: null,
      instrument: 'gad7', instrument_version: '1.0', scale: null, codes: '0|1|2|3',
      value_labels: '0=Not at all | 1=Several days | 2=More than half the days | 3=Nearly every day', licence_category: 'PD', licence_holder: 'Pfizer Inc.',
    });
    expect(row('items', 'PEG_2')).toMatchObject({ codes: '0..10', value_labels: '0=Does not interfere | 10=Completely interferes' });
    expect(row('long', 'arm')).toMatchObject({ codes: 'mbpm|waitlist|healthy', value_labels: 'mbpm=Mindfulness-Based Pain Management course | waitlist=Wait-list control | healthy=Healthy control' });
    expect(row('long', 'completed_at')).toMatchObject({ type: 'datetime', codes: null, instrument: null });
  });

  it('never contains wording of a licensed instrument, for any bundled instrument', () => {
    const everything: Study = {
      ...demoStudy,
      protocol: { version: 1, timepoints: [{ ...demoStudy.protocol.timepoints[0]!, instruments: listInstruments().map(({ id, version }) => ({ id, version })) }] },
    };
    const l = layoutOf(everything);
    const entries = codebook('all', [{ format: 'items', columns: itemColumnSpecs(everything, l, findInstrument) }]).columns;
    for (const instrument of listInstruments().filter((i) => !i.scoring.licence.textIncluded)) {
      for (const item of instrument.scoring.items) {
        const entry = entries.find((e) => e.column === item.id)!;
        // An item id two instruments share (FFMQ-15 keeps its FFMQ-39 numbers) is one column, labelled by the first.
        expect(entry.label).toMatch(new RegExp(`: ${item.id} \\(wording not shipped\\)$`));
        expect(entry.valueLabels).toBeUndefined();
      }
    }
  });
});
