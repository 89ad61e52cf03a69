import type { CatalogueInstrument } from '../ports';
import type { Instance } from '../schedule/records';
import type { ScaleScore } from '../scoring/engine';
import type { ItemDefinition } from '../scoring/definition';
import { shippedWording } from './columns';
import type { Find } from './layout';
import { printedCodeOf } from '../scoring/printed-codes';
import { loincCodes } from './loinc-codes';

/**
 * HL7 FHIR R4 resources for the `fhir` export (NDJSON, one resource a line): a Questionnaire
 * per instrument version, a QuestionnaireResponse per completed instrument per instance and an
 * Observation per scored scale. Subjects are pseudonymous identifiers only, never a Patient
 * resource or any contact detail; item text is the bundled wording only where the instrument's
 * licence lets it ship, else the item id.
 */
export type FhirResource = Record<string, unknown> & { resourceType: string; id: string };

export const FHIR_SYSTEMS = {
  questionnaire: (instrument: string) => `urn:timepoint:questionnaire:${instrument}`,
  /** The Timepoint code system of scales: codes `<instrument>.<scale>`. */
  scale: 'urn:timepoint:scale',
  /** An instrument's answer codes: the codes printed on its official form (BDI-II "1b", PAM-13 "N/A"). */
  answer: (instrument: string) => `urn:timepoint:answer:${instrument}`,
  band: (instrument: string, scale: string) => `urn:timepoint:band:${instrument}.${scale}`,
  missingRule: (instrument: string) => `urn:timepoint:missing-rule:${instrument}`,
  subject: (studyId: string) => `urn:timepoint:${studyId}`,
  loinc: 'http://loinc.org',
  ucum: 'http://unitsofmeasure.org',
  observationCategory: 'http://terminology.hl7.org/CodeSystem/observation-category',
} as const;

/** FHIR ids: 1–64 of `A-Z a-z 0-9 - .` */
export const FHIR_ID = /^[A-Za-z0-9\-.]{1,64}$/;

/**
 * A deterministic FHIR id from parts (which never contain '.'): the parts joined with '.'
 * when that is a valid id; otherwise a readable prefix plus a hash of the exact parts, so ids
 * stay distinct (e.g. when a code has '_' or the join is too long).
 */
export function fhirId(parts: string[]): string {
  const joined = parts.join('.');
  if (FHIR_ID.test(joined)) return joined;
  return `${joined.replace(/[^A-Za-z0-9\-.]/g, '-').slice(0, 47)}.${fnv1a64(joined)}`;
}

function fnv1a64(text: string): string {
  let hash = 0xcbf29ce484222325n;
  for (const byte of new TextEncoder().encode(text)) {
    hash ^= BigInt(byte);
    hash = (hash * 0x100000001b3n) & 0xffffffffffffffffn;
  }
  return hash.toString(16).padStart(16, '0');
}

export const questionnaireId = (instrument: { id: string; version: string }) => fhirId(['questionnaire', instrument.id, instrument.version]);
export const questionnaireCanonical = (instrument: { id: string; version: string }) =>
  `${FHIR_SYSTEMS.questionnaire(instrument.id)}|${instrument.version}`;

/** The Questionnaire of one instrument version: every item with its codes; wording only where it ships. */
export function questionnaire(instrument: CatalogueInstrument): FhirResource {
  const def = instrument.scoring;
  const ships = def.licence.textIncluded;
  return {
    resourceType: 'Questionnaire',
    id: questionnaireId(instrument),
    url: FHIR_SYSTEMS.questionnaire(def.id),
    version: def.version,
    name: `Timepoint_${def.id}`,
    title: def.name,
    status: 'active',
    subjectType: ['Patient'],
    copyright: `${def.licence.holder} (${def.licence.category}). ${def.licence.terms}${ships ? '' : ' Item wording is not included.'}`,
    item: def.items.map((item) => questionnaireItem(instrument, item, ships)),
  };
}

function questionnaireItem(instrument: CatalogueInstrument, item: ItemDefinition, ships: boolean): Record<string, unknown> {
  const wording = ships ? shippedWording(instrument.survey, item.id) : undefined;
  const text = wording?.title ?? item.id;
  if (item.codes !== undefined) {
    return {
      linkId: item.id,
      text,
      type: 'choice',
      answerOption: item.codes.map((code) => {
        const display = wording?.valueLabels?.[String(code)];
        return { valueCoding: { system: FHIR_SYSTEMS.answer(instrument.id), code: String(printedCodeOf(item, code)), ...(display !== undefined ? { display } : {}) } };
      }),
    };
  }
  const range = item.range!;
  const value = range.integer ? 'valueInteger' : 'valueDecimal';
  return {
    linkId: item.id,
    text,
    type: range.integer ? 'integer' : 'decimal',
    extension: [
      { url: 'http://hl7.org/fhir/StructureDefinition/minValue', [value]: range.min },
      { url: 'http://hl7.org/fhir/StructureDefinition/maxValue', [value]: range.max },
    ],
  };
}

/**
 * For a completed instance: per instrument, its QuestionnaireResponse, then an Observation for
 * each scale that has a value, derived from that response. Nothing for any other state.
 */
export function* instanceResources(studyId: string, instance: Instance, find: Find): Generator<FhirResource> {
  if (instance.status !== 'completed' || instance.completedAt === undefined) return;
  const subject = { identifier: { system: FHIR_SYSTEMS.subject(studyId), value: instance.code } };
  for (const { id, version } of instance.instruments) {
    const instrument = find(id, version);
    if (instrument === undefined) continue;
    const def = instrument.scoring;
    const responseId = fhirId(['qr', instance.code, instance.timepoint, id]);
    const items = def.items.flatMap((item) => {
      const answer = instance.answers?.[item.id];
      return answer === undefined || answer === null ? [] : [{ linkId: item.id, answer: [answerValue(id, item, answer)] }];
    });
    yield {
      resourceType: 'QuestionnaireResponse',
      id: responseId,
      questionnaire: questionnaireCanonical(instrument),
      status: 'completed',
      subject,
      authored: instance.completedAt,
      item: items,
    };
    const score = instance.scores?.find((s) => s.instrument === id);
    for (const scale of def.scales) {
      const result = score?.scales[scale.id];
      if (result === undefined || result.value === null) continue;
      yield observation(instance, id, scale.id, scale.label, result, subject, responseId);
    }
  }
}

function answerValue(instrument: string, item: ItemDefinition, answer: number | string): Record<string, unknown> {
  if (item.codes !== undefined) {
    const code = typeof answer === 'number' ? printedCodeOf(item, answer) : answer;
    return { valueCoding: { system: FHIR_SYSTEMS.answer(instrument), code: String(code) } };
  }
  if (typeof answer !== 'number') return { valueString: answer };
  return item.range!.integer && Number.isInteger(answer) ? { valueInteger: answer } : { valueDecimal: answer };
}

const score = (value: number) => ({ value, unit: 'score', system: FHIR_SYSTEMS.ucum, code: '{score}' });

function observation(
  instance: Instance,
  instrument: string,
  scale: string,
  label: string,
  result: ScaleScore,
  subject: Record<string, unknown>,
  responseId: string,
): FhirResource {
  const loinc = loincCodes[`${instrument}.${scale}`];
  const component = [
    ...(result.raw !== null ? [{ code: { coding: [{ system: FHIR_SYSTEMS.scale, code: `${instrument}.${scale}.raw` }], text: 'raw score' }, valueQuantity: score(result.raw) }] : []),
    ...(result.se !== undefined && result.se !== null
      ? [{ code: { coding: [{ system: FHIR_SYSTEMS.scale, code: `${instrument}.${scale}.se` }], text: 'standard error' }, valueQuantity: score(result.se) }]
      : []),
  ];
  return {
    resourceType: 'Observation',
    id: fhirId(['obs', instance.code, instance.timepoint, instrument, scale]),
    status: 'final',
    category: [{ coding: [{ system: FHIR_SYSTEMS.observationCategory, code: 'survey', display: 'Survey' }] }],
    code: {
      coding: [
        { system: FHIR_SYSTEMS.scale, code: `${instrument}.${scale}`, display: label },
        ...(loinc ? [{ system: FHIR_SYSTEMS.loinc, code: loinc.code, display: loinc.display }] : []),
      ],
      text: label,
    },
    subject,
    effectiveDateTime: instance.completedAt,
    valueQuantity: score(result.value!),
    ...(result.band !== null ? { interpretation: [{ coding: [{ system: FHIR_SYSTEMS.band(instrument, scale), code: result.band }], text: result.band }] } : {}),
    method: {
      coding: [{ system: FHIR_SYSTEMS.missingRule(instrument), code: result.rule }],
      text: `${result.status}: ${result.answered} of ${result.items} items answered`,
    },
    ...(component.length > 0 ? { component } : {}),
    derivedFrom: [{ reference: `QuestionnaireResponse/${responseId}` }],
  };
}
