import { describe, expect, it } from 'vitest';
import { itemColumnSpecs } from '../../functions/core/export/columns';
import { instanceResources, questionnaire } from '../../functions/core/export/fhir';
import { itemRows } from '../../functions/core/export/item-rows';
import { exportLayout } from '../../functions/core/export/layout';
import { scoringDefinitionSchema } from '../../functions/core/scoring/definition';
import type { Instance } from '../../functions/core/schedule/records';
import type { Participant } from '../../functions/core/study/study';
import { aygunStudy } from '../../functions/demo/demo-study';
import { RowError, scoreCsv, scoreJsonLines } from '../../scripts/commands/score-rows';
import { findInstrument, listInstruments } from '../../functions/adapters/bundled-catalogue/bundled-catalogue';

// BDI-II manual: items 16 (changes in sleeping pattern) and 18 (changes in appetite) print seven
// options, 0, 1a, 1b, 2a, 2b, 3a, 3b, and score as their digit. PAM-13 prints N/A beside 1–4.
const bdi2 = findInstrument('bdi2')!.scoring;
const pam13 = findInstrument('pam13')!.scoring;

/** A BDI-II CSV: items 1–21 all `rest`, with items 16 and 18 as given. */
const bdiCsv = (rows: Array<[string, string]>, rest = '0') => {
  const header = Array.from({ length: 21 }, (_, i) => `BDI2_${i + 1}`);
  const line = ([sleep, appetite]: [string, string]) =>
    header.map((id) => (id === 'BDI2_16' ? sleep : id === 'BDI2_18' ? appetite : rest)).join(',');
  return [['id', ...header].join(','), ...rows.map((r, n) => `r${n + 1},${line(r)}`)].join('\n') + '\n';
};
const totals = (csv: string) =>
  csv.trim().split('\n').slice(1).map((line) => line.split(',')[22]);
const rowError = (run: () => unknown) => {
  try {
    run();
  } catch (e) {
    return e instanceof RowError ? e.message : `not a RowError: ${String(e)}`;
  }
  return 'no error';
};

describe('printed codes (paper forms whose options are not the stored numbers)', () => {
  it('are data in the scoring definition: BDI-II items 16 and 18, and every PAM-13 item', () => {
    const printing = listInstruments().flatMap((i) => i.scoring.items.filter((item) => item.printedCodes).map((item) => item.id));
    expect(printing).toEqual(['PAM_1', 'PAM_2', 'PAM_3', 'PAM_4', 'PAM_5', 'PAM_6', 'PAM_7', 'PAM_8', 'PAM_9', 'PAM_10', 'PAM_11', 'PAM_12', 'PAM_13', 'BDI2_16', 'BDI2_18']);
    expect(bdi2.items.find((i) => i.id === 'BDI2_16')!.printedCodes).toEqual({ '0': 0, '1a': 1, '1b': 2, '2a': 3, '2b': 4, '3a': 5, '3b': 6 });
    expect(pam13.items[0]!.printedCodes).toEqual({ '1': 1, '2': 2, '3': 3, '4': 4, 'N/A': 5 });
  });

  it('must name each stored code exactly once', () => {
    const item = { id: 'X_1', codes: [0, 1, 2] };
    const definition = (printedCodes: Record<string, number>) => ({
      id: 'x', version: '1', scoringVersion: '1', name: 'X', citation: 'nobody', constructs: ['mood'],
      licence: { category: 'PD', holder: 'nobody', textIncluded: true, terms: 'none' },
      items: [{ ...item, printedCodes }],
      scales: [{ id: 'total', label: 'Total', items: ['X_1'], formula: 'sum', missing: 'all' }],
      missingRules: { all: { kind: 'all_required', description: 'all' } },
    });
    expect(scoringDefinitionSchema().safeParse(definition({ '0': 0, a: 1, b: 2 })).success).toBe(true);
    expect(scoringDefinitionSchema().safeParse(definition({ '0': 0, a: 1 })).success).toBe(false);
    expect(scoringDefinitionSchema().safeParse(definition({ '0': 0, a: 1, b: 7 })).success).toBe(false);
    expect(scoringDefinitionSchema().safeParse(definition({ '0': 0, a: 1, A: 2 })).success).toBe(false);
  });

  it('score as the manual says when entered from paper: 1a and 1b → 1, 2a and 2b → 2, 3a and 3b → 3', () => {
    const csv = bdiCsv([['0', '0'], ['1a', '0'], ['0', '1b'], ['2a', '2b'], ['3b', '3a'], ['1B', ' 3A ']]);
    expect(totals(scoreCsv(bdi2, csv, {}))).toEqual(['0', '1', '1', '4', '6', '4']);
  });

  it('pass through unchanged in the scored CSV, so the printed code is kept', () => {
    const out = scoreCsv(bdi2, bdiCsv([['2b', '1a']]), {});
    expect(out.split('\n')[1]).toBe(`r1,${Array(15).fill('0').join(',')},2b,0,1a,0,0,0,3,complete,`);
  });

  it('are read from JSON Lines as strings', () => {
    const answers = Object.fromEntries(Array.from({ length: 21 }, (_, i) => [`BDI2_${i + 1}`, 1]));
    const line = JSON.stringify({ ...answers, BDI2_16: '3b', BDI2_18: '0' });
    expect(JSON.parse(scoreJsonLines(bdi2, line, {})).scales.total).toMatchObject({ value: 19 + 3 + 0, status: 'complete' });
  });

  it('refuse a bare digit that is not printed on the form, naming the row, item and the printed codes', () => {
    // "2" could be 2a or 2b; as a stored code it would even mean 1b. Never guess.
    expect(rowError(() => scoreCsv(bdi2, bdiCsv([['0', '0'], ['2', '0']]), {}))).toBe(
      'row 2, item BDI2_16: "2" is not a code printed on the form (printed: 0, 1a, 1b, 2a, 2b, 3a, 3b)',
    );
    const answers = Object.fromEntries(Array.from({ length: 21 }, (_, i) => [`BDI2_${i + 1}`, 0]));
    expect(rowError(() => scoreJsonLines(bdi2, JSON.stringify({ ...answers, BDI2_18: 6 }), {}))).toBe(
      'row 1, item BDI2_18: "6" is not a code printed on the form (printed: 0, 1a, 1b, 2a, 2b, 3a, 3b)',
    );
    expect(rowError(() => scoreCsv(bdi2, bdiCsv([['4c', '0']]), {}))).toContain('row 1, item BDI2_16: "4c" is not a code printed');
  });

  it('read PAM-13 "N/A" as not applicable (scored as missing), and refuse the stored 5', () => {
    const header = Array.from({ length: 13 }, (_, i) => `PAM_${i + 1}`);
    const csv = `${header.join(',')}\nN/A,${Array(12).fill('3').join(',')}\n`;
    expect(scoreCsv(pam13, csv, {}).split('\n')[1]).toBe(`N/A,${Array(12).fill('3').join(',')},,not_scored,`);
    expect(rowError(() => scoreCsv(pam13, `${header.join(',')}\n5,${Array(12).fill('3').join(',')}\n`, {}))).toBe(
      'row 1, item PAM_1: "5" is not a code printed on the form (printed: 1, 2, 3, 4, N/A)',
    );
  });

  describe('in the item-level exports', () => {
    const layout = exportLayout(aygunStudy, [], findInstrument);
    const columns = itemColumnSpecs(aygunStudy, layout, findInstrument);
    const answers = { ...Object.fromEntries(bdi2.items.map((i) => [i.id, 0])), BDI2_16: 2, BDI2_18: 5, PAM_1: 5, PAM_2: 4 };
    const instance = {
      studyId: 'aygun2024', code: 'P-0001', arm: 'mbpm', timepoint: 'baseline', status: 'completed', answers,
      instruments: aygunStudy.protocol.timepoints[0]!.instruments, opensAt: '', closesAt: '', dueAt: '', completedAt: '2026-03-02T12:00:00.000Z',
    } as Instance;

    it('describe the printed codes in the codebook', () => {
      expect(columns.find((c) => c.name === 'BDI2_16')).toMatchObject({ type: 'string', codes: ['0', '1a', '1b', '2a', '2b', '3a', '3b'] });
      expect(columns.find((c) => c.name === 'BDI2_17')).toMatchObject({ type: 'integer', codes: [0, 1, 2, 3] });
      expect(columns.find((c) => c.name === 'PAM_1')).toMatchObject({ type: 'string', codes: ['1', '2', '3', '4', 'N/A'] });
    });

    it('write the printed code of each answer in the items format', () => {
      const [row] = [...itemRows(columns, { code: 'P-0001', participant: { code: 'P-0001', arm: 'mbpm' } as Participant, instances: [instance] }, layout.timepointOrder)];
      expect(row).toMatchObject({ BDI2_16: '1b', BDI2_18: '3a', BDI2_17: 0, PAM_1: 'N/A', PAM_2: '4' });
    });

    it('carry the printed code in FHIR answers and answer options', () => {
      const response = [...instanceResources('aygun2024', instance, findInstrument)].find((r) => r.id.includes('bdi2'))!;
      const answer = (linkId: string) => (response.item as Array<{ linkId: string; answer: Array<{ valueCoding: { code: string } }> }>).find((i) => i.linkId === linkId)!.answer[0]!.valueCoding.code;
      expect([answer('BDI2_16'), answer('BDI2_18'), answer('BDI2_1')]).toEqual(['1b', '3a', '0']);
      const options = (questionnaire(findInstrument('bdi2')!).item as Array<{ linkId: string; answerOption: Array<{ valueCoding: { code: string } }> }>)
        .find((i) => i.linkId === 'BDI2_18')!.answerOption.map((o) => o.valueCoding.code);
      expect(options).toEqual(['0', '1a', '1b', '2a', '2b', '3a', '3b']);
    });
  });
});
