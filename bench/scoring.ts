/**
 * Scoring benchmark: the generic engine (functions/core/scoring/engine.ts) against survey-core's
 * own expression engine (calculated values in the survey JSON), on the same deterministic
 * responses, in the same run. See bench/README.md.
 *
 *   npx tsx bench/scoring.ts [--n 100000] [--baseline-n 2000] [--rounds 3] [--seed 20251125]
 *                            [--verify 300] [--instruments promis29,phq9]
 *
 * It measures; it does not assert: the exit code is 0 whether or not the targets are met. It is 1
 * only when the benchmark itself is invalid (bad options, or the baseline and the engine disagree on
 * a verified response, i.e. they would not be computing the same thing).
 */
import { execFileSync } from 'node:child_process';
import os from 'node:os';
import { parseArgs } from 'node:util';
import { Version as surveyCoreVersion } from 'survey-core';
import { scoreInstrument, type ScoreResult } from '../functions/core/scoring/engine';
import { checkAnswers } from '../functions/core/scoring/check-answers';
import type { ScoringDefinition } from '../functions/core/scoring/definition';
import { findInstrument, type Instrument } from '../functions/adapters/bundled-catalogue/bundled-catalogue';
import { writeBenchJson, type BenchTarget } from './lib/bench-json';
import { SurveyJsBaseline, type Answers, type BaselineResult } from './lib/surveyjs-baseline';
import { exitWithUsage, integerParser } from './lib/cli';
import { loadavg, table } from './lib/latency';

const TARGET_INSTRUMENT = 'promis29';
const TARGET_RESPONSES = 100_000;
const TARGET_SECONDS = 1;
const TARGET_RATIO = 200;

const USAGE = `usage: npx tsx bench/scoring.ts [options]
  --n <responses>           responses scored by the engine per round (default 100000)
  --baseline-n <responses>  responses scored by the survey-core baseline (default 2000; ~1-3 ms each,
                            so its rate is measured on these and extrapolated, not run on all N)
  --rounds <k>              timed engine rounds over the N responses; the median is reported (default 3)
  --seed <int>              PRNG seed for the generated responses (default 20251125)
  --verify <responses>      responses (spread over the N) checked baseline == engine (default 300)
  --instruments <ids>       comma-separated instrument ids (default promis29,phq9)
  --json <file>             also write the verdicts as JSON (the contract of bench/lib/bench-json.ts)`;

function options() {
  const { values } = parseArgs({
    options: {
      n: { type: 'string', default: '100000' },
      'baseline-n': { type: 'string', default: '2000' },
      rounds: { type: 'string', default: '3' },
      seed: { type: 'string', default: '20251125' },
      verify: { type: 'string', default: '300' },
      instruments: { type: 'string', default: 'promis29,phq9' },
      json: { type: 'string' },
      help: { type: 'boolean', short: 'h', default: false },
    },
    strict: true,
  });
  if (values.help) exitWithUsage(USAGE);
  const int = integerParser(USAGE);
  return {
    n: int('n', values.n, 1),
    baselineN: int('baseline-n', values['baseline-n'], 1),
    rounds: int('rounds', values.rounds, 1),
    seed: int('seed', values.seed, 0),
    verify: int('verify', values.verify, 0),
    instruments: values.instruments.split(',').map((s) => s.trim()).filter(Boolean),
    json: values.json,
  };
}

// ---------------------------------------------------------------------------------------------
// Deterministic responses

/** mulberry32: a small, fast, well-distributed 32-bit PRNG; same seed, same responses. */
function mulberry32(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** FNV-1a of the instrument id, so each instrument has its own stream from one seed. */
function hash(text: string): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < text.length; i++) h = Math.imul(h ^ text.charCodeAt(i), 0x01000193) >>> 0;
  return h;
}

/**
 * `n` complete responses: every item (scored or not) answered with one of its valid codes, chosen
 * uniformly (missing codes such as "not applicable" excluded: these are complete responses). Each
 * response is a plain object built in item order, so all share one hidden class, as answers parsed
 * from a JSON request body do.
 */
function generateResponses(def: ScoringDefinition, n: number, seed: number): Answers[] {
  const random = mulberry32(seed ^ hash(def.id));
  const choices = def.items.map((item) => {
    if (item.codes !== undefined) return item.codes.filter((c) => !item.missingCodes.includes(c));
    const { min, max, integer } = item.range!;
    const step = integer ? 1 : (max - min) / 100;
    return Array.from({ length: Math.round((max - min) / step) + 1 }, (_, k) => min + k * step);
  });
  const responses: Answers[] = new Array(n);
  for (let r = 0; r < n; r++) {
    const answers: Answers = {};
    for (let i = 0; i < def.items.length; i++) {
      const codes = choices[i]!;
      answers[def.items[i]!.id] = codes[Math.floor(random() * codes.length)]!;
    }
    responses[r] = answers;
  }
  return responses;
}

// ---------------------------------------------------------------------------------------------
// Timing

/** Written by every timed loop so the work cannot be optimised away. */
let sink = 0;

function engineRound(def: ScoringDefinition, responses: Answers[], count: number): number {
  const firstScale = def.scales[0]!.id;
  let check = 0;
  const started = process.hrtime.bigint();
  for (let i = 0; i < count; i++) {
    const result = scoreInstrument(def, responses[i]!);
    check += result.scales[firstScale]!.value ?? 0;
  }
  const elapsed = Number(process.hrtime.bigint() - started) / 1e9;
  sink += check;
  return elapsed;
}

function baselineRound(baseline: SurveyJsBaseline, def: ScoringDefinition, responses: Answers[], from: number, count: number): number {
  const firstScale = def.scales[0]!.id;
  let check = 0;
  const started = process.hrtime.bigint();
  for (let i = from; i < from + count; i++) {
    const result = baseline.score(responses[i % responses.length]!);
    check += result.scales[firstScale]!.value ?? 0;
  }
  const elapsed = Number(process.hrtime.bigint() - started) / 1e9;
  sink += check;
  return elapsed;
}

const median = (xs: number[]): number => {
  const s = [...xs].sort((a, b) => a - b);
  const mid = Math.floor(s.length / 2);
  return s.length % 2 === 1 ? s[mid]! : (s[mid - 1]! + s[mid]!) / 2;
};

// ---------------------------------------------------------------------------------------------
// Verification: the baseline and the engine must compute the same thing

function compare(engine: ScoreResult, baseline: BaselineResult): string[] {
  const problems: string[] = [];
  for (const [id, e] of Object.entries(engine.scales)) {
    const b = baseline.scales[id];
    if (b === undefined) {
      problems.push(`${id}: missing from the baseline`);
      continue;
    }
    if (e.status === 'not_scored') problems.push(`${id}: engine did not score a complete response (${e.reason})`);
    if (e.raw !== b.raw) problems.push(`${id}: raw engine ${e.raw} ≠ survey-core ${b.raw}`);
    if (e.value !== b.value) problems.push(`${id}: value engine ${e.value} ≠ baseline ${b.value}`);
    if ((e.se ?? undefined) !== (b.se ?? undefined)) problems.push(`${id}: se engine ${e.se} ≠ baseline ${b.se}`);
    if (e.band !== b.band) problems.push(`${id}: band engine ${e.band} ≠ baseline ${b.band}`);
  }
  const engineFlags = engine.flags.map((f) => f.id).join(',');
  if (engineFlags !== baseline.flags.join(',')) problems.push(`flags: engine [${engineFlags}] ≠ baseline [${baseline.flags.join(',')}]`);
  return problems;
}

// ---------------------------------------------------------------------------------------------
// Reporting

function machine(): string[] {
  const cpus = os.cpus();
  const lines = [
    `CPU:         ${cpus[0]?.model.trim() ?? 'unknown'} (${os.availableParallelism?.() ?? cpus.length} logical cores)`,
    `Node:        ${process.version} (V8 ${process.versions.v8}), ${os.platform()} ${os.release()} ${os.arch()}`,
    `Memory:      ${(os.totalmem() / 2 ** 30).toFixed(1)} GiB`,
    `survey-core: ${surveyCoreVersion}`,
  ];
  try {
    const commit = execFileSync('git', ['rev-parse', '--short', 'HEAD'], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] }).trim();
    const dirty = execFileSync('git', ['status', '--porcelain', '--', 'functions/core/scoring'], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] }).trim();
    lines.push(`Engine:      commit ${commit}${dirty ? ' + uncommitted changes in functions/core/scoring' : ''}`);
  } catch {
    // Not a git checkout: leave the line out.
  }
  return lines;
}


function fmtInt(n: number): string {
  return Math.round(n).toLocaleString('en-US');
}

function fmtSeconds(s: number): string {
  return s >= 1 ? `${s.toFixed(2)} s` : `${(s * 1000).toFixed(0)} ms`;
}

// ---------------------------------------------------------------------------------------------

interface Measured {
  id: string;
  items: number;
  scales: number;
  n: number;
  engineSeconds: number[];
  baselineN: number;
  baselineSeconds: number;
  constructionMs: number;
  verified: number;
  problems: string[];
}

function measure(instrument: Instrument, opts: ReturnType<typeof options>): Measured {
  const def = instrument.scoring;
  const log = (msg: string) => process.stderr.write(`[${def.id}] ${msg}\n`);

  log(`generating ${fmtInt(opts.n)} responses (seed ${opts.seed})`);
  const responses = generateResponses(def, opts.n, opts.seed);
  const invalid = responses.slice(0, 1000).flatMap((r) => checkAnswers([def], r));
  if (invalid.length > 0) throw new Error(`${def.id}: generated invalid answers: ${JSON.stringify(invalid.slice(0, 3))}`);

  const baseline = new SurveyJsBaseline(instrument);

  // Verify first (untimed): the sample is spread over all N responses.
  const problems: string[] = [];
  const verifyCount = Math.min(opts.verify, opts.n);
  const stride = verifyCount > 0 ? Math.max(1, Math.floor(opts.n / verifyCount)) : 1;
  for (let k = 0; k < verifyCount; k++) {
    const i = k * stride;
    const found = compare(scoreInstrument(def, responses[i]!), baseline.score(responses[i]!));
    for (const p of found) if (problems.length < 10) problems.push(`response ${i}: ${p}`);
  }
  log(`verified ${verifyCount} responses: ${problems.length === 0 ? 'baseline == engine' : 'MISMATCH'}`);

  // Engine: warm up (untimed) until the optimising compiler has settled, then time the rounds.
  log('engine warm-up');
  engineRound(def, responses, Math.min(opts.n, 20_000));
  const engineSeconds: number[] = [];
  for (let round = 1; round <= opts.rounds; round++) {
    engineSeconds.push(engineRound(def, responses, opts.n));
    log(`engine round ${round}/${opts.rounds}: ${fmtSeconds(engineSeconds.at(-1)!)} for ${fmtInt(opts.n)}`);
  }

  // Baseline: warm up on other responses of the same set, then time the first baseline-n.
  log('survey-core warm-up');
  const warm = Math.min(200, opts.baselineN);
  baselineRound(baseline, def, responses, opts.baselineN, warm);
  const baselineSeconds = baselineRound(baseline, def, responses, 0, opts.baselineN);
  log(`survey-core: ${fmtSeconds(baselineSeconds)} for ${fmtInt(opts.baselineN)}`);

  return {
    id: def.id,
    items: def.items.length,
    scales: def.scales.length,
    n: opts.n,
    engineSeconds,
    baselineN: opts.baselineN,
    baselineSeconds,
    constructionMs: baseline.constructionMs,
    verified: verifyCount,
    problems,
  };
}

function main(): void {
  const opts = options();
  const instruments = opts.instruments.map((id) => {
    const instrument = findInstrument(id);
    if (instrument === undefined) {
      console.error(`unknown instrument ${id}`);
      process.exit(1);
    }
    return instrument;
  });
  const loadBefore = loadavg();
  const results = instruments.map((instrument) => measure(instrument, opts));
  const loadAfter = loadavg();

  console.log('Scoring benchmark: Timepoint engine vs survey-core calculatedValues\n');
  console.log(machine().join('\n'));
  console.log(`Load avg:    ${loadBefore} before, ${loadAfter} after (1/5/15 min; on a shared machine expect noise)`);
  console.log(
    `Responses:   complete, valid codes for every item, seeded PRNG (seed ${opts.seed}); engine: median of ${opts.rounds} ` +
      `timed round(s) over all N after a warm-up; survey-core: ${fmtInt(opts.baselineN)} responses (one reused Model, ` +
      `model.data = answers), rate EXTRAPOLATED to N, not run on all N\n`,
  );

  const rows = results.map((r) => {
    const engineTime = median(r.engineSeconds);
    const engineRate = r.n / engineTime;
    const baselineRate = r.baselineN / r.baselineSeconds;
    return [
      r.id,
      `${r.items}/${r.scales}`,
      fmtInt(r.n),
      fmtSeconds(engineTime),
      `${fmtSeconds(Math.min(...r.engineSeconds))}–${fmtSeconds(Math.max(...r.engineSeconds))}`,
      fmtInt(engineRate),
      `${((1e6 * engineTime) / r.n).toFixed(2)} µs`,
      fmtInt(r.baselineN),
      `${((1e3 * r.baselineSeconds) / r.baselineN).toFixed(3)} ms`,
      fmtInt(baselineRate),
      fmtSeconds(r.n / baselineRate) + '*',
      `${(engineRate / baselineRate).toFixed(0)}×`,
    ];
  });
  console.log(
    table(
      ['instrument', 'items/scales', 'N', 'engine time', 'engine min–max', 'engine resp/s', 'engine/resp', 'baseline n', 'baseline/resp', 'baseline resp/s', 'baseline N*', 'ratio'],
      rows,
    ),
  );
  console.log('* survey-core time for N extrapolated from its measured rate.\n');

  console.log('Targets');
  const targetRows: string[][] = [];
  const jsonTargets: BenchTarget[] = [];
  for (const r of results) {
    const engineTime = median(r.engineSeconds);
    if (r.id === TARGET_INSTRUMENT) {
      const per100k = (engineTime / r.n) * TARGET_RESPONSES;
      const scaled = r.n === TARGET_RESPONSES ? '' : ` (scaled from N=${fmtInt(r.n)})`;
      targetRows.push([
        `${r.id}: ${fmtInt(TARGET_RESPONSES)} responses < ${TARGET_SECONDS} s`,
        `${fmtSeconds(per100k)}${scaled}`,
        per100k < TARGET_SECONDS ? 'MET' : 'MISSED',
      ]);
      jsonTargets.push({ name: `${r.id}: time for ${fmtInt(TARGET_RESPONSES)} responses`, measured: `${fmtSeconds(per100k)}${scaled}`, target: `< ${TARGET_SECONDS} s`, met: per100k < TARGET_SECONDS });
    }
    const ratio = r.n / engineTime / (r.baselineN / r.baselineSeconds);
    targetRows.push([`${r.id}: ratio ≥ ${TARGET_RATIO}× survey-core`, `${ratio.toFixed(0)}×`, ratio >= TARGET_RATIO ? 'MET' : 'MISSED']);
    jsonTargets.push({
      name: `${r.id}: engine rate against survey-core calculated values`,
      measured: `${fmtInt(r.n / engineTime)} responses/s`,
      floor: `${fmtInt(r.baselineN / r.baselineSeconds)} responses/s (survey-core, extrapolated)`,
      ratio,
      target: `≥ ${TARGET_RATIO}× survey-core`,
      met: ratio >= TARGET_RATIO,
    });
  }
  console.log(table(['target', 'measured', 'result'], targetRows));
  if (targetRows.some((row) => row[2] === 'MISSED')) {
    console.log(
      'Where the engine time goes: node --cpu-prof --cpu-prof-dir=$(mktemp -d) --import tsx bench/scoring.ts ' +
        '--n 20000 --baseline-n 1 --instruments promis29 (see bench/README.md)',
    );
  }

  console.log('\nVerification (baseline == engine: raw, value, se, band per scale; flags)');
  let invalid = false;
  for (const r of results) {
    console.log(`  ${r.id}: ${r.verified} responses spread over the N, ${r.problems.length === 0 ? 'all equal' : 'MISMATCH'}; ` +
      `survey-core Model built once in ${r.constructionMs.toFixed(0)} ms (not timed)`);
    for (const p of r.problems) console.log(`    ${p}`);
    if (r.problems.length > 0) invalid = true;
  }
  if (!Number.isFinite(sink)) console.log('(checksum not finite)');
  if (opts.json !== undefined) {
    writeBenchJson(opts.json, {
      bench: 'scoring',
      title: 'Scoring engine against survey-core',
      targets: jsonTargets,
      notes: [`N=${fmtInt(opts.n)}, ${opts.rounds} round(s), baseline n=${fmtInt(opts.baselineN)}; ${results.map((r) => `${r.id}: ${r.verified} responses verified ${r.problems.length === 0 ? 'equal' : 'MISMATCH'}`).join('; ')}`],
      valid: !invalid,
    });
  }
  if (invalid) {
    console.log('\nINVALID: the baseline and the engine disagree, so the ratio compares different computations.');
    process.exit(1);
  }
}

main();
