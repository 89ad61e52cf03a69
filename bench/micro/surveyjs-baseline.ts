/**
 * The survey-core baseline for bench/micro/scoring.bench.ts: scoring an instrument the way SurveyJS users do
 * it today, with `calculatedValues` in the survey JSON evaluated by survey-core's own expression
 * engine.
 *
 * One `Model` per instrument is built once (its construction is not timed) and reused: every
 * response is `model.data = answers`, after which survey-core re-runs its conditions and
 * recomputes each calculated value; we then read them with `model.getVariable(name)`. That is
 * the fastest way a SurveyJS user has to score many responses (building a model per response
 * costs ~100× more).
 *
 * What survey-core computes: each scale's raw score, one calculated value per scale
 * (`raw_<scale>` = `sum({item}, …)`; a reversed item enters as `(min + max - {item})`, a mean
 * scale uses `avg(…)`). What plain JS does after reading them: the raw→T-score (and SE) table
 * lookup, the transform, the band and the flags. Those few steps cost well under a microsecond,
 * so the baseline's time is essentially survey-core's. An `iif(…)` chain for the lookup would
 * only make the baseline slower, and the ratio bigger; doing it in JS keeps the ratio honest
 * (conservative). The result has the same content as the engine's (raw, value, se, band per
 * scale; the raised flag ids), so the two can be compared response by response.
 */
import { Model } from 'survey-core';
import type { Bounds, ItemDefinition, ScaleDefinition, ScoringDefinition } from '../../functions/core/scoring/definition';
import type { Instrument } from '../../functions/adapters/bundled-catalogue/bundled-catalogue';

export type Answers = Record<string, number | string | null>;

export interface BaselineScale {
  raw: number | null;
  value: number | null;
  se?: number | null;
  band: string | null;
}

export interface BaselineResult {
  scales: Record<string, BaselineScale>;
  /** Ids of the raised flags, in definition order. */
  flags: string[];
}

const within = (value: number, b: Bounds): boolean =>
  (b.gte === undefined || value >= b.gte) &&
  (b.gt === undefined || value > b.gt) &&
  (b.lte === undefined || value <= b.lte) &&
  (b.lt === undefined || value < b.lt);

function itemMinMax(item: ItemDefinition): { min: number; max: number } {
  if (item.range) return item.range;
  const codes = (item.codes ?? []).filter((c) => !item.missingCodes.includes(c));
  return { min: Math.min(...codes), max: Math.max(...codes) };
}

/** The survey-core expression for one scale's raw score. */
function rawExpression(def: ScoringDefinition, scale: ScaleDefinition): string {
  const itemsById = new Map(def.items.map((i) => [i.id, i]));
  const terms = scale.items.map((id) => {
    const item = itemsById.get(id)!;
    if (item.recode !== undefined) throw new Error(`${def.id}/${scale.id}: recoded items are not supported by the baseline`);
    if (item.missingCodes.length > 0) throw new Error(`${def.id}/${scale.id}: missing codes are not supported by the baseline`);
    if (!scale.reversed.includes(id)) return `{${id}}`;
    const { min, max } = itemMinMax(item);
    return `(${min + max} - {${id}})`;
  });
  if (scale.formula === 'sum' || scale.formula === 'lookup') return `sum(${terms.join(', ')})`;
  if (scale.formula === 'mean') return `avg(${terms.join(', ')})`;
  throw new Error(`${def.id}/${scale.id}: formula ${scale.formula} is not supported by the baseline`);
}

interface PreparedScale {
  scale: ScaleDefinition;
  variable: string;
  /** The lookup table by integer raw score (sparse arrays, built once). */
  tValue?: Array<number | undefined>;
  tSe?: Array<number | null | undefined>;
}

export class SurveyJsBaseline {
  readonly model: Model;
  /** The calculated values added to the instrument's survey.json. */
  readonly calculatedValues: Array<{ name: string; expression: string }>;
  /** How long `new Model(json)` took, in ms (once; not part of the timed loop). */
  readonly constructionMs: number;
  private readonly def: ScoringDefinition;
  private readonly scales: PreparedScale[];

  constructor(instrument: Instrument) {
    const def = instrument.scoring;
    this.def = def;
    this.scales = def.scales.map((scale) => {
      const prepared: PreparedScale = { scale, variable: `raw_${scale.id}` };
      if (scale.formula === 'lookup') {
        prepared.tValue = [];
        prepared.tSe = [];
        for (const [raw, row] of Object.entries(scale.table ?? {})) {
          prepared.tValue[Number(raw)] = row.value;
          prepared.tSe[Number(raw)] = row.se ?? null;
        }
      }
      return prepared;
    });
    this.calculatedValues = this.scales.map(({ scale, variable }) => ({ name: variable, expression: rawExpression(def, scale) }));
    const started = performance.now();
    this.model = new Model({ ...instrument.survey, calculatedValues: this.calculatedValues });
    this.constructionMs = performance.now() - started;
  }

  /** Scores one complete response: survey-core computes the raw scores, JS the rest. */
  score(answers: Answers): BaselineResult {
    const model = this.model;
    model.data = answers;
    const scales: Record<string, BaselineScale> = {};
    for (const { scale, variable, tValue, tSe } of this.scales) {
      const computed: unknown = model.getVariable(variable);
      const raw = typeof computed === 'number' ? computed : null;
      let value: number | null = raw;
      let se: number | null | undefined;
      if (raw !== null && tValue !== undefined) {
        value = tValue[raw] ?? null;
        se = tSe![raw] ?? null;
      }
      if (value !== null && scale.transform) value = value * scale.transform.multiply + scale.transform.add;
      let band: string | null = null;
      if (value !== null) {
        for (const b of scale.bands) {
          if (within(value, b)) {
            band = b.label;
            break;
          }
        }
      }
      scales[scale.id] = se === undefined ? { raw, value, band } : { raw, value, se, band };
    }
    const flags: string[] = [];
    for (const flag of this.def.flags) {
      if ('whenMissing' in flag) {
        if (typeof model.getValue(flag.item) !== 'number') flags.push(flag.id);
      } else if ('anyOf' in flag) {
        if (flag.anyOf.some((id) => { const v: unknown = model.getValue(id); return typeof v === 'number' && within(v, flag); })) flags.push(flag.id);
      } else if ('item' in flag) {
        const v: unknown = model.getValue(flag.item);
        if (typeof v === 'number' && within(v, flag)) flags.push(flag.id);
      } else {
        const v = scales[flag.scale]?.value;
        if (typeof v === 'number' && within(v, flag)) flags.push(flag.id);
      }
    }
    return { scales, flags };
  }
}
