/**
 * The scoring engine against how SurveyJS users score today: calculated values in the survey JSON,
 * evaluated by survey-core's own expression engine (surveyjs-baseline.ts), on the same seeded
 * complete responses. `npm run bench:micro` prints, per instrument, how many times faster the
 * engine is; bench/run-all.ts turns the same numbers into the targets of bench/RESULTS.md.
 *
 * Before anything is timed, both must agree on every scale (raw, value, SE, band) and flag of a
 * sample of responses: a speed ratio between different computations would be worthless.
 */
import { bench, describe } from 'vitest';
import { scoreInstrument, type ScoreResult } from '../../functions/core/scoring/engine';
import type { ScoringDefinition } from '../../functions/core/scoring/definition';
import { findInstrument } from '../../functions/adapters/bundled-catalogue/bundled-catalogue';
import { SurveyJsBaseline, type Answers, type BaselineResult } from './surveyjs-baseline';

/** The instruments compared: the motivating trial's longest (PROMIS-29, lookup tables) and the shortest common one. */
export const INSTRUMENTS = ['promis29', 'phq9'];
const RESPONSES = 2000;

/** mulberry32 seeded per instrument: the same responses on every run. */
function responses(def: ScoringDefinition, n: number): Answers[] {
  let a = [...def.id].reduce((h, c) => Math.imul(h ^ c.charCodeAt(0), 0x01000193) >>> 0, 20251125);
  const random = () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = Math.imul(a ^ (a >>> 15), a | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
  const choices = def.items.map((item) => item.codes?.filter((c) => !item.missingCodes.includes(c)) ?? Array.from({ length: item.range!.max - item.range!.min + 1 }, (_, k) => item.range!.min + k));
  return Array.from({ length: n }, () => Object.fromEntries(def.items.map((item, i) => [item.id, choices[i]![Math.floor(random() * choices[i]!.length)]!])));
}

function disagreements(engine: ScoreResult, baseline: BaselineResult): string[] {
  const problems = Object.entries(engine.scales).flatMap(([id, e]) => {
    const b = baseline.scales[id];
    if (b === undefined) return [`${id}: missing from the baseline`];
    return (['raw', 'value', 'se', 'band'] as const).filter((k) => (e[k] ?? undefined) !== (b[k] ?? undefined)).map((k) => `${id}.${k}: engine ${e[k]} ≠ survey-core ${b[k]}`);
  });
  const flags = engine.flags.map((f) => f.id).join(',');
  return flags === baseline.flags.join(',') ? problems : [...problems, `flags: engine [${flags}] ≠ survey-core [${baseline.flags.join(',')}]`];
}

/** Written by every timed call so the work cannot be optimised away. */
let sink = 0;

for (const id of INSTRUMENTS) {
  const instrument = findInstrument(id);
  if (instrument === undefined) throw new Error(`${id} is not in the catalogue`);
  const def = instrument.scoring;
  const set = responses(def, RESPONSES);
  const baseline = new SurveyJsBaseline(instrument);
  for (const answers of set.filter((_, i) => i % 10 === 0)) {
    const problems = disagreements(scoreInstrument(def, answers), baseline.score(answers));
    if (problems.length > 0) throw new Error(`${id}: the baseline and the engine disagree, so they cannot be compared: ${problems.join('; ')}`);
  }
  const first = def.scales[0]!.id;
  describe(`${id}: one complete response scored`, () => {
    let e = 0;
    let s = 0;
    bench('Timepoint engine (scoreInstrument)', () => {
      sink += scoreInstrument(def, set[e++ % RESPONSES]!).scales[first]!.value ?? 0;
    });
    bench('survey-core calculated values (baseline)', () => {
      sink += baseline.score(set[s++ % RESPONSES]!).scales[first]!.value ?? 0;
    });
  });
}

export const keepSink = () => sink;
