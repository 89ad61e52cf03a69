/**
 * Participant page benchmark (issue 6's speed requirement): in Chromium with CPU throttling and a
 * mobile viewport, the time from navigation to the first question being interactive and the
 * JavaScript transferred (gzip), for Timepoint's participant page (built as shipped, served by
 * the real local platform) and for the floor (bench/participant-floor/: the same battery rendered
 * with plain survey-react-ui, built and served the same way), measured in the same run.
 * Target: Timepoint within 1.2× of the floor on both. See bench/README.md.
 *
 *   npx tsx bench/participant-page.ts [--samples 7] [--throttle 4] [--warmup 1] [--timeout 60] [--json <file>]
 *
 * It measures; it does not assert: exit 0 whether or not the targets are met; 1 only when the
 * benchmark is invalid (bad options, a page whose first question never became interactive in most
 * samples, or the two pages not showing the same first question).
 */
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { chromium, type Browser } from 'playwright-core';
import { commitInfo, machineInfo, writeBenchJson, type BenchTarget } from './lib/bench-json';
import { batterySurveyJson, buildFloor, firstQuestionName, serveFloor } from './lib/participant-page-floor';
import { measureSample, type ResourceBytes, type Sample } from './lib/participant-page-measure';
import { startTestPlatform } from '../test/e2e/platform';
import { buildTimepointWeb, onLoopback, participantLinks, participantView } from './lib/participant-page-timepoint';

const TARGET_RATIO = 1.2;
const VIEWPORT = { width: 360, height: 740 };
const DEVICE_SCALE_FACTOR = 2;

const USAGE = `usage: npx tsx bench/participant-page.ts [options]
  --samples <n>     measured page loads per page, alternating which page goes first (default 7)
  --throttle <x>    Chromium CPU throttling rate (Emulation.setCPUThrottlingRate; default 4)
  --warmup <n>      untimed loads of each page first (server, disk cache, Chromium; default 1)
  --timeout <s>     give up on one page load after this many seconds (default 60)
  --floor-json <m>  how the floor gets its survey JSON: inline (a JSON data block in its HTML, no
                    round trip; default) or fetch (GET survey.json after its script runs)
  --json <file>     also write the bench/lib/bench-json.ts result file
  --keep            keep the temporary builds (their folder is printed)
  -h, --help        this text`;

function options() {
  const { values } = parseArgs({
    options: {
      samples: { type: 'string', default: '7' },
      throttle: { type: 'string', default: '4' },
      warmup: { type: 'string', default: '1' },
      timeout: { type: 'string', default: '60' },
      json: { type: 'string' },
      'floor-json': { type: 'string', default: 'inline' },
      keep: { type: 'boolean', default: false },
      help: { type: 'boolean', short: 'h', default: false },
    },
    strict: true,
  });
  if (values.help) {
    console.log(USAGE);
    process.exit(0);
  }
  const number = (name: string, raw: string, min: number, integer: boolean): number => {
    const v = Number(raw);
    if (!Number.isFinite(v) || v < min || (integer && !Number.isInteger(v))) {
      console.error(`--${name} must be ${integer ? 'an integer' : 'a number'} ≥ ${min} (got ${raw})\n${USAGE}`);
      process.exit(1);
    }
    return v;
  };
  const floorJson = (raw: string): 'inline' | 'fetch' => {
    if (raw === 'inline' || raw === 'fetch') return raw;
    console.error(`--floor-json must be inline or fetch (got ${raw})\n${USAGE}`);
    process.exit(1);
  };
  return {
    samples: number('samples', values.samples, 1, true),
    throttle: number('throttle', values.throttle, 1, false),
    warmup: number('warmup', values.warmup, 0, true),
    timeoutMs: number('timeout', values.timeout, 1, false) * 1000,
    json: values.json,
    floorJson: floorJson(values['floor-json']),
    keep: values.keep,
  };
}

const startedAt = Date.now();
const progress = (line: string) => process.stderr.write(`[${((Date.now() - startedAt) / 1000).toFixed(0).padStart(4)} s] ${line}\n`);

// ---------------------------------------------------------------------------------------------
// Statistics and formatting

const median = (values: number[]): number => {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  return sorted.length % 2 === 1 ? sorted[mid]! : (sorted[mid - 1]! + sorted[mid]!) / 2;
};
const spread = (values: number[]) => ({ median: median(values), min: Math.min(...values), max: Math.max(...values) });
const ms = (v: number) => `${Math.round(v)} ms`;
const kb = (bytes: number) => `${(bytes / 1024).toFixed(1)} KiB`;
const msSpread = (values: number[]) => {
  const s = spread(values);
  return `${ms(s.median)} (${Math.round(s.min)}–${Math.round(s.max)})`;
};
const bytesSpread = (values: number[]) => {
  const s = spread(values);
  return s.min === s.max ? kb(s.median) : `${kb(s.median)} (${kb(s.min)}–${kb(s.max)})`;
};

function table(rows: string[][]): string {
  const widths = rows[0]!.map((_, c) => Math.max(...rows.map((r) => r[c]!.length)));
  return rows.map((r, i) => {
    const line = r.map((cell, c) => (c === 0 ? cell.padEnd(widths[c]!) : cell.padStart(widths[c]!))).join('  ');
    return i === 0 ? `${line}\n${widths.map((w) => '-'.repeat(w)).join('  ')}` : line;
  }).join('\n');
}

function versionOf(pkg: string): string {
  try {
    return (JSON.parse(readFileSync(join(import.meta.dirname, '..', 'node_modules', pkg, 'package.json'), 'utf8')) as { version: string }).version;
  } catch {
    return 'unknown';
  }
}

/** Uncommitted changes under web/ (the page is being rewritten by others: the run measures the working tree as it is). */
function webChanges(): number {
  try {
    return execFileSync('git', ['status', '--porcelain', '--', 'web'], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] }).split('\n').filter(Boolean).length;
  } catch {
    return 0;
  }
}

// ---------------------------------------------------------------------------------------------

async function main() {
  const opts = options();
  const work = mkdtempSync(join(tmpdir(), 'timepoint-bench-page-'));
  const cleanups: Array<() => Promise<void>> = [];
  const notes: string[] = [];
  let invalid: string | null = null;
  try {
    const load0 = machineInfo().loadavg;
    progress('building Timepoint web app (web/vite.config.ts, production)…');
    let started = Date.now();
    await buildTimepointWeb(join(work, 'timepoint'));
    const timepointBuildMs = Date.now() - started;
    progress('starting the local platform (in memory, demo studies)…');
    // The e2e tests' platform: in memory, free ports, a clock at which the 09:00 baseline invitation is due.
    const platform = await startTestPlatform(join(work, 'timepoint'));
    cleanups.push(() => platform.stop());
    const needed = opts.samples + opts.warmup;
    progress(`enrolling ${needed} participants in demo/mbpm and collecting their invitation links…`);
    const links = (await participantLinks(platform, needed)).map(onLoopback);
    const view = await participantView(platform, links[0]!);
    if (view.status !== 'open' || view.instruments.length === 0) throw new Error(`the participant link is not answerable (status ${view.status})`);
    const survey = batterySurveyJson(view);
    const firstQuestion = firstQuestionName(survey);

    progress('building the floor (bench/participant-floor/, production)…');
    started = Date.now();
    await buildFloor(join(work, 'floor'), survey, opts.floorJson === 'inline');
    const floorBuildMs = Date.now() - started;
    const floor = await serveFloor(join(work, 'floor'));
    cleanups.push(() => floor.stop());

    const browser: Browser = await chromium.launch({
      executablePath: process.env.CHROMIUM_PATH ?? '/usr/bin/chromium',
      headless: true,
      args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'],
    });
    cleanups.push(() => browser.close());

    const pages = { timepoint: 'Timepoint', floor: 'floor' } as const;
    type PageId = keyof typeof pages;
    let nextLink = 0;
    const urlFor = (page: PageId) => (page === 'timepoint' ? links[nextLink++]! : floor.url);
    const sampleOptions = { firstQuestion, throttle: opts.throttle, timeoutMs: opts.timeoutMs, viewport: VIEWPORT, deviceScaleFactor: DEVICE_SCALE_FACTOR };
    const run = async (page: PageId, label: string): Promise<Sample> => {
      const sample = await measureSample(browser, { ...sampleOptions, url: urlFor(page) });
      progress(
        sample.ok
          ? `  ${label} ${pages[page].padEnd(9)} ready ${ms(sample.readyMs)}, interactive ${ms(sample.interactiveMs)}, JS ${kb(sample.scripts.untilInteractive.gzip6)} gzip in ${sample.scripts.untilInteractive.count} files${sample.retaps ? `, ${sample.retaps} re-tap(s) (missed on ${sample.missedOn.join(', ')})` : ''}${sample.firstQuestion.inViewport ? '' : ', below the fold'}`
          : `  ${label} ${pages[page].padEnd(9)} FAILED: ${sample.error}`,
      );
      return sample;
    };

    progress(`warm-up: ${opts.warmup} untimed load(s) of each page`);
    for (let i = 0; i < opts.warmup; i++) for (const page of ['timepoint', 'floor'] as const) await run(page, 'warm-up');
    const samples: Record<PageId, Sample[]> = { timepoint: [], floor: [] };
    progress(`measuring: ${opts.samples} loads of each page, ${opts.throttle}× CPU throttling, ${VIEWPORT.width}×${VIEWPORT.height} @${DEVICE_SCALE_FACTOR}x, alternating order`);
    for (let i = 0; i < opts.samples; i++) {
      const order: PageId[] = i % 2 === 0 ? ['timepoint', 'floor'] : ['floor', 'timepoint'];
      for (const page of order) samples[page].push(await run(page, `${i + 1}/${opts.samples}`));
    }
    const load1 = machineInfo().loadavg;

    // ---- validity ----
    const ok = { timepoint: samples.timepoint.filter((s) => s.ok), floor: samples.floor.filter((s) => s.ok) };
    for (const page of ['timepoint', 'floor'] as const) {
      const failures = samples[page].length - ok[page].length;
      if (failures > 0) notes.push(`${pages[page]}: ${failures} of ${samples[page].length} samples failed (${[...new Set(samples[page].filter((s) => !s.ok).map((s) => s.error))].join('; ')}); medians are over the rest`);
      if (ok[page].length * 2 < samples[page].length || ok[page].length === 0) invalid ??= `${pages[page]}: the first question became interactive in only ${ok[page].length} of ${samples[page].length} loads`;
    }
    const questions = new Set([...ok.timepoint, ...ok.floor].map((s) => `${s.firstQuestion.name} / "${s.firstQuestion.label}"`));
    if (questions.size > 1) invalid ??= `the pages did not show the same first question: ${[...questions].join(' vs ')}`;
    if ([...ok.timepoint, ...ok.floor].some((s) => s.firstQuestion.fallback)) notes.push(`the first question was found by the fallback (first [data-name] holding a control), not by its name ${firstQuestion}`);

    // ---- report ----
    const machine = machineInfo();
    const browserVersion = browser.version();
    console.log('Participant page: first question interactive and JavaScript transferred, Timepoint vs the plain survey-react-ui floor');
    console.log('');
    console.log(`machine   ${machine.cpu}, ${machine.cores} cores, ${machine.memoryGiB} GiB, ${machine.platform}`);
    console.log(`software  Node ${machine.node}; Chromium ${browserVersion} (headless); vite ${versionOf('vite')}; react ${versionOf('react')}; survey-core ${versionOf('survey-core')}; survey-react-ui ${versionOf('survey-react-ui')}`);
    console.log(`commit    ${commitInfo() ?? 'unknown'}${webChanges() ? ` (web/ has ${webChanges()} uncommitted change(s): measured as they are in the working tree)` : ''}`);
    console.log(`load avg  ${load0.map((v) => v.toFixed(2)).join(' ')} before, ${load1.map((v) => v.toFixed(2)).join(' ')} after (1/5/15 min)`);
    console.log(`setup     ${VIEWPORT.width}×${VIEWPORT.height} CSS px @${DEVICE_SCALE_FACTOR}x, isMobile, hasTouch; CPU throttling ${opts.throttle}×; cache disabled, fresh context per load; no network throttling (loopback)`);
    console.log(`          ${opts.samples} loads per page (+${opts.warmup} warm-up), alternating order; median (min–max)`);
    console.log(`survey    demo study, baseline, arm mbpm: ${view.instruments.map((i) => i.id).join(', ')}; first question ${firstQuestion} ("${ok.timepoint[0]?.firstQuestion.label ?? ok.floor[0]?.firstQuestion.label ?? '?'}")`);
    console.log(`floor     survey JSON ${opts.floorJson === 'inline' ? 'embedded in its HTML as a JSON data block (no round trip)' : 'fetched from survey.json after its script runs'}; Timepoint fetches GET /api/p (token in a header)`);
    console.log(`builds    Timepoint ${(timepointBuildMs / 1000).toFixed(1)} s, floor ${(floorBuildMs / 1000).toFixed(1)} s (vite build, production)`);
    const encodings = new Set([...ok.timepoint, ...ok.floor].flatMap((s) => s.scripts.afterQuiet.encodings));
    const compressed = [...encodings].some((e) => e !== 'identity');
    console.log(`encoding  scripts served with Content-Encoding: ${[...encodings].join(', ') || 'none'}${compressed ? '' : ' (the local platform does not compress; CloudFront does: the gzip column is computed with zlib level 6 over each script actually loaded)'}`);
    console.log('');

    const median0 = (page: PageId, pick: (s: Sample) => number) => (ok[page].length ? median(ok[page].map(pick)) : NaN);
    const rowMs = (name: string, pick: (s: Sample) => number) => [name, ok.timepoint.length ? msSpread(ok.timepoint.map(pick)) : '—', ok.floor.length ? msSpread(ok.floor.map(pick)) : '—', `${(median0('timepoint', pick) / median0('floor', pick)).toFixed(2)}×`];
    const rowBytes = (name: string, pick: (s: Sample) => number) => [name, ok.timepoint.length ? bytesSpread(ok.timepoint.map(pick)) : '—', ok.floor.length ? bytesSpread(ok.floor.map(pick)) : '—', `${(median0('timepoint', pick) / median0('floor', pick)).toFixed(2)}×`];
    const js = (s: Sample): ResourceBytes => s.scripts.untilInteractive;
    console.log(
      table([
        ['measure', 'Timepoint', 'floor', 'ratio'],
        rowMs('first question visible and enabled (READY)', (s) => s.readyMs),
        rowMs('first question interactive (tap answered)', (s) => s.interactiveMs),
        rowMs('  of which: READY → tap answered', (s) => s.interactiveMs - s.readyMs),
        rowMs('  long tasks before interactive: blocking time', (s) => s.longTasks.blockingMs),
        ['  long tasks before interactive: count', String(median0('timepoint', (s) => s.longTasks.count)), String(median0('floor', (s) => s.longTasks.count)), ''],
        rowBytes('JS until interactive, gzip -6', (s) => js(s).gzip6),
        rowBytes('  gzip -9', (s) => js(s).gzip9),
        rowBytes('  brotli q11', (s) => js(s).brotli),
        rowBytes('  on the wire (as served locally, with headers)', (s) => js(s).wire),
        rowBytes('  decoded (parsed by the engine)', (s) => js(s).decoded),
        ['  files', String(median0('timepoint', (s) => js(s).count)), String(median0('floor', (s) => js(s).count)), ''],
        rowBytes('JS once the network is quiet, gzip -6', (s) => s.scripts.afterQuiet.gzip6),
        rowBytes('CSS until interactive, gzip -6', (s) => s.stylesheets.untilInteractive.gzip6),
      ]),
    );
    console.log('');
    for (const page of ['timepoint', 'floor'] as const) {
      const missedLoads = ok[page].filter((s) => s.retaps > 0);
      if (missedLoads.length > 0) {
        const where = [...new Set(missedLoads.flatMap((s) => s.missedOn))].join('; ');
        notes.push(`${pages[page]}: in ${missedLoads.length} of ${ok[page].length} loads a tap at READY missed the first answer (the layout moved after READY; landed on ${where}) and was repeated at once; the time kept running`);
      }
    }
    for (const page of ['timepoint', 'floor'] as const) {
      const offscreen = ok[page].filter((s) => !s.firstQuestion.inViewport).length;
      if (offscreen > 0) notes.push(`${pages[page]}: in ${offscreen} of ${ok[page].length} loads the first answer was below the fold at READY and was scrolled into view (instantly) before the tap`);
    }
    const scriptSets = (page: PageId) => [...new Set(ok[page].map((s) => s.scriptUrls.join(' ')))];
    for (const page of ['timepoint', 'floor'] as const) {
      const sets = scriptSets(page);
      console.log(`${pages[page]} scripts: ${sets[0] ?? '—'}${sets.length > 1 ? ` (and ${sets.length - 1} other set(s) across loads)` : ''}`);
    }
    // Each round's two loads ran back to back, so their ratio shares the machine's state at that moment: a second view of the noise.
    const pairRatios = samples.timepoint.map((t, i) => ({ t, f: samples.floor[i]! })).filter(({ t, f }) => t.ok && f.ok).map(({ t, f }) => t.interactiveMs / f.interactiveMs);
    const list = (page: PageId) => samples[page].map((s) => (s.ok ? Math.round(s.interactiveMs) : 'failed')).join(', ');
    console.log(`interactive, each load in order (ms): Timepoint ${list('timepoint')}; floor ${list('floor')}`);
    if (pairRatios.length) {
      const r = spread(pairRatios);
      console.log(`interactive, Timepoint ÷ floor within each round: median ${r.median.toFixed(2)}× (${r.min.toFixed(2)}–${r.max.toFixed(2)}×) over ${pairRatios.length} rounds`);
    }
    console.log('');

    const targets: BenchTarget[] = [];
    if (ok.timepoint.length && ok.floor.length) {
      const tFqi = median0('timepoint', (s) => s.interactiveMs);
      const fFqi = median0('floor', (s) => s.interactiveMs);
      const tJs = median0('timepoint', (s) => js(s).gzip6);
      const fJs = median0('floor', (s) => js(s).gzip6);
      targets.push(
        { name: `first question interactive (${opts.throttle}× CPU, mobile, median)`, measured: ms(tFqi), floor: ms(fFqi), ratio: tFqi / fFqi, target: `≤ ${TARGET_RATIO}× the floor`, met: tFqi / fFqi <= TARGET_RATIO },
        { name: 'JavaScript transferred until interactive (gzip -6)', measured: kb(tJs), floor: kb(fJs), ratio: tJs / fJs, target: `≤ ${TARGET_RATIO}× the floor`, met: tJs / fJs <= TARGET_RATIO },
      );
      for (const t of targets) console.log(`${t.met ? 'MET    ' : 'NOT MET'}  ${t.name}: ${t.measured} vs floor ${t.floor} = ${t.ratio!.toFixed(2)}× (target ${t.target})`);
    }
    for (const note of notes) console.log(`note: ${note}`);
    if (invalid) console.log(`INVALID: ${invalid}`);
    if (opts.json) {
      writeBenchJson(opts.json, {
        bench: 'participant-page',
        title: 'Participant page: first question interactive and JS (gzip) vs plain survey-react-ui',
        targets,
        notes: [
          `${opts.samples} loads per page, ${opts.throttle}× CPU, ${VIEWPORT.width}×${VIEWPORT.height}@${DEVICE_SCALE_FACTOR}x, Chromium ${browserVersion}`,
          `floor survey JSON ${opts.floorJson === 'inline' ? 'embedded in its HTML (no round trip)' : 'fetched after its script runs'}; Timepoint fetches its battery from the API`,
          ...(pairRatios.length ? [`interactive ratio within rounds: median ${median(pairRatios).toFixed(2)}× (${Math.min(...pairRatios).toFixed(2)}–${Math.max(...pairRatios).toFixed(2)}×)`] : []),
          compressed ? `scripts served compressed (${[...encodings].join(', ')})` : 'local server does not compress: JS gzip computed with zlib -6 over the scripts loaded',
          ...notes,
        ],
        valid: invalid === null,
      });
    }
    if (opts.keep) progress(`kept the builds in ${work}`);
  } finally {
    for (const cleanup of cleanups.reverse()) await cleanup().catch(() => {});
    if (!opts.keep) rmSync(work, { recursive: true, force: true });
  }
  process.exit(invalid ? 1 : 0);
}

main().catch((error: unknown) => {
  console.error(error);
  console.log(`INVALID: ${error instanceof Error ? error.message : String(error)}`);
  process.exit(1);
});
