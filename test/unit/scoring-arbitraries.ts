/**
 * What the scoring property tests (scoring-properties.test.ts) derive from a scoring definition:
 * item and scale ranges, band membership, and fast-check arbitraries of answers. Everything here
 * is computed from the definition's data (codes, ranges, recodes, formulas, tables, transforms,
 * bands), never from numbers copied out of an instrument's manual, and it deliberately does not
 * import the engine's own helpers, so a property compares two independent readings of the data.
 */
import fc from 'fast-check';
import type { Answers } from '../../functions/core/schedule/records';
import type { Band, Bounds, ItemDefinition, MissingRule, ScaleDefinition, ScoringDefinition } from '../../functions/core/scoring/definition';

export interface Interval {
  min: number;
  max: number;
}

/** Tolerance for comparing computed scores (means and prorated sums are fractions). */
export const EPSILON = 1e-9;

export const approxEqual = (a: number, b: number): boolean => Math.abs(a - b) <= EPSILON * Math.max(1, Math.abs(a), Math.abs(b));

export const withinInterval = (x: number, r: Interval): boolean =>
  x >= r.min - EPSILON * Math.max(1, Math.abs(r.min)) && x <= r.max + EPSILON * Math.max(1, Math.abs(r.max));

const itemIndex = new WeakMap<ItemDefinition[], Map<string, ItemDefinition>>();

export function itemOf(def: ScoringDefinition, id: string): ItemDefinition {
  let index = itemIndex.get(def.items);
  if (index === undefined) itemIndex.set(def.items, (index = new Map(def.items.map((i) => [i.id, i]))));
  const item = index.get(id);
  if (item === undefined) throw new Error(`${def.id}: no item ${id}`);
  return item;
}

/** The codes of an item that are answers (not "not applicable" and the like). */
export const scoredCodes = (item: ItemDefinition): number[] => (item.codes ?? []).filter((c) => !item.missingCodes.includes(c));

/** The item score of an answer code: its recoded score, or the code itself. */
export const scoreOfCode = (item: ItemDefinition, code: number): number => item.recode?.[String(code)] ?? code;

/** Whether an answer counts as answered for scoring: a number that is not a missing code. */
export const isAnswered = (item: ItemDefinition, answer: unknown): answer is number =>
  typeof answer === 'number' && !item.missingCodes.includes(answer);

/** The lowest and highest score an answered item can have (after recoding). */
export function itemRange(item: ItemDefinition): Interval {
  if (item.range) return { min: item.range.min, max: item.range.max };
  const scores = scoredCodes(item).map((c) => scoreOfCode(item, c));
  return { min: Math.min(...scores), max: Math.max(...scores) };
}

/** The published reversal: min + max − x within the item's score range. */
export const reverseWithin = (range: Interval, x: number): number => range.min + range.max - x;

/** Applies a scale's linear transform to an interval (a negative multiplier swaps the ends). */
function transformed(scale: ScaleDefinition, r: Interval): Interval {
  if (!scale.transform) return r;
  const { multiply, add } = scale.transform;
  const ends = [r.min * multiply + add, r.max * multiply + add];
  return { min: Math.min(...ends), max: Math.max(...ends) };
}

export interface ScaleRange {
  /** The range of `raw`: the (prorated) sum, or the mean. */
  raw: Interval;
  /** The range of `value`: after any lookup and transform. */
  value: Interval;
}

/**
 * The range a scale's scores can take, from the definition alone: each item contributes its score
 * range (a reversed item's min + max − x maps that range onto itself), summed or averaged over the
 * scale's items; a lookup takes the lowest and highest table value among the integer raw scores
 * in that range; a transform maps the ends. Undefined for a plug-in scale (the licensee's scorer
 * decides its range).
 */
export function scaleRange(def: ScoringDefinition, scale: ScaleDefinition): ScaleRange | undefined {
  if (scale.formula === 'plugin') return undefined;
  const ranges = scale.items.map((id) => itemRange(itemOf(def, id)));
  const sum: Interval = { min: ranges.reduce((a, r) => a + r.min, 0), max: ranges.reduce((a, r) => a + r.max, 0) };
  const raw = scale.formula === 'mean' ? { min: sum.min / ranges.length, max: sum.max / ranges.length } : sum;
  let value = raw;
  if (scale.formula === 'lookup') {
    const rows = Object.entries(scale.table ?? {})
      .filter(([key]) => Number.isInteger(Number(key)) && Number(key) >= raw.min && Number(key) <= raw.max)
      .map(([, row]) => row.value);
    if (rows.length === 0) throw new Error(`${def.id}.${scale.id}: no table row within the raw range ${raw.min}–${raw.max}`);
    value = { min: Math.min(...rows), max: Math.max(...rows) };
  }
  return { raw, value: transformed(scale, value) };
}

export const inBand = (value: number, b: Bounds): boolean =>
  (b.gte === undefined || value >= b.gte) &&
  (b.gt === undefined || value > b.gt) &&
  (b.lte === undefined || value <= b.lte) &&
  (b.lt === undefined || value < b.lt);

export const bandsContaining = (bands: Band[], value: number): Band[] => bands.filter((b) => inBand(value, b));

/** Every finite edge of every band. */
export const bandEdges = (bands: Band[]): number[] =>
  [...new Set(bands.flatMap((b) => [b.gte, b.gt, b.lte, b.lt]).filter((e): e is number => e !== undefined))].sort((a, b) => a - b);

/**
 * The values a scale's bands must cover: the scale's derived value range; for a plug-in scale,
 * whose range the engine cannot derive, the span the bands themselves publish (lowest lower edge
 * to highest upper edge), or undefined when that is open-ended.
 */
export function bandDomain(def: ScoringDefinition, scale: ScaleDefinition): Interval | undefined {
  const range = scaleRange(def, scale);
  if (range) return range.value;
  const lows = scale.bands.map((b) => b.gte ?? b.gt);
  const highs = scale.bands.map((b) => b.lte ?? b.lt);
  if (lows.every((l) => l === undefined) || highs.every((h) => h === undefined)) return undefined;
  return {
    min: Math.min(...lows.filter((l): l is number => l !== undefined)),
    max: Math.max(...highs.filter((h): h is number => h !== undefined)),
  };
}

/**
 * Values to probe a scale's bands with: anywhere in the domain (fractions included, as prorated
 * scores and means are fractional), the integers in it, its ends, every band edge and the values
 * just either side of each edge.
 */
export function bandProbe(domain: Interval, bands: Band[]): fc.Arbitrary<number> {
  const nudge = (e: number) => Math.max(EPSILON, Math.abs(e) * 1e-12);
  const edges = bandEdges(bands).flatMap((e) => [e - nudge(e), e, e + nudge(e)]);
  const special = [domain.min, domain.max, ...edges].filter((v) => v >= domain.min && v <= domain.max);
  return fc.oneof(
    fc.double({ min: domain.min, max: domain.max, noNaN: true }),
    fc.integer({ min: Math.ceil(domain.min), max: Math.floor(domain.max) }),
    fc.constantFrom(...special),
  );
}

/** Whether a missing-data rule lets a scale be scored with `answered` of `total` items (docs/instruments.md). */
export function ruleAllows(rule: MissingRule, answered: number, total: number): boolean {
  if (answered === total) return true;
  if (rule.kind === 'all_required' || answered === 0) return false;
  return (
    (rule.minAnswered === undefined || answered >= rule.minAnswered) &&
    (rule.maxMissing === undefined || total - answered <= rule.maxMissing) &&
    (rule.minFraction === undefined || answered >= rule.minFraction * total)
  );
}

// ---- arbitraries -----------------------------------------------------------------------------

/** A code that answers the item: one of its non-missing codes, or a number in its range. */
export function scoredAnswer(item: ItemDefinition): fc.Arbitrary<number> {
  if (item.codes) return fc.constantFrom(...scoredCodes(item));
  const { min, max, integer } = item.range!;
  return integer ? fc.integer({ min: Math.ceil(min), max: Math.floor(max) }) : fc.double({ min, max, noNaN: true });
}

/** What an unanswered item looks like: absent (undefined here), null, or one of its missing codes. */
export function blankAnswer(item: ItemDefinition): fc.Arbitrary<null | number | undefined> {
  return item.missingCodes.length > 0
    ? fc.oneof(fc.constant(undefined), fc.constant(null), fc.constantFrom(...item.missingCodes))
    : fc.oneof(fc.constant(undefined), fc.constant(null));
}

/** Sets or removes one answer in place (undefined removes the key). */
export function setAnswer(answers: Answers, id: string, value: number | null | undefined): Answers {
  if (value === undefined) delete answers[id];
  else answers[id] = value;
  return answers;
}

/** Every item answered with a non-missing code. */
export function completeAnswers(def: ScoringDefinition): fc.Arbitrary<Answers> {
  return fc.record(Object.fromEntries(def.items.map((i) => [i.id, scoredAnswer(i)]))) as fc.Arbitrary<Answers>;
}

/**
 * Any answers the strict check allows: a complete response with a random number (0 to all) of
 * items left blank, each blank being an absent key, null or a missing code.
 */
export function someAnswers(def: ScoringDefinition): fc.Arbitrary<Answers> {
  const ids = def.items.map((i) => i.id);
  const blanks = fc.record(Object.fromEntries(def.items.map((i) => [i.id, blankAnswer(i)]))) as fc.Arbitrary<Record<string, null | number | undefined>>;
  const removed = fc.oneof(
    fc.integer({ min: 0, max: Math.min(3, ids.length) }),
    fc.integer({ min: 0, max: ids.length }),
  ).chain((k) => fc.shuffledSubarray(ids, { minLength: k, maxLength: k }));
  return fc.tuple(completeAnswers(def), removed, blanks).map(([complete, gone, blank]) => {
    const answers: Answers = { ...complete };
    for (const id of gone) setAnswer(answers, id, blank[id]);
    return answers;
  });
}

/** The values the strict check must accept for an item (codes, missing codes, in-range numbers). */
export function isAllowedValue(item: ItemDefinition, value: unknown): boolean {
  if (value === null) return true;
  if (typeof value !== 'number' || !Number.isFinite(value)) return false;
  if (item.missingCodes.includes(value)) return true;
  if (item.codes) return item.codes.includes(value);
  const { min, max, integer } = item.range!;
  return (!integer || Number.isInteger(value)) && value >= min && value <= max;
}

/**
 * Values the strict check must reject for an item: numbers off the code list or out of range
 * (nearby integers, fractions beside each code or edge, anything far away, NaN, ±Infinity),
 * numeric strings of its own codes ("2" for 2), other strings, and non-number types.
 */
export function disallowedValue(item: ItemDefinition): fc.Arbitrary<unknown> {
  const allowedNumbers = item.codes ?? [item.range!.min, item.range!.max];
  const lo = Math.min(...allowedNumbers, ...item.missingCodes);
  const hi = Math.max(...allowedNumbers, ...item.missingCodes);
  const near = fc.integer({ min: Math.floor(lo) - 5, max: Math.ceil(hi) + 5 });
  const fraction = fc.tuple(fc.constantFrom(...allowedNumbers, ...item.missingCodes), fc.constantFrom(0.5, -0.5, 0.25, 1e-9, -1e-9)).map(([c, d]) => c + d);
  const numbers = fc.oneof(near, fraction, fc.double(), fc.constantFrom(Number.NaN, Infinity, -Infinity, -0.0001, lo - 1, hi + 1));
  const strings = fc.oneof(fc.constantFrom(...allowedNumbers.map(String), ''), fc.string());
  const others = fc.constantFrom<unknown>(true, false, [], {}, [lo], { value: lo });
  return fc.oneof(numbers, strings, others).filter((v) => !isAllowedValue(item, v));
}
