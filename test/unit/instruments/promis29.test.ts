import { describe, expect, it } from 'vitest';
import { scoreInstrument } from '../../../functions/core/scoring/engine';
import { itHasAConsistentFormAndDefinition, loadInstrument } from './instrument-harness';

// Expected values typed by hand from /work/shared/reference/instruments.md §2.1 (raw → T tables, 4-item
// short forms), with the errata at the top of that file applied: Physical Function = variant B,
// depression raw 20 SE 3.6, PF raw 13 SE 2.4, pain interference raw 20 = 75.6. They are typed here
// independently of surveys/promis29/scoring.json, so a transcription slip in either one fails this test.
const { scoring, score } = loadInstrument('promis29');

const DOMAIN_ITEMS = {
  physical_function: ['PFA11', 'PFA21', 'PFA23', 'PFA53'],
  anxiety: ['EDANX01', 'EDANX40', 'EDANX41', 'EDANX53'],
  depression: ['EDDEP04', 'EDDEP06', 'EDDEP29', 'EDDEP41'],
  fatigue: ['HI7', 'AN3', 'FATEXP41', 'FATEXP40'],
  sleep_disturbance: ['SLEEP109', 'SLEEP116', 'SLEEP20', 'SLEEP44'],
  social_roles: ['SRPPER11_CaPS', 'SRPPER18_CaPS', 'SRPPER23_CaPS', 'SRPPER46_CaPS'],
  pain_interference: ['PAININ9', 'PAININ22', 'PAININ31', 'PAININ34'],
} as const;
type Domain = keyof typeof DOMAIN_ITEMS;
const DOMAINS = Object.keys(DOMAIN_ITEMS) as Domain[];

// [T, SE] for raw 4, 5, …, 20 (17 rows per domain).
const TABLE: Record<Domain, Array<[number, number]>> = {
  physical_function: [
    [22.5, 4.0], [26.6, 2.8], [28.9, 2.5], [30.5, 2.4], [31.9, 2.3], [33.2, 2.3], [34.4, 2.3], [35.6, 2.3], [36.7, 2.3],
    [37.9, 2.4], [39.2, 2.4], [40.5, 2.4], [41.9, 2.5], [43.5, 2.6], [45.5, 2.8], [48.3, 3.3], [57.0, 6.6],
  ],
  anxiety: [
    [40.3, 6.1], [48.0, 3.6], [51.2, 3.1], [53.7, 2.8], [55.8, 2.7], [57.7, 2.6], [59.5, 2.6], [61.4, 2.6], [63.4, 2.6],
    [65.3, 2.7], [67.3, 2.7], [69.3, 2.7], [71.2, 2.7], [73.3, 2.7], [75.4, 2.7], [77.9, 2.9], [81.6, 3.7],
  ],
  depression: [
    [41.0, 6.2], [49.0, 3.2], [51.8, 2.7], [53.9, 2.4], [55.7, 2.3], [57.3, 2.3], [58.9, 2.3], [60.5, 2.3], [62.2, 2.3],
    [63.9, 2.3], [65.7, 2.3], [67.5, 2.3], [69.4, 2.3], [71.2, 2.4], [73.3, 2.4], [75.7, 2.6], [79.4, 3.6],
  ],
  fatigue: [
    [33.7, 4.9], [39.7, 3.1], [43.1, 2.7], [46.0, 2.6], [48.6, 2.5], [51.0, 2.5], [53.1, 2.4], [55.1, 2.4], [57.0, 2.3],
    [58.8, 2.3], [60.7, 2.3], [62.7, 2.4], [64.6, 2.4], [66.7, 2.4], [69.0, 2.5], [71.6, 2.7], [75.8, 3.9],
  ],
  sleep_disturbance: [
    [32.0, 5.2], [37.5, 4.0], [41.1, 3.7], [43.8, 3.5], [46.2, 3.5], [48.4, 3.4], [50.5, 3.4], [52.4, 3.4], [54.3, 3.4],
    [56.1, 3.4], [57.9, 3.3], [59.8, 3.3], [61.7, 3.3], [63.8, 3.4], [66.0, 3.4], [68.8, 3.7], [73.3, 4.6],
  ],
  social_roles: [
    [27.5, 4.1], [31.8, 2.5], [34.0, 2.3], [35.7, 2.2], [37.3, 2.1], [38.8, 2.2], [40.5, 2.3], [42.3, 2.3], [44.2, 2.3],
    [46.2, 2.3], [48.1, 2.2], [50.0, 2.2], [51.9, 2.2], [53.7, 2.3], [55.8, 2.3], [58.3, 2.7], [64.2, 5.1],
  ],
  pain_interference: [
    [41.6, 6.1], [49.6, 2.5], [52.0, 2.0], [53.9, 1.9], [55.6, 1.9], [57.1, 1.9], [58.5, 1.8], [59.9, 1.8], [61.2, 1.8],
    [62.5, 1.8], [63.8, 1.8], [65.2, 1.8], [66.6, 1.8], [68.0, 1.8], [69.7, 1.9], [71.6, 2.1], [75.6, 3.7],
  ],
};

/** Four item codes (each 1–5) summing to `raw` (4–20): e.g. 10 → [3, 3, 2, 2]. */
const codesFor = (raw: number): number[] => [0, 1, 2, 3].map((i) => Math.floor(raw / 4) + (i < raw % 4 ? 1 : 0));

const answersFor = (domain: Domain, codes: Array<number | null>): Record<string, number | null> =>
  Object.fromEntries(DOMAIN_ITEMS[domain].map((id, i) => [id, codes[i] ?? null]));

const rows = DOMAINS.flatMap((domain) => TABLE[domain].map(([t, se], i) => [domain, i + 4, t, se] as const));

describe('PROMIS-29 Profile v2.0', () => {
  itHasAConsistentFormAndDefinition('promis29');

  it('has 29 items: 7 domains × 4 plus GLOBAL07, with the codes printed on the official form', () => {
    expect(scoring.items).toHaveLength(29);
    const codes = Object.fromEntries(scoring.items.map((i) => [i.id, i.codes]));
    // Printed order on the form: PF "Without any difficulty" 5 … "Unable to do" 1; SLEEP109 "Very poor" 5 … "Very good" 1;
    // SLEEP116 "Not at all" 5 … "Very much" 1; social roles "Never" 5 … "Always" 1; the rest 1 … 5.
    for (const id of [...DOMAIN_ITEMS.physical_function, ...DOMAIN_ITEMS.social_roles, 'SLEEP109', 'SLEEP116']) expect(codes[id], id).toEqual([5, 4, 3, 2, 1]);
    for (const id of [...DOMAIN_ITEMS.anxiety, ...DOMAIN_ITEMS.depression, ...DOMAIN_ITEMS.fatigue, 'SLEEP20', 'SLEEP44', ...DOMAIN_ITEMS.pain_interference]) {
      expect(codes[id], id).toEqual([1, 2, 3, 4, 5]);
    }
    expect(codes.GLOBAL07).toEqual([0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10]);
    // No reversal at scoring time: the form's codes are already reversed where PROMIS reverses.
    for (const scale of scoring.scales) expect(scale.reversed, scale.id).toEqual([]);
  });

  it('the hand-typed answer builder gives four valid codes summing to each raw score', () => {
    for (let raw = 4; raw <= 20; raw++) {
      const codes = codesFor(raw);
      expect(codes.reduce((a, b) => a + b, 0)).toBe(raw);
      for (const c of codes) expect(c >= 1 && c <= 5).toBe(true);
    }
  });

  it.each(rows)('%s raw %d → T %s (SE %s)', (domain, raw, t, se) => {
    expect(score(answersFor(domain, codesFor(raw))).scales[domain]).toMatchObject({
      value: t, raw, se, status: 'complete', answered: 4, items: 4, rule: 'all_required',
    });
  });

  it('scores a whole profile in one response', () => {
    const answers = {
      ...answersFor('physical_function', [4, 4, 3, 2]), // 13 → 37.9 (SE 2.4)
      ...answersFor('anxiety', [2, 3, 2, 2]), // 9 → 57.7
      ...answersFor('depression', [1, 1, 2, 1]), // 5 → 49.0
      ...answersFor('fatigue', [4, 3, 4, 4]), // 15 → 62.7
      ...answersFor('sleep_disturbance', [4, 2, 3, 3]), // 12 → 54.3
      ...answersFor('social_roles', [3, 3, 4, 3]), // 13 → 46.2
      ...answersFor('pain_interference', [4, 4, 3, 4]), // 15 → 65.2
      GLOBAL07: 6,
    };
    const { scales } = score(answers);
    expect(scales.physical_function).toMatchObject({ value: 37.9, se: 2.4, band: 'moderate' });
    expect(scales.anxiety).toMatchObject({ value: 57.7, se: 2.6, band: 'mild' });
    expect(scales.depression).toMatchObject({ value: 49.0, se: 3.2, band: 'within_normal_limits' });
    expect(scales.fatigue).toMatchObject({ value: 62.7, se: 2.4, band: 'moderate' });
    expect(scales.sleep_disturbance).toMatchObject({ value: 54.3, se: 3.4, band: 'within_normal_limits' });
    expect(scales.social_roles).toMatchObject({ value: 46.2, se: 2.3, band: 'within_normal_limits' });
    expect(scales.pain_interference).toMatchObject({ value: 65.2, se: 1.8, band: 'moderate' });
    expect(scales.pain_intensity).toMatchObject({ value: 6, raw: 6, band: null, status: 'complete' });
  });

  it('sums the printed codes of the reversed-wording sleep items as they are (no reversal at scoring)', () => {
    // SLEEP109 "Very poor" = 5, SLEEP116 "Not at all" = 5, SLEEP20 and SLEEP44 "Not at all" = 1: raw 12 → 54.3.
    expect(score(answersFor('sleep_disturbance', [5, 5, 1, 1])).scales.sleep_disturbance).toMatchObject({ raw: 12, value: 54.3, se: 3.4 });
    // Social roles "Never" = 5 on every item: raw 20 → 64.2.
    expect(score(answersFor('social_roles', [5, 5, 5, 5])).scales.social_roles).toMatchObject({ raw: 20, value: 64.2, se: 5.1 });
  });

  it('reports pain intensity (GLOBAL07) as answered, 0–10', () => {
    for (const v of [0, 1, 5, 9, 10]) {
      expect(score({ GLOBAL07: v }).scales.pain_intensity).toMatchObject({ value: v, raw: v, status: 'complete', band: null });
    }
    expect(score({ GLOBAL07: null }).scales.pain_intensity).toMatchObject({ value: null, status: 'not_scored' });
  });

  describe('bands (HealthMeasures wording, inclusive bounds as stated in the README)', () => {
    const SYMPTOM: Domain[] = ['anxiety', 'depression', 'fatigue', 'sleep_disturbance', 'pain_interference'];
    const FUNCTION: Domain[] = ['physical_function', 'social_roles'];

    it('are defined exactly as documented', () => {
      for (const id of SYMPTOM) {
        expect(scoring.scales.find((s) => s.id === id)?.bands, id).toEqual([
          { label: 'within_normal_limits', lte: 55 },
          { label: 'mild', gt: 55, lte: 60 },
          { label: 'moderate', gt: 60, lte: 70 },
          { label: 'severe', gt: 70 },
        ]);
      }
      for (const id of FUNCTION) {
        expect(scoring.scales.find((s) => s.id === id)?.bands, id).toEqual([
          { label: 'within_normal_limits', gte: 45 },
          { label: 'mild', gte: 40, lt: 45 },
          { label: 'moderate', gte: 30, lt: 40 },
          { label: 'severe', lt: 30 },
        ]);
      }
    });

    // No table T-score falls exactly on 30, 40, 45, 55, 60 or 70, so the boundary values are scored through
    // each scale's real bands with a stand-in table (raw 4, 5, … → the listed T values).
    const symptomEdges: Array<[number, string]> = [
      [54.9, 'within_normal_limits'], [55, 'within_normal_limits'], [55.1, 'mild'], [60, 'mild'], [60.1, 'moderate'],
      [70, 'moderate'], [70.1, 'severe'],
    ];
    const functionEdges: Array<[number, string]> = [
      [45.1, 'within_normal_limits'], [45, 'within_normal_limits'], [44.9, 'mild'], [40, 'mild'], [39.9, 'moderate'],
      [30, 'moderate'], [29.9, 'severe'],
    ];
    const edgeCases = [
      ...SYMPTOM.flatMap((d) => symptomEdges.map(([t, band], i) => [d, t, band, i + 4] as const)),
      ...FUNCTION.flatMap((d) => functionEdges.map(([t, band], i) => [d, t, band, i + 4] as const)),
    ];
    it.each(edgeCases)('%s: T %s is %s', (domain, t, band, raw) => {
      const def = structuredClone(scoring);
      const scale = def.scales.find((s) => s.id === domain)!;
      scale.table = { [String(raw)]: { value: t } };
      expect(scoreInstrument(def, answersFor(domain, codesFor(raw))).scales[domain]).toMatchObject({ value: t, band });
    });

    it.each([
      ['anxiety', 7, 53.7, 'within_normal_limits'], ['anxiety', 8, 55.8, 'mild'], ['anxiety', 10, 59.5, 'mild'],
      ['anxiety', 11, 61.4, 'moderate'], ['anxiety', 15, 69.3, 'moderate'], ['anxiety', 16, 71.2, 'severe'],
      ['fatigue', 11, 55.1, 'mild'], ['sleep_disturbance', 15, 59.8, 'mild'], ['depression', 19, 75.7, 'severe'],
      ['pain_interference', 11, 59.9, 'mild'], ['pain_interference', 18, 69.7, 'moderate'], ['pain_interference', 19, 71.6, 'severe'],
      ['physical_function', 18, 45.5, 'within_normal_limits'], ['physical_function', 17, 43.5, 'mild'],
      ['physical_function', 15, 40.5, 'mild'], ['physical_function', 14, 39.2, 'moderate'],
      ['physical_function', 7, 30.5, 'moderate'], ['physical_function', 6, 28.9, 'severe'],
      ['social_roles', 13, 46.2, 'within_normal_limits'], ['social_roles', 12, 44.2, 'mild'], ['social_roles', 10, 40.5, 'mild'],
      ['social_roles', 9, 38.8, 'moderate'], ['social_roles', 5, 31.8, 'moderate'], ['social_roles', 4, 27.5, 'severe'],
    ] as const)('%s raw %d (T %s) from the real table is %s', (domain, raw, t, band) => {
      expect(score(answersFor(domain, codesFor(raw))).scales[domain]).toMatchObject({ value: t, band });
    });
  });

  describe('missing data', () => {
    it.each(DOMAINS)('%s: one missing item → not scored under the default rule (all 4 required)', (domain) => {
      for (let missing = 0; missing < 4; missing++) {
        const codes: Array<number | null> = [3, 3, 3, 3];
        codes[missing] = null;
        const result = score(answersFor(domain, codes)).scales[domain];
        expect(result).toMatchObject({ value: null, raw: null, band: null, status: 'not_scored', answered: 3, items: 4, rule: 'all_required' });
        expect(result?.reason).toContain(DOMAIN_ITEMS[domain][missing]);
      }
    });

    const legacy = { missingRule: 'promis_legacy_50' };

    it('legacy ≥50 % rule: 3 of 4 answered summing 10 → 10 × 4 / 3 = 13.33 → rounded up to 14 → T of raw 14', () => {
      expect(score(answersFor('anxiety', [4, 3, 3, null]), legacy).scales.anxiety).toMatchObject({
        value: 67.3, se: 2.7, raw: 14, status: 'prorated', answered: 3, rule: 'promis_legacy_50', band: 'moderate',
      });
      expect(score(answersFor('physical_function', [null, 4, 3, 3]), legacy).scales.physical_function).toMatchObject({ value: 39.2, se: 2.4, raw: 14 });
    });

    it('legacy rule: more vectors, by hand', () => {
      // 3 answered summing 7: 28 / 3 = 9.33 → 10 → depression 58.9 (SE 2.3).
      expect(score(answersFor('depression', [3, 2, null, 2]), legacy).scales.depression).toMatchObject({ raw: 10, value: 58.9, se: 2.3, status: 'prorated' });
      // 3 answered summing 9: 36 / 3 = 12 exactly, no rounding → fatigue 57.0 (SE 2.3).
      expect(score(answersFor('fatigue', [3, 3, 3, null]), legacy).scales.fatigue).toMatchObject({ raw: 12, value: 57.0, se: 2.3 });
      // 2 of 4 answered (exactly 50 %) summing 5: 10 → sleep 50.5 (SE 3.4).
      expect(score(answersFor('sleep_disturbance', [null, 2, 3, null]), legacy).scales.sleep_disturbance).toMatchObject({ raw: 10, value: 50.5, se: 3.4, answered: 2 });
      // 2 answered summing 3: 6 → pain interference 52.0 (SE 2.0).
      expect(score(answersFor('pain_interference', [1, null, null, 2]), legacy).scales.pain_interference).toMatchObject({ raw: 6, value: 52.0, se: 2.0 });
      // 3 answered summing 14 (5, 5, 4): 56 / 3 = 18.67 → 19 → physical function 48.3 (SE 3.3).
      expect(score(answersFor('physical_function', [5, 5, 4, null]), legacy).scales.physical_function).toMatchObject({ raw: 19, value: 48.3, se: 3.3 });
      // 3 answered summing 13 (5, 4, 4): 52 / 3 = 17.33 → 18 → social roles 55.8 (SE 2.3).
      expect(score(answersFor('social_roles', [5, null, 4, 4]), legacy).scales.social_roles).toMatchObject({ raw: 18, value: 55.8, se: 2.3 });
      // A complete domain is unaffected by the rule and reported as complete.
      expect(score(answersFor('anxiety', [2, 2, 2, 2]), legacy).scales.anxiety).toMatchObject({ raw: 8, value: 55.8, status: 'complete', rule: 'promis_legacy_50' });
    });

    it('legacy rule: fewer than half the items answered → not scored', () => {
      expect(score(answersFor('anxiety', [4, null, null, null]), legacy).scales.anxiety).toMatchObject({ value: null, status: 'not_scored', answered: 1 });
      expect(score(answersFor('anxiety', [null, null, null, null]), legacy).scales.anxiety).toMatchObject({ value: null, status: 'not_scored', answered: 0 });
    });

    it('the legacy rule is documented as unverified in the definition', () => {
      expect(scoring.missingRules.promis_legacy_50).toMatchObject({ kind: 'prorate', minFraction: 0.5, round: 'up' });
      expect(scoring.missingRules.promis_legacy_50?.description).toMatch(/UNVERIFIED/);
      expect(scoring.missingRules.all_required?.description).toMatch(/all 4 items/);
    });
  });

  it('ships the item ids only, not the licensed wording', () => {
    expect(scoring.licence).toMatchObject({ category: 'FREE-ATTR', textIncluded: false });
    const { survey } = loadInstrument('promis29');
    const questions = (survey.pages as Array<{ elements: Array<{ name: string; title: string; isRequired: boolean; choices: Array<{ value: number; text: string }> }> }>)
      .flatMap((p) => p.elements);
    expect(questions).toHaveLength(29);
    for (const q of questions) {
      expect(q.title).toBe(q.name);
      expect(q.isRequired).toBe(true);
      for (const c of q.choices) expect(c.text).toBe(String(c.value));
    }
  });
});
