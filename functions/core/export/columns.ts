import type { CatalogueInstrument } from '../ports';
import type { ItemDefinition, ScoringDefinition } from '../scoring/definition';
import { printedCodeMap, printedCodesOf } from '../scoring/printed-codes';
import type { Study } from '../study/study';
import { longColumns } from './long-rows';
import type { ExportLayout, Find } from './layout';

export type ColumnType = 'string' | 'number' | 'integer' | 'datetime';

/**
 * One column of one export format, as the codebook describes it and the row shapers fill it.
 * Labels and value labels never carry licensed wording: item wording appears only where the
 * instrument's licence lets it ship (`licence.textIncluded`), and then only the bundled text.
 */
export interface ColumnSpec {
  name: string;
  label: string;
  type: ColumnType;
  timepoint?: string;
  instrument?: string;
  /** The instrument version(s) the column holds data of (several when protocol versions differ). */
  instrumentVersions?: string[];
  scale?: string;
  item?: string;
  /** Allowed values (item codes, or the values of a categorical column). */
  codes?: Array<string | number>;
  /** Allowed numeric range of a rating item. */
  range?: { min: number; max: number; integer: boolean };
  /** Code → label: only for categorical study columns and for items whose wording ships. */
  valueLabels?: Record<string, string>;
  /**
   * Stored code → the code printed on the paper form, for items whose form prints something
   * else (BDI-II 1a/1b …, PAM-13 N/A): the item-level export writes the printed code.
   */
  printedCodes?: Record<string, string>;
  licence?: { category: string; holder: string };
}

export const instanceStatuses = ['scheduled', 'open', 'started', 'completed', 'expired', 'cancelled'];
export const scaleStatuses = ['complete', 'prorated', 'not_scored'];
export const participantStatuses = ['active', 'withdrawn', 'completed'];

/** SPSS and Stata variable names: a letter, then letters, digits and underscores (SPSS allows 64 bytes). */
export const IDENTIFIER = /^[A-Za-z][A-Za-z0-9_]{0,63}$/;
/** Stata keeps at most 32 characters; longer names are renamed on import (the name is kept as the label). */
export const STATA_NAME_LIMIT = 32;

/** Throws if a column name is not a valid SPSS/Stata identifier or is used twice. */
export function checkIdentifiers(names: string[]): void {
  const seen = new Set<string>();
  for (const name of names) {
    if (!IDENTIFIER.test(name)) throw new Error(`export column "${name}" is not a valid SPSS/Stata variable name`);
    if (seen.has(name)) throw new Error(`export column "${name}" would appear twice: rename a timepoint, instrument or scale`);
    seen.add(name);
  }
}

const licenceOf = (def: ScoringDefinition) => ({ category: def.licence.category, holder: def.licence.holder });

const armColumn = (study: Study): ColumnSpec => ({
  name: 'arm',
  label: 'Study arm',
  type: 'string',
  codes: study.arms.map((a) => a.id),
  valueLabels: Object.fromEntries(study.arms.map((a) => [a.id, a.label])),
});

const timepointColumn = (layout: ExportLayout): ColumnSpec => ({
  name: 'timepoint',
  label: 'Timepoint of the protocol',
  type: 'string',
  codes: layout.timepoints.map((t) => t.id),
  valueLabels: Object.fromEntries(layout.timepoints.map((t) => [t.id, t.label])),
});

const participantColumn: ColumnSpec = { name: 'participant', label: 'Pseudonymous participant code', type: 'string' };

/** Where the participant was randomised: the stratum label and the allocation's sequence number (docs/randomisation.md). */
const allocationColumns: ColumnSpec[] = [
  { name: 'stratum', label: 'Allocation stratum: each factor=level, joined by | (empty when not allocated)', type: 'string' },
  { name: 'allocation_sequence', label: 'Allocation sequence number, 1, 2, 3 … across the study (empty when not allocated)', type: 'integer' },
];

/** The `long` format's columns (their names and order are fixed: `longColumns`). */
export function longColumnSpecs(study: Study, layout: ExportLayout): ColumnSpec[] {
  const specs: Record<(typeof longColumns)[number], ColumnSpec> = {
    participant: participantColumn,
    arm: armColumn(study),
    stratum: allocationColumns[0]!,
    allocation_sequence: allocationColumns[1]!,
    timepoint: timepointColumn(layout),
    instrument: {
      name: 'instrument',
      label: 'Instrument id',
      type: 'string',
      codes: unique(layout.instruments.map((i) => i.id)),
      valueLabels: Object.fromEntries(layout.instruments.map((i) => [i.id, i.scoring.name])),
    },
    instrument_version: { name: 'instrument_version', label: 'Version of the instrument', type: 'string' },
    scoring_version: { name: 'scoring_version', label: 'Version of the scoring rules that produced the score', type: 'string' },
    scale: { name: 'scale', label: 'Scale id within the instrument (see the wide columns for each scale’s label)', type: 'string' },
    value: { name: 'value', label: 'Reported score (T-score, sum, mean or transformed score, as the instrument defines); empty when not scored', type: 'number' },
    raw: { name: 'raw', label: 'Raw score the value derives from (the prorated sum, or the mean, before lookup or transform)', type: 'number' },
    se: { name: 'se', label: 'Standard error of the value, where the scoring table gives one (PROMIS)', type: 'number' },
    band: { name: 'band', label: 'Severity band of the value, where the instrument defines bands', type: 'string' },
    status: {
      name: 'status',
      label: 'Scale status (complete, prorated, not_scored); for a questionnaire not completed, the state of its instance',
      type: 'string',
      codes: [...scaleStatuses, ...instanceStatuses],
    },
    missing_rule: { name: 'missing_rule', label: 'Missing-data rule applied (see the instrument’s README)', type: 'string' },
    answered: { name: 'answered', label: 'Items of the scale answered', type: 'integer' },
    items: { name: 'items', label: 'Items in the scale', type: 'integer' },
    completed_at: { name: 'completed_at', label: 'When the timepoint’s questionnaires were submitted (UTC, ISO 8601)', type: 'datetime' },
    ...contextSpecs(),
  };
  return longColumns.map((name) => specs[name]);
}

/** The timing and context columns `long` and `items` share, after `completed_at`. */
function contextSpecs() {
  return {
    enrolled_at: enrolledAtSpec,
    due_at: {
      name: 'due_at',
      label: 'When the timepoint’s invitation was due: its scheduled send time in the participant’s zone, as UTC ISO 8601 (the window opens and closes around it)',
      type: 'datetime',
    } as ColumnSpec,
    days_from_enrolment: {
      name: 'days_from_enrolment',
      label: 'Days from enrolment to submission (completed_at − enrolled_at, in days, a decimal to 4 places); empty when not submitted',
      type: 'number',
    } as ColumnSpec,
    protocol_version: protocolVersionSpec,
    language: languageSpec,
  };
}

const enrolledAtSpec: ColumnSpec = { name: 'enrolled_at', label: 'When the participant was enrolled (UTC, ISO 8601); the start of their schedule', type: 'datetime' };
const protocolVersionSpec: ColumnSpec = { name: 'protocol_version', label: 'The protocol version the participant is on now', type: 'integer' };
const languageSpec: ColumnSpec = {
  name: 'language',
  label: 'The language of the participant’s emails and questionnaires',
  type: 'string',
  codes: ['en', 'fr'],
  valueLabels: { en: 'English', fr: 'French' },
};

/** The `test` column, added last to every tabular format only when test participants are included (`include_test=1`). */
export const testColumnSpec: ColumnSpec = {
  name: 'test',
  label: 'Test participant (a coordinator trying the study out, not research data): 1 yes, 0 no. Only in exports asked for with include_test=1',
  type: 'integer',
  codes: [0, 1],
  valueLabels: { '0': 'study participant', '1': 'test participant' },
};

/**
 * The `wide` format's columns: participant, arm, stratum, allocation_sequence, status, enrolment
 * context, then per timepoint (protocol order)
 * `<timepoint>_completed_at` and `<timepoint>_<instrument>_<scale>` for each scale of each
 * instrument of its battery. Every name is checked to be a valid SPSS/Stata identifier.
 */
export function wideColumnSpecs(study: Study, layout: ExportLayout, find: Find): ColumnSpec[] {
  const specs: ColumnSpec[] = [
    participantColumn,
    armColumn(study),
    ...allocationColumns,
    { name: 'status', label: 'Participant status', type: 'string', codes: participantStatuses },
    enrolledAtSpec,
    protocolVersionSpec,
    languageSpec,
  ];
  for (const tp of layout.timepoints) {
    specs.push({ name: `${tp.id}_completed_at`, label: `${tp.label}: when submitted (UTC, ISO 8601)`, type: 'datetime', timepoint: tp.id });
    specs.push({ name: `${tp.id}_due_at`, label: `${tp.label}: when the invitation was due (UTC, ISO 8601)`, type: 'datetime', timepoint: tp.id });
    specs.push({
      name: `${tp.id}_days_from_enrolment`,
      label: `${tp.label}: days from enrolment to submission (decimal); empty when not submitted`,
      type: 'number',
      timepoint: tp.id,
    });
    for (const [id, versions] of groupVersions(tp.instruments)) {
      const definitions = versions.map((v) => find(id, v)!.scoring);
      const scales = unique(definitions.flatMap((d) => d.scales.map((s) => s.id)));
      for (const scale of scales) {
        const definition = definitions.find((d) => d.scales.some((s) => s.id === scale))!;
        const label = definition.scales.find((s) => s.id === scale)!.label;
        specs.push({
          name: `${tp.id}_${id}_${scale}`,
          label: `${tp.label}: ${label}`,
          type: 'number',
          timepoint: tp.id,
          instrument: id,
          instrumentVersions: versions.filter((v) => find(id, v)!.scoring.scales.some((s) => s.id === scale)),
          scale,
          licence: licenceOf(definition),
        });
      }
    }
  }
  checkIdentifiers(specs.map((s) => s.name));
  return specs;
}

/**
 * The `items` format's columns: participant, arm, stratum, allocation_sequence, timepoint, status,
 * completed_at, the timing context, then every
 * item of every battery, in protocol order (first use), once each.
 */
export function itemColumnSpecs(study: Study, layout: ExportLayout, find: Find): ColumnSpec[] {
  const specs: ColumnSpec[] = [
    participantColumn,
    armColumn(study),
    ...allocationColumns,
    timepointColumn(layout),
    { name: 'status', label: 'State of the participant’s questionnaires at this timepoint', type: 'string', codes: instanceStatuses },
    { name: 'completed_at', label: 'When submitted (UTC, ISO 8601)', type: 'datetime' },
    ...Object.values(contextSpecs()),
  ];
  const seen = new Map<string, ColumnSpec>();
  for (const tp of layout.timepoints) {
    for (const { id, version } of tp.instruments) {
      const instrument = find(id, version)!;
      for (const item of instrument.scoring.items) {
        const existing = seen.get(item.id);
        if (existing !== undefined) {
          if (existing.instrument === id && !existing.instrumentVersions!.includes(version)) existing.instrumentVersions!.push(version);
          continue;
        }
        const spec = itemColumnSpec(instrument, item);
        seen.set(item.id, spec);
        specs.push(spec);
      }
    }
  }
  checkIdentifiers(specs.map((s) => s.name));
  return specs;
}

function itemColumnSpec(instrument: CatalogueInstrument, item: ItemDefinition): ColumnSpec {
  const def = instrument.scoring;
  const wording = def.licence.textIncluded ? shippedWording(instrument.survey, item.id) : undefined;
  const integer = item.codes ? item.codes.every(Number.isInteger) : item.range!.integer;
  const printed = printedCodeMap(item);
  const printedLabels = printed && wording?.valueLabels
    ? Object.fromEntries(Object.entries(wording.valueLabels).map(([code, label]) => [printed[code] ?? code, label]))
    : wording?.valueLabels;
  return {
    name: item.id,
    label: wording?.title ?? `${def.name}: ${item.id} (wording not shipped)`,
    type: printed ? 'string' : integer ? 'integer' : 'number',
    instrument: def.id,
    instrumentVersions: [def.version],
    item: item.id,
    ...(item.codes ? { codes: printedCodesOf(item) ?? [...item.codes] } : { range: { ...item.range! } }),
    ...(printed ? { printedCodes: printed } : {}),
    ...(printedLabels && Object.keys(printedLabels).length > 0 ? { valueLabels: printedLabels } : {}),
    licence: licenceOf(def),
  };
}

type SurveyElement = Record<string, unknown> & { name?: unknown; elements?: SurveyElement[] };

/**
 * An item's question text and choice labels from a bundled SurveyJS form. Callers use it only
 * for instruments whose licence lets the wording ship (`licence.textIncluded`).
 */
export function shippedWording(survey: Record<string, unknown>, itemId: string): { title?: string; valueLabels?: Record<string, string> } | undefined {
  const element = findElement((survey.pages as SurveyElement[] | undefined) ?? [], itemId);
  if (element === undefined) return undefined;
  const title = typeof element.title === 'string' ? element.title : undefined;
  const valueLabels: Record<string, string> = {};
  for (const choice of (element.choices as Array<{ value?: unknown; text?: unknown }> | undefined) ?? []) {
    if (typeof choice.text === 'string' && choice.value !== undefined) valueLabels[String(choice.value)] = choice.text;
  }
  if (typeof element.minRateDescription === 'string' && element.rateMin !== undefined) valueLabels[String(element.rateMin)] = element.minRateDescription;
  if (typeof element.maxRateDescription === 'string' && element.rateMax !== undefined) valueLabels[String(element.rateMax)] = element.maxRateDescription;
  return { ...(title !== undefined ? { title } : {}), valueLabels };
}

function findElement(elements: SurveyElement[], name: string): SurveyElement | undefined {
  for (const element of elements) {
    if (element.name === name && element.elements === undefined) return element;
    const nested = element.elements ? findElement(element.elements, name) : undefined;
    if (nested) return nested;
  }
  return undefined;
}

/** id → versions, in first-appearance order. */
function groupVersions(instruments: Array<{ id: string; version: string }>): Map<string, string[]> {
  const groups = new Map<string, string[]>();
  for (const { id, version } of instruments) groups.set(id, [...(groups.get(id) ?? []), version]);
  return groups;
}

function unique<T>(values: T[]): T[] {
  return [...new Set(values)];
}
