import type { Answers } from './answers';
import type { Bounds, ItemDefinition, MissingRule, ScaleDefinition, ScoringDefinition } from './definition';

export type ScaleStatus = 'complete' | 'prorated' | 'not_scored';

export interface ScaleScore {
  /** The reported score (T-score, mean, ×2 score …); null when not scored. */
  value: number | null;
  /** The score `value` was derived from: the (prorated) sum, or the mean, before lookup or transform. */
  raw: number | null;
  se?: number | null;
  band: string | null;
  status: ScaleStatus;
  reason?: string;
  answered: number;
  items: number;
  /** The id of the missing-data rule applied. */
  rule: string;
}

export interface Flag {
  id: string;
  label: string;
  item?: string;
  /** For an any-of flag: every item that met the condition. */
  items?: string[];
  scale?: string;
  urgent: boolean;
}

export interface ScoreResult {
  instrument: string;
  version: string;
  scoringVersion: string;
  scales: Record<string, ScaleScore>;
  flags: Flag[];
}

/**
 * A licensee-supplied scorer for a proprietary algorithm. It receives the item scores (null for
 * unanswered) and returns the score, or a reason it cannot score.
 */
export type ScoringPlugin = (
  itemScores: Record<string, number | null>,
) => { value: number; raw?: number; band?: string | null } | { notScored: string };

export interface ScoreOptions {
  /** A named missing-data rule of the instrument that replaces each scale's default. */
  missingRule?: string;
  /** Installed plug-ins by name, for `plugin` scales. */
  plugins?: Record<string, ScoringPlugin>;
}

/** A scale result with its fields in reading order (value first), whatever order they were computed in. */
function scaleScore(fields: ScaleScore): ScaleScore {
  const { value, raw, se, band, status, reason, answered, items, rule } = fields;
  // Explicit literals, not conditional spreads: on Node 20 the spread form costs microseconds per object.
  if (reason === undefined) {
    return se === undefined ? { value, raw, band, status, answered, items, rule } : { value, raw, se, band, status, answered, items, rule };
  }
  return se === undefined ? { value, raw, band, status, reason, answered, items, rule } : { value, raw, se, band, status, reason, answered, items, rule };
}

/** Item definitions by id, built once per (immutable) definition rather than once per scale per response. */
const itemIndexes = new WeakMap<ScoringDefinition, Map<string, ItemDefinition>>();
function itemIndex(def: ScoringDefinition): Map<string, ItemDefinition> {
  let index = itemIndexes.get(def);
  if (index === undefined) {
    index = new Map(def.items.map((i) => [i.id, i]));
    itemIndexes.set(def, index);
  }
  return index;
}

const within = (value: number, b: Bounds): boolean =>
  (b.gte === undefined || value >= b.gte) &&
  (b.gt === undefined || value > b.gt) &&
  (b.lte === undefined || value <= b.lte) &&
  (b.lt === undefined || value < b.lt);

/** The lowest and highest item score (after recoding), the bounds reversal mirrors within. */
function itemBounds(item: ItemDefinition): { min: number; max: number } {
  if (item.range) return item.range;
  const scores = (item.codes ?? []).filter((c) => !item.missingCodes.includes(c)).map((c) => recoded(item, c));
  return { min: Math.min(...scores), max: Math.max(...scores) };
}

const recoded = (item: ItemDefinition, code: number): number => item.recode?.[String(code)] ?? code;

/** An answer as an item score: null when unanswered or answered with a missing code. */
function itemScore(item: ItemDefinition, answer: Answers[string] | undefined, reversed: boolean): number | null {
  if (typeof answer !== 'number' || item.missingCodes.includes(answer)) return null;
  const score = recoded(item, answer);
  if (!reversed) return score;
  const { min, max } = itemBounds(item);
  return min + max - score;
}

function roundProrated(value: number, round: 'none' | 'up' | 'nearest'): number {
  if (round === 'up') return Math.ceil(value);
  if (round === 'nearest') return Math.floor(value + 0.5);
  return value;
}

/** Whether a rule lets a scale be scored with `answered` of `total` items. */
function ruleAllows(rule: MissingRule, answered: number, total: number): boolean {
  if (rule.kind === 'all_required') return answered === total;
  if (answered === 0) return false;
  if (rule.minAnswered !== undefined && answered < rule.minAnswered) return false;
  if (rule.maxMissing !== undefined && total - answered > rule.maxMissing) return false;
  if (rule.minFraction !== undefined && answered < rule.minFraction * total) return false;
  return true;
}

function scorePlugin(
  def: ScoringDefinition,
  scale: ScaleDefinition,
  answers: Answers,
  ruleId: string,
  plugins: Record<string, ScoringPlugin>,
): ScaleScore {
  const itemsById = itemIndex(def);
  const itemScores = Object.fromEntries(scale.items.map((id) => [id, itemScore(itemsById.get(id)!, answers[id], false)]));
  const answered = Object.values(itemScores).filter((v) => v !== null).length;
  const base = { answered, items: scale.items.length, rule: ruleId };
  const notScored = (reason: string): ScaleScore => ({ ...base, value: null, raw: null, band: null, status: 'not_scored', reason });
  // The scale's missing-data rule still gates the plug-in: it is not asked to score what the rule refuses.
  const rule = def.missingRules[ruleId];
  if (rule === undefined) throw new Error(`${def.id}: unknown missing rule ${ruleId}`);
  if (!ruleAllows(rule, answered, scale.items.length)) return notScored(`${scale.items.length - answered} of ${scale.items.length} items missing; rule ${ruleId}: ${rule.description}`);
  const plugin = plugins[scale.plugin!];
  if (plugin === undefined) return notScored(`licensed scoring plug-in "${scale.plugin}" is not installed`);
  const result = plugin(itemScores);
  if ('notScored' in result) return notScored(result.notScored);
  const band = result.band !== undefined ? result.band : (scale.bands.find((b) => within(result.value, b))?.label ?? null);
  return { ...base, value: result.value, raw: result.raw ?? null, band, status: answered < scale.items.length ? 'prorated' : 'complete' };
}

function scoreScale(def: ScoringDefinition, scale: ScaleDefinition, answers: Answers, ruleId: string): ScaleScore {
  const rule = def.missingRules[ruleId];
  if (rule === undefined) throw new Error(`${def.id}: unknown missing rule ${ruleId}`);
  const itemsById = itemIndex(def);
  const reversed = new Set(scale.reversed);
  const scores = scale.items.map((id) => itemScore(itemsById.get(id)!, answers[id], reversed.has(id)));
  const answeredScores = scores.filter((s): s is number => s !== null);
  const total = scale.items.length;
  const answered = answeredScores.length;
  const base = { answered, items: total, rule: ruleId };

  if (!ruleAllows(rule, answered, total)) {
    const missing = scale.items.filter((_, i) => scores[i] === null);
    return {
      ...base,
      value: null,
      raw: null,
      band: null,
      status: 'not_scored',
      reason: `${missing.length} of ${total} items missing (${missing.join(', ')}); rule ${ruleId}: ${rule.description}`,
    };
  }

  const sum = answeredScores.reduce((a, b) => a + b, 0);
  const prorated = answered < total;
  let raw: number;
  if (scale.formula === 'mean') {
    raw = sum / answered;
  } else {
    // Multiply before dividing so whole-number proration stays exact before rounding (9 × 4 / 3 = 12, not 12.000…2).
    raw = prorated && rule.kind === 'prorate' ? roundProrated((sum * total) / answered, rule.round) : sum;
  }

  let value: number | null = raw;
  let se: number | null | undefined;
  if (scale.formula === 'lookup') {
    const row = scale.table?.[String(raw)];
    if (row === undefined) {
      return { ...base, value: null, raw, band: null, status: 'not_scored', reason: `no table entry for raw score ${raw}` };
    }
    value = row.value;
    se = row.se ?? null;
  }
  if (scale.transform) value = value * scale.transform.multiply + scale.transform.add;

  const band = scale.bands.find((b) => within(value, b))?.label ?? null;
  const status: ScaleStatus = prorated ? 'prorated' : 'complete';
  return se === undefined
    ? { value, raw, band, status, answered, items: total, rule: ruleId }
    : { value, raw, se, band, status, answered, items: total, rule: ruleId };
}

/**
 * Scores one instrument from item answers (item id → code or null). Pure and generic: every
 * instrument is data. Answers are assumed already checked by `checkAnswers`.
 */
export function scoreInstrument(def: ScoringDefinition, answers: Answers, options: ScoreOptions = {}): ScoreResult {
  if (options.missingRule !== undefined && def.missingRules[options.missingRule] === undefined) {
    throw new Error(`${def.id} has no missing-data rule "${options.missingRule}" (it has: ${Object.keys(def.missingRules).join(', ')})`);
  }
  const scales: Record<string, ScaleScore> = {};
  for (const scale of def.scales) {
    scales[scale.id] = scaleScore(
      scale.formula === 'plugin'
        ? scorePlugin(def, scale, answers, options.missingRule ?? scale.missing, options.plugins ?? {})
        : scoreScale(def, scale, answers, options.missingRule ?? scale.missing),
    );
  }

  const itemsById = itemIndex(def);
  /** The code given for an item, or null when unanswered or answered "not applicable". */
  const answerOf = (id: string): number | null => {
    const answer = answers[id];
    return typeof answer === 'number' && !itemsById.get(id)!.missingCodes.includes(answer) ? answer : null;
  };
  const flags: Flag[] = [];
  for (const flag of def.flags) {
    const out = { id: flag.id, label: flag.label, urgent: flag.urgent };
    if ('whenMissing' in flag) {
      if (answerOf(flag.item) === null) flags.push({ ...out, item: flag.item });
    } else if ('anyOf' in flag) {
      const hits = flag.anyOf.filter((id) => {
        const answer = answerOf(id);
        return answer !== null && within(answer, flag);
      });
      if (hits.length > 0) flags.push({ ...out, items: hits });
    } else if ('item' in flag) {
      const answer = answerOf(flag.item);
      if (answer !== null && within(answer, flag)) flags.push({ ...out, item: flag.item });
    } else {
      const value = scales[flag.scale]?.value;
      if (typeof value === 'number' && within(value, flag)) flags.push({ ...out, scale: flag.scale });
    }
  }
  return { instrument: def.id, version: def.version, scoringVersion: def.scoringVersion, scales, flags };
}
