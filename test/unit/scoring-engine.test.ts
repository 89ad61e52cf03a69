import { describe, expect, it } from 'vitest';
import { scoringDefinitionSchema, type ScoringDefinition } from '../../functions/core/scoring/definition';
import { scoreInstrument } from '../../functions/core/scoring/engine';

/** A small made-up instrument exercising each engine feature. */
const toy: ScoringDefinition = scoringDefinitionSchema().parse({
  id: 'toy',
  version: '1',
  scoringVersion: '1',
  name: 'Toy',
  citation: 'none',
  constructs: ['mood'],
  licence: { category: 'PD', holder: 'nobody', textIncluded: true, terms: 'free' },
  items: [
    { id: 'T_1', codes: [1, 2, 3, 4, 5] },
    { id: 'T_2', codes: [1, 2, 3, 4, 5] },
    { id: 'T_3', codes: [1, 2, 3, 4, 5] },
    { id: 'T_4', codes: [1, 2, 3, 4, 5], missingCodes: [9] },
    { id: 'V', range: { min: 0, max: 10 } },
  ],
  scales: [
    { id: 'sum', label: 's', items: ['T_1', 'T_2', 'T_3', 'T_4'], reversed: ['T_2'], formula: 'sum', missing: 'strict',
      bands: [{ label: 'low', lt: 10 }, { label: 'high', gte: 10 }] },
    { id: 'mean', label: 'm', items: ['T_1', 'T_2', 'T_3', 'T_4'], formula: 'mean', missing: 'half' },
    { id: 'doubled', label: 'd', items: ['T_1', 'T_3'], formula: 'sum', transform: { multiply: 2 }, missing: 'strict' },
    { id: 't', label: 't', items: ['T_1', 'T_2', 'T_3', 'T_4'], formula: 'lookup', missing: 'legacy',
      table: Object.fromEntries(Array.from({ length: 17 }, (_, i) => [String(i + 4), { value: 30 + i * 2.5, se: 3 }])) },
  ],
  missingRules: {
    strict: { kind: 'all_required', description: 'all items' },
    half: { kind: 'prorate', minAnswered: 2, description: 'mean of answered when at least 2' },
    legacy: { kind: 'prorate', minFraction: 0.5, round: 'up', description: '≥50%, prorate, round up' },
  },
  flags: [
    { id: 'v_high', label: 'V high', item: 'V', gte: 8, urgent: true },
    { id: 'sum_high', label: 'sum high', scale: 'sum', gte: 18 },
    { id: 't4_missing', label: 'T4 missing', item: 'T_4', whenMissing: true },
  ],
});

describe('the scoring engine', () => {
  it('sums item codes, reversing reversed items as min + max − x', () => {
    const result = scoreInstrument(toy, { T_1: 1, T_2: 1, T_3: 1, T_4: 1 });
    expect(result.scales.sum).toMatchObject({ value: 8, raw: 8, status: 'complete', answered: 4, items: 4, band: 'low', rule: 'strict' });
  });

  it('puts a value on a band boundary in the band whose bound is inclusive', () => {
    expect(scoreInstrument(toy, { T_1: 3, T_2: 3, T_3: 3, T_4: 1 }).scales.sum?.band).toBe('high');
    expect(scoreInstrument(toy, { T_1: 3, T_2: 3, T_3: 2, T_4: 1 }).scales.sum?.band).toBe('low');
  });

  it('refuses to score a strict scale with an item missing, and says which', () => {
    const s = scoreInstrument(toy, { T_1: 1, T_2: 1, T_3: 1, T_4: null }).scales.sum!;
    expect(s).toMatchObject({ value: null, raw: null, band: null, status: 'not_scored', answered: 3 });
    expect(s.reason).toContain('T_4');
  });

  it('treats a missing code (e.g. "not applicable") as unanswered', () => {
    expect(scoreInstrument(toy, { T_1: 1, T_2: 1, T_3: 1, T_4: 9 }).scales.sum?.status).toBe('not_scored');
  });

  it('takes the mean of answered items when the rule allows it, and marks it prorated', () => {
    expect(scoreInstrument(toy, { T_1: 1, T_2: 2, T_3: null, T_4: null }).scales.mean).toMatchObject({ value: 1.5, status: 'prorated', answered: 2 });
    expect(scoreInstrument(toy, { T_1: 1, T_2: null, T_3: null, T_4: null }).scales.mean?.status).toBe('not_scored');
  });

  it('applies a linear transform after the sum', () => {
    expect(scoreInstrument(toy, { T_1: 4, T_3: 5 }).scales.doubled?.value).toBe(18);
  });

  it('looks the summed score up in the table, with its standard error', () => {
    expect(scoreInstrument(toy, { T_1: 2, T_2: 4, T_3: 2, T_4: 2 }).scales.t).toMatchObject({ raw: 10, value: 45, se: 3, status: 'complete' });
  });

  it('prorates a lookup sum exactly and rounds it up before the lookup', () => {
    // 3 of 4 answered, sum 9 → 9 × 4 / 3 = 12 exactly (a naive 9 × (4/3) is 12.000…02 and would round up to 13).
    expect(scoreInstrument(toy, { T_1: 3, T_2: 3, T_3: 3, T_4: null }).scales.t).toMatchObject({ raw: 12, value: 50, status: 'prorated' });
    // sum 10 → 13.33… → 14
    expect(scoreInstrument(toy, { T_1: 3, T_2: 3, T_3: 4, T_4: null }).scales.t).toMatchObject({ raw: 14, value: 55 });
    expect(scoreInstrument(toy, { T_1: 3, T_2: null, T_3: null, T_4: null }).scales.t?.status).toBe('not_scored');
  });

  it('lets a study choose another named missing-data rule and records the rule used', () => {
    const s = scoreInstrument(toy, { T_1: 1, T_2: 1, T_3: 1, T_4: null }, { missingRule: 'legacy' }).scales.sum!;
    // T_2 is reversed (1 → 5): 1 + 5 + 1 = 7, × 4 / 3 = 9.33…, rounded up to 10.
    expect(s).toMatchObject({ status: 'prorated', rule: 'legacy', raw: 10 });
    expect(() => scoreInstrument(toy, {}, { missingRule: 'nope' })).toThrow(/no missing-data rule "nope"/);
  });

  it('raises item, missing-item and score flags', () => {
    const flags = scoreInstrument(toy, { T_1: 5, T_2: 1, T_3: 5, T_4: null, V: 8 }).flags.map((f) => f.id);
    expect(flags).toEqual(['v_high', 't4_missing']);
    expect(scoreInstrument(toy, { T_1: 5, T_2: 1, T_3: 5, T_4: 5, V: 7 }).flags.map((f) => f.id)).toEqual(['sum_high']);
  });

  it('records instrument and scoring versions on every result', () => {
    expect(scoreInstrument(toy, {})).toMatchObject({ instrument: 'toy', version: '1', scoringVersion: '1' });
  });
});

describe('engine features for particular instruments', () => {
  const special = scoringDefinitionSchema().parse({
    ...toy,
    items: [
      // Options 0, 1a, 1b, 2a, 2b coded 0–4 on the form; both letters of a level score the level.
      { id: 'R', codes: [0, 1, 2, 3, 4], recode: { '1': 1, '2': 1, '3': 2, '4': 2 } },
      { id: 'S', codes: [0, 1, 2] },
      { id: 'P1', codes: [1, 2, 3, 4], missingCodes: [5] },
      { id: 'P2', codes: [1, 2, 3, 4], missingCodes: [5] },
    ],
    scales: [
      { id: 'recoded', label: 'r', items: ['R', 'S'], formula: 'sum', missing: 'strict' },
      { id: 'reversed_recoded', label: 'rr', items: ['R'], reversed: ['R'], formula: 'sum', missing: 'strict' },
      { id: 'activation', label: 'a', items: ['P1', 'P2'], formula: 'plugin', plugin: 'acme', missing: 'legacy',
        bands: [{ label: 'level 1', lte: 50 }, { label: 'level 2', gt: 50 }] },
    ],
    flags: [{ id: 'any_low', label: 'any item 0', anyOf: ['R', 'S'], lte: 0 }],
  });

  it('scores a recoded item by its mapped score, and reverses within the mapped range', () => {
    const result = scoreInstrument(special, { R: 4, S: 2 });
    expect(result.scales.recoded?.value).toBe(4);
    expect(result.scales.reversed_recoded?.value).toBe(0);
  });

  it('raises an any-of flag once, listing every item that met it', () => {
    expect(scoreInstrument(special, { R: 0, S: 0 }).flags).toEqual([{ id: 'any_low', label: 'any item 0', urgent: false, items: ['R', 'S'] }]);
    expect(scoreInstrument(special, { R: 1, S: 1 }).flags).toEqual([]);
  });

  it('leaves a plug-in scale not scored, with the reason, until its plug-in is installed', () => {
    const s = scoreInstrument(special, { P1: 4, P2: 4 }).scales.activation!;
    expect(s).toMatchObject({ value: null, status: 'not_scored', reason: 'licensed scoring plug-in "acme" is not installed' });
  });

  it('scores a plug-in scale through the installed plug-in, passing item scores with N/A as missing', () => {
    const seen: unknown[] = [];
    const acme = (scores: Record<string, number | null>) => {
      seen.push(scores);
      return { value: 55.5, raw: 7 };
    };
    const s = scoreInstrument(special, { P1: 3, P2: 5 }, { plugins: { acme } }).scales.activation!;
    expect(seen).toEqual([{ P1: 3, P2: null }]);
    expect(s).toMatchObject({ value: 55.5, raw: 7, band: 'level 2', status: 'prorated', rule: 'legacy' });
  });

  it('does not ask a plug-in to score what the missing-data rule refuses', () => {
    const acme = () => ({ value: 99 });
    // Both answered "not applicable": nothing answered, which the rule (at least half) refuses.
    expect(scoreInstrument(special, { P1: 5, P2: 5 }, { plugins: { acme } }).scales.activation).toMatchObject({ status: 'not_scored', value: null, rule: 'legacy' });
  });

  it('treats a "not applicable" code as unanswered for flags too', () => {
    expect(scoreInstrument(toy, { T_4: 9 }).flags.map((f) => f.id)).toContain('t4_missing');
  });
});

describe('scoring definitions', () => {
  it('reject a scale that names an unknown item or missing rule', () => {
    const bad = { ...toy, scales: [{ ...toy.scales[0], items: ['NOPE'], missing: 'nope' }] };
    const result = scoringDefinitionSchema().safeParse(bad);
    expect(result.success).toBe(false);
    expect(result.error?.issues.map((i) => i.message)).toEqual(expect.arrayContaining(['unknown item NOPE', 'unknown missing rule nope']));
  });
});
