import { describe, expect, it } from 'vitest';
import { FHIR_ID, fhirId, instanceResources, questionnaire } from '../../functions/core/export/fhir';
import { loincCodes } from '../../functions/core/export/loinc-codes';
import type { Instance } from '../../functions/core/schedule/records';
import { scoreInstrument } from '../../functions/core/scoring/engine';
import { findInstrument, listInstruments } from '../../functions/adapters/bundled-catalogue/bundled-catalogue';
import { fhirProblems } from '../helpers/fhir-r4';

const instruments = [{ id: 'phq9', version: '1.0' }, { id: 'gad7', version: '1.0' }, { id: 'peg3', version: '1.0' }];
// PHQ-9 item 8 and GAD-7 item 4 unanswered: PHQ-9 is prorated, GAD-7 is not scored.
const answers = { PHQ9_1: 1, PHQ9_2: 1, PHQ9_3: 1, PHQ9_4: 1, PHQ9_5: 1, PHQ9_6: 1, PHQ9_7: 1, PHQ9_8: null, PHQ9_9: 0, GAD7_1: 1, GAD7_2: 1, GAD7_3: 1, GAD7_4: null, GAD7_5: 1, GAD7_6: 1, GAD7_7: 1, PEG_1: 2, PEG_2: 3, PEG_3: 4 };
const scores = instruments.map(({ id }) => scoreInstrument(findInstrument(id)!.scoring, answers));
const completed: Instance = {
  studyId: 'demo', code: 'P-0002', timepoint: 'baseline', arm: 'waitlist', status: 'completed', instruments,
  opensAt: '', closesAt: '', dueAt: '', answers, scores, completedAt: '2026-03-02T12:00:00.000Z',
};
const ndjson = (resources: Iterable<object>) => [...resources].map((r) => `${JSON.stringify(r)}\n`).join('');

describe('the FHIR Questionnaire of an instrument', () => {
  it('has every item with its codes and, where the wording ships, its text and code labels', () => {
    const q = questionnaire(findInstrument('phq9')!);
    expect(q).toMatchObject({
      resourceType: 'Questionnaire', id: 'questionnaire.phq9.1.0', url: 'urn:timepoint:questionnaire:phq9', version: '1.0',
      name: 'Timepoint_phq9', title: 'Patient Health Questionnaire-9', status: 'active',
    });
    const items = q.item as Array<Record<string, any>>;
    expect(items.map((i) => i.linkId)).toEqual(Array.from({ length: 10 }, (_, n) => `PHQ9_${n + 1}`));
    expect(items[0]).toEqual({
      linkId: 'PHQ9_1', text: 'Little interest or pleasure in doing things', type: 'choice',
      answerOption: ['Not at all', 'Several days', 'More than half the days', 'Nearly every day'].map((display, code) => ({
        valueCoding: { system: 'urn:timepoint:answer:phq9', code: String(code), display },
      })),
    });
  });

  it('uses the item id as text and bare codes where the licence keeps the wording out', () => {
    const items = questionnaire(findInstrument('bdi2')!).item as Array<Record<string, any>>;
    expect(items[0]).toEqual({
      linkId: 'BDI2_1', text: 'BDI2_1', type: 'choice',
      answerOption: [0, 1, 2, 3].map((code) => ({ valueCoding: { system: 'urn:timepoint:answer:bdi2', code: String(code) } })),
    });
  });

  it('makes rating items integer (or decimal) with their range', () => {
    const items = questionnaire(findInstrument('peg3')!).item as Array<Record<string, any>>;
    expect(items[0]).toMatchObject({
      linkId: 'PEG_1', type: 'integer',
      extension: [
        { url: 'http://hl7.org/fhir/StructureDefinition/minValue', valueInteger: 0 },
        { url: 'http://hl7.org/fhir/StructureDefinition/maxValue', valueInteger: 10 },
      ],
    });
  });

  it('is structurally valid R4 for every bundled instrument, with no licensed text anywhere', () => {
    const all = listInstruments().map(questionnaire);
    expect(fhirProblems(ndjson(all))).toEqual([]);
    for (const q of all.filter((_, n) => !listInstruments()[n]!.scoring.licence.textIncluded)) {
      for (const item of q.item as Array<Record<string, any>>) {
        expect(item.text).toBe(item.linkId);
        for (const option of item.answerOption ?? []) expect(option.valueCoding.display).toBeUndefined();
      }
    }
  });
});

describe('the FHIR resources of a completed instance', () => {
  const resources = [...instanceResources('demo', completed, findInstrument)];

  it('are, per instrument, a QuestionnaireResponse then an Observation per scored scale', () => {
    expect(resources.map((r) => `${r.resourceType}/${r.id}`)).toEqual([
      'QuestionnaireResponse/qr.P-0002.baseline.phq9',
      'Observation/obs.P-0002.baseline.phq9.total',
      'QuestionnaireResponse/qr.P-0002.baseline.gad7',
      // GAD-7 was not scored (an item missing, all required): no Observation.
      'QuestionnaireResponse/qr.P-0002.baseline.peg3',
      'Observation/obs.P-0002.baseline.peg3.peg',
    ]);
  });

  it('answer with codings for coded items and integers for ratings, leaving unanswered items out', () => {
    expect(resources[0]).toEqual({
      resourceType: 'QuestionnaireResponse', id: 'qr.P-0002.baseline.phq9', questionnaire: 'urn:timepoint:questionnaire:phq9|1.0', status: 'completed',
      subject: { identifier: { system: 'urn:timepoint:demo', value: 'P-0002' } }, authored: '2026-03-02T12:00:00.000Z',
      item: ['PHQ9_1', 'PHQ9_2', 'PHQ9_3', 'PHQ9_4', 'PHQ9_5', 'PHQ9_6', 'PHQ9_7', 'PHQ9_9'].map((linkId) => ({
        linkId, answer: [{ valueCoding: { system: 'urn:timepoint:answer:phq9', code: linkId === 'PHQ9_9' ? '0' : '1' } }],
      })),
    });
    expect((resources[3]!.item as unknown[])[2]).toEqual({ linkId: 'PEG_3', answer: [{ valueInteger: 4 }] });
  });

  it('observe the value with the Timepoint code and the verified LOINC code, band, rule and source', () => {
    expect(resources[1]).toEqual({
      resourceType: 'Observation', id: 'obs.P-0002.baseline.phq9.total', status: 'final',
      category: [{ coding: [{ system: 'http://terminology.hl7.org/CodeSystem/observation-category', code: 'survey', display: 'Survey' }] }],
      code: {
        coding: [
          { system: 'urn:timepoint:scale', code: 'phq9.total', display: 'Depression severity (PHQ-9 total)' },
          { system: 'http://loinc.org', code: '44261-6', display: 'Patient Health Questionnaire 9 item (PHQ-9) total score [Reported]' },
        ],
        text: 'Depression severity (PHQ-9 total)',
      },
      subject: { identifier: { system: 'urn:timepoint:demo', value: 'P-0002' } },
      effectiveDateTime: '2026-03-02T12:00:00.000Z',
      valueQuantity: { value: 7.875, unit: 'score', system: 'http://unitsofmeasure.org', code: '{score}' },
      interpretation: [{ coding: [{ system: 'urn:timepoint:band:phq9.total', code: 'mild' }], text: 'mild' }],
      method: { coding: [{ system: 'urn:timepoint:missing-rule:phq9', code: 'nhs_mean_substitution' }], text: 'prorated: 8 of 9 items answered' },
      component: [{ code: { coding: [{ system: 'urn:timepoint:scale', code: 'phq9.total.raw' }], text: 'raw score' }, valueQuantity: { value: 7.875, unit: 'score', system: 'http://unitsofmeasure.org', code: '{score}' } }],
      derivedFrom: [{ reference: 'QuestionnaireResponse/qr.P-0002.baseline.phq9' }],
    });
    expect(resources[4]).toMatchObject({ code: { coding: [{ code: 'peg3.peg' }, { system: 'http://loinc.org', code: '91147-9' }] }, valueQuantity: { value: 3 } });
    expect(resources[4]).not.toHaveProperty('interpretation');
  });

  it('resolve against their Questionnaires and pass the structural R4 check', () => {
    const file = ndjson([...instruments.map(({ id }) => questionnaire(findInstrument(id)!)), ...resources]);
    expect(fhirProblems(file)).toEqual([]);
    // The check itself catches a dangling reference and a second value[x].
    const broken = file.replace('"reference":"QuestionnaireResponse/qr.P-0002.baseline.peg3"', '"reference":"QuestionnaireResponse/nowhere"').replace('"valueQuantity":{"value":3,', '"valueString":"x","valueQuantity":{"value":3,');
    expect(fhirProblems(broken)).toEqual([
      expect.stringContaining('more than one value[x]'),
      expect.stringContaining('derivedFrom QuestionnaireResponse/nowhere is not earlier in the file'),
    ]);
  });

  it('are nothing for an instance not completed', () => {
    for (const status of ['scheduled', 'open', 'started', 'expired', 'cancelled'] as const) {
      expect([...instanceResources('demo', { ...completed, status, completedAt: undefined } as Instance, findInstrument)]).toEqual([]);
    }
  });
});

describe('FHIR ids', () => {
  it('are the parts joined with dots when valid, else a readable prefix and a hash of the exact parts', () => {
    expect(fhirId(['obs', 'P-0001', 'week8', 'phq9', 'total'])).toBe('obs.P-0001.week8.phq9.total');
    const a = fhirId(['obs', 'P-0001', 'week_8', 'promis29', 'sleep_disturbance']);
    const b = fhirId(['obs', 'P-0001', 'week-8', 'promis29', 'sleep-disturbance']);
    expect(a).toMatch(FHIR_ID);
    expect(a.startsWith('obs.P-0001.week-8.promis29.sleep-disturbance'.slice(0, 47))).toBe(true);
    expect(a).not.toBe(b);
    expect(fhirId(['obs', 'x'.repeat(32), 'y'.repeat(40), 'promis29', 'physical_function'])).toMatch(FHIR_ID);
  });
});

/** LOINC's mod-10 check digit (the digit after the hyphen). */
const loincCheckDigit = (digits: string) => {
  const sum = [...digits].reverse().reduce((total, d, i) => total + (i % 2 === 0 ? [...String(Number(d) * 2)].reduce((a, b) => a + Number(b), 0) : Number(d)), 0);
  return (10 - (sum % 10)) % 10;
};

describe('the LOINC map', () => {
  it('names only scales that exist, with well-formed codes whose check digit is right', () => {
    for (const [key, { code }] of Object.entries(loincCodes)) {
      const [instrument, scale] = key.split('.');
      expect(findInstrument(instrument!)?.scoring.scales.some((s) => s.id === scale), key).toBe(true);
      expect(code).toMatch(/^\d{1,7}-\d$/);
      const [digits, check] = code.split('-');
      expect(loincCheckDigit(digits!), code).toBe(Number(check));
    }
    expect(Object.keys(loincCodes).some((k) => k.startsWith('promis29.'))).toBe(false);
  });
});
