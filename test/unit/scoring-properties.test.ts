/**
 * Property-based tests of the scoring engine's invariants, run over every bundled instrument.
 * Answers are generated from each definition (its codes, ranges and missing codes; blanks as
 * absent keys, nulls or missing codes), and every expectation is derived from the definition's
 * data (see scoring-arbitraries.ts), never from an instrument's published numbers.
 *
 * Each property is a builder taking the engine (and the strict check) as a parameter, so the
 * last block can show that each one fails on a deliberately broken definition or engine.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { Answers } from '../../functions/core/schedule/records';
import { checkAnswers } from '../../functions/core/scoring/check-answers';
import { scoringDefinitionSchema, type Band, type ItemDefinition, type ScaleDefinition, type ScoringDefinition } from '../../functions/core/scoring/definition';
import { scoreInstrument, type Flag } from '../../functions/core/scoring/engine';
import { listInstruments } from '../../functions/adapters/bundled-catalogue/bundled-catalogue';
import {
  approxEqual,
  bandDomain,
  bandEdges,
  bandProbe,
  bandsContaining,
  blankAnswer,
  completeAnswers,
  disallowedValue,
  isAnswered,
  itemOf,
  itemRange,
  reverseWithin,
  ruleAllows,
  scaleRange,
  scoredAnswer,
  scoreOfCode,
  setAnswer,
  someAnswers,
  withinInterval,
} from './scoring-arbitraries';

type Score = typeof scoreInstrument;
type Check = typeof checkAnswers;

/**
 * Runs per property per instrument: 23 instruments × 13 properties stay within a few seconds.
 * For a deeper search, e.g. `SCORING_PROPERTY_RUNS=5000 npx vitest run test/unit/scoring-properties.test.ts`.
 */
const RUNS = Number(process.env.SCORING_PROPERTY_RUNS ?? 100);

const instruments = listInstruments();

/** The default rules (undefined) or any named rule a study may choose instead. */
const ruleChoice = (def: ScoringDefinition) => fc.constantFrom<string | undefined>(undefined, ...Object.keys(def.missingRules));
const ruleOption = (rule: string | undefined) => (rule === undefined ? {} : { missingRule: rule });
const ruleOf = (def: ScoringDefinition, scale: ScaleDefinition, rule: string | undefined) => def.missingRules[rule ?? scale.missing]!;

const engineScales = (def: ScoringDefinition) => def.scales.filter((s) => s.formula !== 'plugin');
const answeredCount = (def: ScoringDefinition, scale: ScaleDefinition, answers: Answers) =>
  scale.items.filter((id) => isAnswered(itemOf(def, id), answers[id])).length;

// ---- the properties --------------------------------------------------------------------------

/** 1. Every scored value (and raw score) lies within the range the definition implies. */
function scoresStayInRange(def: ScoringDefinition, score: Score = scoreInstrument) {
  return fc.property(someAnswers(def), ruleChoice(def), (answers, rule) => {
    const result = score(def, answers, ruleOption(rule));
    for (const scale of engineScales(def)) {
      const range = scaleRange(def, scale)!;
      const s = result.scales[scale.id]!;
      expect(s.value === null, `${def.id}.${scale.id}: value is null exactly when not scored`).toBe(s.status === 'not_scored');
      if (s.value === null) continue;
      expect(withinInterval(s.value, range.value), `${def.id}.${scale.id}: value ${s.value} outside ${range.value.min}–${range.value.max}`).toBe(true);
      expect(withinInterval(s.raw!, range.raw), `${def.id}.${scale.id}: raw ${s.raw} outside ${range.raw.min}–${range.raw.max}`).toBe(true);
    }
  });
}

/**
 * 1b. What property 1's lookup ranges rest on: a lookup table has a row for every integer raw score
 * the scale can reach, and its values are strictly monotone in the raw score (a transposed or
 * mistyped row breaks that), with non-negative standard errors. Checked exhaustively, per table.
 */
function lookupTablesAreCompleteAndMonotone(def: ScoringDefinition): void {
  for (const scale of def.scales.filter((s) => s.formula === 'lookup')) {
    const { raw } = scaleRange(def, scale)!;
    const values: number[] = [];
    for (let key = Math.ceil(raw.min); key <= Math.floor(raw.max); key += 1) {
      const row = scale.table![String(key)];
      expect(row, `${def.id}.${scale.id}: no table row for the reachable raw score ${key}`).toBeDefined();
      if (row!.se !== undefined) expect(row!.se, `${def.id}.${scale.id}: se of row ${key}`).toBeGreaterThanOrEqual(0);
      values.push(row!.value);
    }
    const steps = values.slice(1).map((v, i) => Math.sign(v - values[i]!));
    expect(new Set(steps).size, `${def.id}.${scale.id}: table values by raw score ${values.join(', ')} are not strictly monotone`).toBe(1);
    expect(steps[0], `${def.id}.${scale.id}: table values by raw score ${values.join(', ')} are not strictly monotone`).not.toBe(0);
  }
}

/** A one-item definition scoring the item twice: as is, and reversed. */
function mirror(item: ItemDefinition): ScoringDefinition {
  return scoringDefinitionSchema().parse({
    id: 'mirror',
    version: '1',
    scoringVersion: '1',
    name: 'mirror',
    citation: '-',
    constructs: ['mood'],
    licence: { category: 'PD', holder: '-', textIncluded: true, terms: '-' },
    items: [item],
    scales: [
      { id: 'plain', label: 'plain', items: [item.id], formula: 'sum', missing: 'all' },
      { id: 'reversed', label: 'reversed', items: [item.id], reversed: [item.id], formula: 'sum', missing: 'all' },
    ],
    missingRules: { all: { kind: 'all_required', description: 'all items' } },
  });
}

/**
 * 2a. Item reversal, through the engine: the reversed score is min + max − the unreversed score,
 * it stays within the item's range, and reversing it again gives the unreversed score back.
 */
function reversalIsAnInvolution(def: ScoringDefinition, score: Score = scoreInstrument) {
  const item = fc.constantFrom(...def.items).chain((i) => fc.tuple(fc.constant(i), scoredAnswer(i)));
  return fc.property(item, ([i, code]) => {
    const scales = score(mirror(i), { [i.id]: code }).scales;
    const plain = scales.plain!.value!;
    const reversed = scales.reversed!.value!;
    const range = itemRange(i);
    expect(plain, `${def.id}.${i.id}: unreversed score of ${code}`).toBe(scoreOfCode(i, code));
    expect(approxEqual(reversed, reverseWithin(range, plain)), `${def.id}.${i.id}: ${code} reversed is ${reversed}, not ${range.min} + ${range.max} − ${plain}`).toBe(true);
    expect(approxEqual(reverseWithin(range, reversed), plain), `${def.id}.${i.id}: reversing twice`).toBe(true);
    expect(reversed >= range.min && reversed <= range.max, `${def.id}.${i.id}: reversed ${reversed} within ${range.min}–${range.max}`).toBe(true);
  });
}

/**
 * 2b. Reversal within the instrument's own scales: scoring a scale with its reversed items minus
 * scoring it with none reversed is Σ (min + max − 2x) over the reversed items (÷ n for a mean).
 */
function reversedScalesDifferByTheMirror(def: ScoringDefinition, score: Score = scoreInstrument) {
  const unreversed: ScoringDefinition = { ...def, scales: def.scales.map((s) => ({ ...s, reversed: [] })) };
  const scales = engineScales(def).filter((s) => s.reversed.length > 0);
  return fc.property(completeAnswers(def), (answers) => {
    const withReversal = score(def, answers).scales;
    const without = score(unreversed, answers).scales;
    for (const scale of scales) {
      const expected =
        scale.reversed.reduce((acc, id) => {
          const item = itemOf(def, id);
          const range = itemRange(item);
          const x = scoreOfCode(item, answers[id] as number);
          return acc + reverseWithin(range, x) - x;
        }, 0) / (scale.formula === 'mean' ? scale.items.length : 1);
      const difference = withReversal[scale.id]!.raw! - without[scale.id]!.raw!;
      expect(approxEqual(difference, expected), `${def.id}.${scale.id}: reversed − unreversed raw is ${difference}, expected ${expected}`).toBe(true);
    }
  });
}

/** 3. A complete response scores every engine scale `complete`, with every item counted. */
function completeResponsesScoreComplete(def: ScoringDefinition, score: Score = scoreInstrument) {
  return fc.property(completeAnswers(def), ruleChoice(def), (answers, rule) => {
    const result = score(def, answers, ruleOption(rule));
    for (const scale of def.scales) {
      const s = result.scales[scale.id]!;
      if (scale.formula === 'plugin') {
        // No plug-in installed: never scored, and it says why.
        expect(s, `${def.id}.${scale.id}`).toMatchObject({ status: 'not_scored', value: null });
        expect(s.reason).toMatch(/plug-in/);
        continue;
      }
      expect(s, `${def.id}.${scale.id}: ${s.reason ?? ''}`).toMatchObject({ status: 'complete', answered: scale.items.length, items: scale.items.length });
      expect(s.value, `${def.id}.${scale.id}`).not.toBeNull();
      expect(s.reason, `${def.id}.${scale.id}`).toBeUndefined();
    }
  });
}

/**
 * 4. Pure and deterministic: the same answers score the same (also from a copy, and with the keys
 * in another order), and neither the answers nor the definition is changed.
 */
function scoringIsPure(def: ScoringDefinition, score: Score = scoreInstrument) {
  const definitionBefore = JSON.stringify(def);
  return fc.property(someAnswers(def), ruleChoice(def), (answers, rule) => {
    const before = structuredClone(answers);
    const first = score(def, answers, ruleOption(rule));
    const second = score(def, answers, ruleOption(rule));
    const reordered = score(def, Object.fromEntries(Object.entries(before).reverse()), ruleOption(rule));
    expect(second, `${def.id}: scored twice`).toStrictEqual(first);
    expect(reordered, `${def.id}: keys in another order`).toStrictEqual(first);
    expect(answers, `${def.id}: answers unchanged`).toStrictEqual(before);
    expect(JSON.stringify(def), `${def.id}: definition unchanged`).toBe(definitionBefore);
  });
}

/** Every (scale, item) pair of the engine scales, and the `all_required` rules of the instrument. */
const scaleItems = (def: ScoringDefinition) => engineScales(def).flatMap((scale) => scale.items.map((item) => ({ scale, item })));
const allRequiredRules = (def: ScoringDefinition) => Object.entries(def.missingRules).filter(([, r]) => r.kind === 'all_required').map(([id]) => id);

/**
 * 5a. Under `all_required` (each such rule chosen by a study, and as a scale's default), a
 * complete response with any one of the scale's items blanked is `not_scored`, naming the item.
 */
function allRequiredNeedsEveryItem(def: ScoringDefinition, score: Score = scoreInstrument) {
  const pick = fc.constantFrom(...scaleItems(def)).chain((p) => fc.tuple(fc.constant(p), blankAnswer(itemOf(def, p.item))));
  return fc.property(completeAnswers(def), pick, (complete, [{ scale, item }, blank]) => {
    const answers = setAnswer({ ...complete }, item, blank);
    const rules: Array<string | undefined> = allRequiredRules(def);
    if (def.missingRules[scale.missing]!.kind === 'all_required') rules.push(undefined);
    for (const rule of rules) {
      const s = score(def, answers, ruleOption(rule)).scales[scale.id]!;
      const where = `${def.id}.${scale.id} without ${item} (${blank}) under ${rule ?? scale.missing}`;
      expect(s, where).toMatchObject({ status: 'not_scored', value: null, raw: null, band: null, answered: scale.items.length - 1, items: scale.items.length });
      expect(s.reason, where).toContain(item);
    }
  });
}

/**
 * 5b. For any answers and any of the instrument's rules, the status is exactly what the rule says:
 * `complete` with every item answered, else `prorated` when the rule allows that many missing,
 * else `not_scored`; `answered` counts the non-missing answers and `rule` names the rule used.
 */
function statusFollowsTheRule(def: ScoringDefinition, score: Score = scoreInstrument) {
  return fc.property(someAnswers(def), ruleChoice(def), (answers, rule) => {
    const result = score(def, answers, ruleOption(rule));
    for (const scale of engineScales(def)) {
      const answered = answeredCount(def, scale, answers);
      const total = scale.items.length;
      const expected = answered === total ? 'complete' : ruleAllows(ruleOf(def, scale, rule), answered, total) ? 'prorated' : 'not_scored';
      const s = result.scales[scale.id]!;
      expect(s, `${def.id}.${scale.id} with ${answered}/${total} answered under ${rule ?? scale.missing}: ${s.reason ?? ''}`).toMatchObject({
        status: expected,
        answered,
        items: total,
        rule: rule ?? scale.missing,
      });
    }
  });
}

/** 5c. Monotone: removing an answer never turns a not-scored scale into a scored one. */
function fewerAnswersNeverScoreMore(def: ScoringDefinition, score: Score = scoreInstrument) {
  const pick = fc.constantFrom(...scaleItems(def)).chain((p) => fc.tuple(fc.constant(p), blankAnswer(itemOf(def, p.item))));
  return fc.property(someAnswers(def), pick, ruleChoice(def), (answers, [{ scale, item }, blank], rule) => {
    fc.pre(isAnswered(itemOf(def, item), answers[item]));
    const before = score(def, answers, ruleOption(rule)).scales[scale.id]!;
    const after = score(def, setAnswer({ ...answers }, item, blank), ruleOption(rule)).scales[scale.id]!;
    expect(after.answered, `${def.id}.${scale.id} without ${item}`).toBe(before.answered - 1);
    if (before.status === 'not_scored') expect(after.status, `${def.id}.${scale.id} without ${item} under ${rule ?? scale.missing}`).toBe('not_scored');
  });
}

/** Scales with bands, and the values they must cover. */
const bandedScales = (def: ScoringDefinition) =>
  def.scales.filter((s) => s.bands.length > 0).map((scale) => ({ scale, domain: bandDomain(def, scale) }));

/**
 * 6a. Band data: every value the scale can take (fractions included) is in exactly one band: no
 * gaps, no overlaps. Values just outside the domain may be in no band but never in two.
 */
function bandsPartitionTheRange(def: ScoringDefinition) {
  const banded = bandedScales(def).filter((b) => b.domain !== undefined);
  const probe = fc.constantFrom(...banded).chain((b) =>
    fc.tuple(fc.constant(b), fc.oneof(bandProbe(b.domain!, b.scale.bands), fc.constantFrom(...bandEdges(b.scale.bands)), fc.double({ noNaN: true }))),
  );
  return fc.property(probe, ([{ scale, domain }, value]) => {
    const labels = bandsContaining(scale.bands, value).map((b) => b.label);
    const inDomain = value >= domain!.min && value <= domain!.max;
    expect(labels.length, `${def.id}.${scale.id}: ${value} is in bands [${labels.join(', ')}]`).toBeLessThanOrEqual(1);
    if (inDomain) expect(labels, `${def.id}.${scale.id}: ${value} (within ${domain!.min}–${domain!.max}) is in no band`).toHaveLength(1);
  });
}

/** 6b. The engine reports exactly the one band containing a scored value (null without bands). */
function engineReportsTheMatchingBand(def: ScoringDefinition, score: Score = scoreInstrument) {
  return fc.property(someAnswers(def), ruleChoice(def), (answers, rule) => {
    const result = score(def, answers, ruleOption(rule));
    for (const scale of engineScales(def)) {
      const s = result.scales[scale.id]!;
      if (s.value === null) {
        expect(s.band, `${def.id}.${scale.id}: not scored, no band`).toBeNull();
        continue;
      }
      const matching = bandsContaining(scale.bands, s.value).map((b) => b.label);
      if (scale.bands.length === 0) expect(s.band, `${def.id}.${scale.id}`).toBeNull();
      else expect([s.band], `${def.id}.${scale.id}: value ${s.value} matches [${matching.join(', ')}]`).toEqual(matching);
    }
  });
}

/** 7a. The strict check accepts every answer set the arbitraries produce. */
function checkAcceptsAllowedAnswers(def: ScoringDefinition, check: Check = checkAnswers) {
  return fc.property(someAnswers(def), (answers) => {
    expect(check([def], answers), `${def.id}: ${JSON.stringify(answers)}`).toEqual([]);
  });
}

/** 7c. …and rejects an item that is not one of the instrument's. */
function checkRejectsUnknownItems(def: ScoringDefinition, check: Check = checkAnswers) {
  const ids = new Set(def.items.map((i) => i.id));
  const unknown = fc.stringMatching(/^[A-Za-z][A-Za-z0-9_]{0,12}$/).filter((id) => !ids.has(id));
  return fc.property(someAnswers(def), unknown, fc.oneof(fc.integer(), fc.constant(null)), (answers, id, value) => {
    expect(check([def], { ...answers, [id]: value }), `${def.id}: unknown item ${id}`).toEqual([{ item: id, message: 'is not an item of this questionnaire' }]);
  });
}

/** 7b. …and rejects, naming the item, any value outside its allowed codes, however it arrives. */
function checkRejectsOtherValues(def: ScoringDefinition, check: Check = checkAnswers) {
  const bad = fc.constantFrom(...def.items).chain((i) => fc.tuple(fc.constant(i), disallowedValue(i)));
  return fc.property(someAnswers(def), bad, (answers, [item, value]) => {
    const problems = check([def], { ...answers, [item.id]: value });
    expect(problems.map((p) => p.item), `${def.id}.${item.id} = ${fc.stringify(value)}`).toEqual([item.id]);
  });
}

// ---- run over every bundled instrument --------------------------------------------------------

describe('scoring properties hold for every bundled instrument', () => {
  it('covers the whole catalogue', () => {
    expect(instruments.length).toBeGreaterThan(0);
    // Each kind of feature the properties exercise occurs in the catalogue, so none is vacuous.
    const scales = instruments.flatMap((i) => i.scoring.scales);
    for (const formula of ['sum', 'mean', 'lookup', 'plugin'] as const) expect(scales.some((s) => s.formula === formula), formula).toBe(true);
    expect(scales.some((s) => s.reversed.length > 0)).toBe(true);
    expect(scales.some((s) => s.transform)).toBe(true);
    expect(scales.some((s) => s.bands.length > 0)).toBe(true);
    expect(instruments.some((i) => Object.values(i.scoring.missingRules).some((r) => r.kind === 'prorate'))).toBe(true);
    expect(instruments.some((i) => i.scoring.items.some((it) => it.recode))).toBe(true);
    expect(instruments.some((i) => i.scoring.items.some((it) => it.missingCodes.length > 0))).toBe(true);
  });

  describe.each(instruments.map((i) => ({ id: i.id, def: i.scoring })))('$id', ({ def }) => {
    const hasEngineScales = engineScales(def).length > 0;
    const hasReversal = engineScales(def).some((s) => s.reversed.length > 0);
    const hasAllRequired = allRequiredRules(def).length > 0 || engineScales(def).some((s) => def.missingRules[s.missing]!.kind === 'all_required');
    const hasBands = bandedScales(def).some((b) => b.domain !== undefined);

    if (hasEngineScales) it('1. scores stay within the range the definition implies', () => fc.assert(scoresStayInRange(def), { numRuns: RUNS }));
    if (def.scales.some((s) => s.formula === 'lookup')) it('1b. lookup tables cover every reachable raw score, monotonically', () =>
      lookupTablesAreCompleteAndMonotone(def));
    it('2a. reversing an item is min + max − x, and reversing twice is the identity', () => fc.assert(reversalIsAnInvolution(def), { numRuns: RUNS }));
    if (hasReversal) it('2b. a scale with reversed items differs from it unreversed by exactly the mirrored scores', () =>
      fc.assert(reversedScalesDifferByTheMirror(def), { numRuns: RUNS }));
    it('3. a complete response is complete on every engine scale', () => fc.assert(completeResponsesScoreComplete(def), { numRuns: RUNS }));
    it('4. scoring is deterministic and does not mutate its inputs', () => fc.assert(scoringIsPure(def), { numRuns: RUNS }));
    if (hasAllRequired) it('5a. under all_required, blanking any one item of a scale leaves it not scored', () =>
      fc.assert(allRequiredNeedsEveryItem(def), { numRuns: RUNS }));
    if (hasEngineScales) it('5b. the status is exactly what the missing-data rule allows', () => fc.assert(statusFollowsTheRule(def), { numRuns: RUNS }));
    if (hasEngineScales) it('5c. removing an answer never makes a not-scored scale scored', () => fc.assert(fewerAnswersNeverScoreMore(def), { numRuns: RUNS }));
    if (hasBands) it('6a. bands cover the range exactly once, fractions included', () => fc.assert(bandsPartitionTheRange(def), { numRuns: RUNS * 3 }));
    if (hasEngineScales) it('6b. the engine reports the one band containing the value', () => fc.assert(engineReportsTheMatchingBand(def), { numRuns: RUNS }));
    it('7a. the strict check accepts every generated answer set', () => fc.assert(checkAcceptsAllowedAnswers(def), { numRuns: RUNS }));
    it('7b. the strict check rejects any value outside the allowed codes', () => fc.assert(checkRejectsOtherValues(def), { numRuns: RUNS * 2 }));
    it('7c. the strict check rejects items of other instruments or none', () => fc.assert(checkRejectsUnknownItems(def), { numRuns: RUNS / 2 }));
  });
});

// ---- each property can fail ------------------------------------------------------------------

/** Fails when the property holds: each breakage below must be caught. */
function expectCaught(property: fc.IProperty<any>, numRuns = 300): void {
  const details = fc.check(property, { numRuns, seed: 20_240_601 });
  expect(details.failed, 'the property should have found a counterexample').toBe(true);
}

const byId = (id: string): ScoringDefinition => structuredClone(instruments.find((i) => i.id === id)!.scoring);
const withScale = (def: ScoringDefinition, scaleId: string, change: (s: ScaleDefinition) => ScaleDefinition): ScoringDefinition => ({
  ...def,
  scales: def.scales.map((s) => (s.id === scaleId ? change(s) : s)),
});

describe('each property catches a deliberate breakage (of in-memory copies only)', () => {
  it('1: an engine that forgets to divide a mean, or applies a transform the definition does not have', () => {
    const def = byId('maas');
    // The engine is handed a copy where the mean became a sum; the range is derived from the real definition.
    const summing: Score = (d, a, o) => scoreInstrument(withScale(d, 'mean', (s) => ({ ...s, formula: 'sum' })), a, o);
    expectCaught(scoresStayInRange(def, summing));
    // A lookup scale given a transform the definition does not have: its values leave the table's range.
    const shifted: Score = (d, a, o) => scoreInstrument(withScale(d, 'physical_function', (s) => ({ ...s, transform: { multiply: 1, add: 100 } })), a, o);
    expectCaught(scoresStayInRange(byId('promis29'), shifted));
  });

  it('1b: a table row mistyped (two values swapped) or missing', () => {
    const swapped = withScale(byId('swemwbs'), 'metric', (s) => ({ ...s, table: { ...s.table!, '20': s.table!['21']!, '21': s.table!['20']! } }));
    expect(() => lookupTablesAreCompleteAndMonotone(swapped)).toThrow(/not strictly monotone/);
    const gap = withScale(byId('promis29'), 'fatigue', (s) => ({ ...s, table: Object.fromEntries(Object.entries(s.table!).filter(([raw]) => raw !== '20')) }));
    expect(() => lookupTablesAreCompleteAndMonotone(gap)).toThrow(/no table row for the reachable raw score 20/);
  });

  it('2a/2b: an engine that ignores reversal (the reversal flipped off in memory)', () => {
    const noReversal: Score = (d, a, o) => scoreInstrument({ ...d, scales: d.scales.map((s) => ({ ...s, reversed: [] })) }, a, o);
    expectCaught(reversalIsAnInvolution(byId('ffmq15'), noReversal));
    expectCaught(reversedScalesDifferByTheMirror(byId('ffmq15'), noReversal));
    // An engine that ignores recodes (BDI-II 16 and 18: codes 0–6 score 0–3) reverses within the wrong range.
    const bdi2 = byId('bdi2');
    const rawCodes: Score = (d, a, o) => scoreInstrument({ ...d, items: d.items.map((i) => ({ ...i, recode: undefined })) }, a, o);
    expectCaught(reversalIsAnInvolution(bdi2, rawCodes));
  });

  it('3: a lookup table with rows missing', () => {
    const def = withScale(byId('promis29'), 'anxiety', (s) => ({
      ...s,
      table: Object.fromEntries(Object.entries(s.table!).filter(([raw]) => Number(raw) % 2 === 1)),
    }));
    expectCaught(completeResponsesScoreComplete(def));
  });

  it('4: an engine that rewrites missing codes in place, and one that keeps state between calls', () => {
    const normalising: Score = (d, a, o) => {
      for (const item of d.items) if (item.missingCodes.includes(a[item.id] as number)) a[item.id] = null;
      return scoreInstrument(d, a, o);
    };
    expectCaught(scoringIsPure(byId('pam13'), normalising));
    const shared: Flag[] = [];
    const leaky: Score = (d, a, o) => {
      const result = scoreInstrument(d, a, o);
      shared.push(...result.flags);
      return { ...result, flags: [...shared] };
    };
    expectCaught(scoringIsPure(byId('phq9'), leaky));
  });

  it('5a/5b/5c: an engine that prorates all_required scales, and one off by one on maxMissing', () => {
    const lenient: Score = (d, a, o) =>
      scoreInstrument(
        { ...d, missingRules: Object.fromEntries(Object.entries(d.missingRules).map(([id, r]) => [id, r.kind === 'all_required' ? { kind: 'prorate', round: 'none', description: r.description } : r])) },
        a,
        o,
      );
    expectCaught(allRequiredNeedsEveryItem(byId('gad7'), lenient));
    expectCaught(statusFollowsTheRule(byId('gad7'), lenient));
    const offByOne: Score = (d, a, o) =>
      scoreInstrument(
        { ...d, missingRules: Object.fromEntries(Object.entries(d.missingRules).map(([id, r]) => [id, r.kind === 'prorate' && r.maxMissing !== undefined ? { ...r, maxMissing: r.maxMissing + 1 } : r])) },
        a,
        o,
      );
    expectCaught(statusFollowsTheRule(byId('phq9'), offByOne));
    // An engine whose rule is "at most 3 answered" (an inverted comparison) is not monotone.
    const inverted: Score = (d, a, o) => {
      const result = scoreInstrument(d, a, o);
      const scales = Object.fromEntries(
        Object.entries(result.scales).map(([id, s]) => [id, s.answered <= 3 && s.answered > 0 ? { ...s, status: 'prorated' as const, value: 0 } : { ...s, status: 'not_scored' as const, value: null }]),
      );
      return { ...result, scales };
    };
    expectCaught(fewerAnswersNeverScoreMore(byId('phq9'), inverted));
  });

  it('6a: band overlaps and gaps, at an edge and over fractions only', () => {
    const phq9 = byId('phq9');
    const band = (label: string, change: (b: Band) => object) =>
      withScale(phq9, 'total', (s) => ({ ...s, bands: s.bands.map((b) => (b.label === label ? { ...change(b), label } : b)) }));
    // `lt 5` → `lte 5`: 5 is minimal and mild.
    expectCaught(bandsPartitionTheRange(band('minimal', ({ lt, ...b }) => ({ ...b, lte: lt }))));
    // `gte 5` → `gt 5`: 5 itself is in no band.
    expectCaught(bandsPartitionTheRange(band('mild', ({ gte, ...b }) => ({ ...b, gt: gte }))));
    // `gte 10` → `gte 10.5`: a gap only fractional (prorated) scores fall into.
    expectCaught(bandsPartitionTheRange(band('moderate', (b) => ({ ...b, gte: 10.5 }))));
    // `lt 10` → `lt 10.25`: an overlap only fractional scores fall into.
    expectCaught(bandsPartitionTheRange(band('mild', (b) => ({ ...b, lt: 10.25 }))));
    // The top band stopping short of the maximum (27) leaves the top of the range uncovered.
    expectCaught(bandsPartitionTheRange(band('severe', (b) => ({ ...b, lte: 26 }))));
  });

  it('6b: an engine reporting the first band whose upper edge is not below the value', () => {
    const sloppy: Score = (d, a, o) => {
      const result = scoreInstrument(d, a, o);
      for (const scale of d.scales) {
        const s = result.scales[scale.id]!;
        if (s.value !== null) s.band = scale.bands.find((b) => (b.lte ?? b.lt ?? Infinity) >= s.value!)?.label ?? null;
      }
      return result;
    };
    expectCaught(engineReportsTheMatchingBand(byId('gad7'), sloppy));
  });

  it('7a/7b/7c: a check that drops missing codes, takes "2" for 2, accepts fractions or ignores unknown items', () => {
    const noMissingCodes: Check = (defs, answers) =>
      checkAnswers(defs.map((d) => ({ ...d, items: d.items.map((i) => ({ ...i, codes: i.codes && i.codes.filter((c) => !i.missingCodes.includes(c)), missingCodes: [] })) })), answers);
    expectCaught(checkAcceptsAllowedAnswers(byId('pam13'), noMissingCodes));
    const coercing: Check = (defs, answers) =>
      checkAnswers(defs, Object.fromEntries(Object.entries(answers).map(([k, v]) => [k, typeof v === 'string' && v.trim() !== '' && !Number.isNaN(Number(v)) ? Number(v) : v])));
    expectCaught(checkRejectsOtherValues(byId('gad7'), coercing));
    // A check that accepts fractions of whole-number ratings.
    const fractions: Check = (defs, answers) =>
      checkAnswers(defs.map((d) => ({ ...d, items: d.items.map((i) => (i.range ? { ...i, range: { ...i.range, integer: false } } : i)) })), answers);
    expectCaught(checkRejectsOtherValues(byId('peg3'), fractions));
    // A check that ignores keys it does not know.
    const ignoring: Check = (defs, answers) => checkAnswers(defs, Object.fromEntries(Object.entries(answers).filter(([id]) => defs.some((d) => d.items.some((i) => i.id === id)))));
    expectCaught(checkRejectsUnknownItems(byId('who5'), ignoring));
  });
});
