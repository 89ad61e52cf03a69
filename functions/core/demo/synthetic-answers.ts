import type { Construct } from '../catalogue/constructs';
import type { ScoringDefinition } from '../scoring/definition';
import type { Answers } from '../schedule/records';

/** A reproducible source of numbers in [0, 1) (mulberry32): the same seed, the same demo data. */
export function seededRandom(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4_294_967_296;
  };
}

/** A normal deviate (Box–Muller) from a uniform source. */
export function normal(random: () => number, mean = 0, sd = 1): number {
  const u = Math.max(random(), 1e-12);
  return mean + sd * Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * random());
}

/** Band labels that mean "no problem": the end of a scale where they sit is its healthy end. */
const healthyBands = /^(minimal|normal|within_normal_limits|no_pain|not_high|below_clinical_threshold|none)$/;
/** Band labels that mean a problem when they sit at the low end (well-being, where low is bad). */
const unhealthyBands = /(depression|poor|low)/;

/** Constructs whose scores are symptoms (higher is worse) unless the scale's bands say otherwise. */
const symptomConstructs: ReadonlySet<Construct> = new Set(['pain', 'fear_avoidance', 'mood']);

/** Scales whose construct points the wrong way: pain self-efficacy (PSEQ) is pain-related, and higher is better. */
const higherIsBetterAnyway: ReadonlySet<string> = new Set(['pseq']);

/**
 * Whether higher values of a scale are the clinically better direction. Read from its bands where
 * it has them (the end where "minimal", "normal" or "within normal limits" sits is the healthy
 * end; a low band named for a problem, e.g. "probable depression", makes high the healthy end),
 * else from the instrument's constructs (pain, fear-avoidance and mood scales are symptoms: lower
 * is better; well-being, mindfulness and interoception, activation: higher is better).
 */
export function higherIsBetter(definition: ScoringDefinition, scaleId: string): boolean {
  const scale = definition.scales.find((s) => s.id === scaleId);
  const bands = [...(scale?.bands ?? [])].sort((a, b) => lowerBound(a) - lowerBound(b));
  if (bands.length >= 2) {
    const healthy = bands.findIndex((b) => healthyBands.test(b.label));
    if (healthy === 0) return false;
    if (healthy === bands.length - 1) return true;
    if (unhealthyBands.test(bands[0]!.label)) return true;
  }
  if (higherIsBetterAnyway.has(definition.id)) return true;
  return !definition.constructs.some((c) => symptomConstructs.has(c));
}

const lowerBound = (band: { gte?: number | undefined; gt?: number | undefined; lte?: number | undefined; lt?: number | undefined }) =>
  band.gte ?? band.gt ?? (band.lte !== undefined || band.lt !== undefined ? Number.NEGATIVE_INFINITY : 0);

/**
 * Answers to an instrument for a synthetic participant at a given severity (0 = as well as the
 * scale can say, 1 = as unwell), with a little item-level noise: each item's code sits where that
 * severity falls on its own codes, in the direction of the scale it belongs to (reversed items
 * the other way). Items whose answers raise an urgent flag (PHQ-9 item 9) get their lowest code
 * unless `urgent` asks for a flag. Codes a form prints as "not applicable" are never chosen.
 */
export function syntheticAnswers(definition: ScoringDefinition, severity: number, random: () => number, options: { urgent?: boolean } = {}): Answers {
  const answers: Answers = {};
  const flagItems = new Set(definition.flags.filter((f) => f.urgent).flatMap((f) => ('item' in f ? [f.item] : 'anyOf' in f ? f.anyOf : [])));
  for (const item of definition.items) {
    const scale = definition.scales.find((s) => s.items.includes(item.id));
    const reversed = scale?.reversed.includes(item.id) ?? false;
    const healthHigh = scale === undefined ? false : higherIsBetter(definition, scale.id);
    // Position along the item's codes, 0 = lowest code: worse health is higher unless the scale is healthy-high, and a reversed item flips it.
    const worseIsHigh = healthHigh === reversed;
    const s = clamp01(severity + normal(random, 0, 0.12));
    const position = worseIsHigh ? s : 1 - s;
    if (item.codes) {
      const codes = item.codes.filter((c) => !item.missingCodes.includes(c));
      const sorted = [...codes].sort((a, b) => a - b);
      if (flagItems.has(item.id)) {
        answers[item.id] = options.urgent ? (sorted[1] ?? sorted[0]!) : sorted[0]!;
        continue;
      }
      answers[item.id] = sorted[Math.round(position * (sorted.length - 1))]!;
    } else if (item.range) {
      const { min, max, integer } = item.range;
      const value = min + position * (max - min);
      answers[item.id] = integer ? Math.round(value) : Math.round(value * 10) / 10;
    }
  }
  return answers;
}

const clamp01 = (x: number) => Math.min(1, Math.max(0, x));
