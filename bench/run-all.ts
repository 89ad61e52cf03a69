/**
 * `npm run bench`: every benchmark in bench/, one after another, each with modest options (so the
 * whole run takes about a quarter of an hour on 2 cores) and `--json`, then bench/RESULTS.md: the
 * machine, the date and commit, one row per target (measured, baseline, ratio, target, MET or
 * MISSED) and each benchmark's own report. See bench/README.md.
 *
 *   npx tsx bench/run-all.ts [--only scoring,load] [--skip dispatch] [--out bench/RESULTS.md]
 *
 * Progress (and every benchmark's progress) goes to stderr. Exit code 0 when every benchmark ran
 * and was valid, whether or not its targets were met; 1 when one failed, timed out or was invalid.
 */
import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import { join, relative } from 'node:path';
import { parseArgs } from 'node:util';
import { commitInfo, machineInfo, type BenchJson } from './lib/bench-json';

interface Bench {
  name: string;
  /** Options for this run, chosen to keep the whole run near 15 minutes; the benchmark's defaults otherwise. */
  args: string[];
  why: string;
  /** Killed after this long. */
  timeoutMinutes: number;
}

const BENCHES: Bench[] = [
  { name: 'scoring', args: [], why: 'defaults', timeoutMinutes: 5 },
  { name: 'dispatch', args: ['--participants', '3000', '--due', '500', '--warmup', '50'], why: '3,000 participants, 500 due (the issue: 100,000 and 2,000, about 8 minutes on an idle machine)', timeoutMinutes: 10 },
  { name: 'export', args: ['--participants', '1000', '--rounds', '1'], why: '1,000 participants, one round (the issue: 10,000, about 8 minutes on an idle machine)', timeoutMinutes: 10 },
  { name: 'participant-page', args: ['--samples', '3'], why: '3 samples of each page (default 7)', timeoutMinutes: 10 },
  { name: 'submit-latency', args: [], why: 'defaults', timeoutMinutes: 8 },
  { name: 'lambda-cold-load', args: [], why: 'defaults', timeoutMinutes: 6 },
  { name: 'load', args: [], why: 'defaults', timeoutMinutes: 5 },
  { name: 'import', args: [], why: 'defaults (5,000 rows)', timeoutMinutes: 8 },
  { name: 'start-up', args: [], why: 'defaults (3 samples)', timeoutMinutes: 8 },
];

const root = join(import.meta.dirname, '..');
const log = (message: string) => process.stderr.write(`[bench] ${message}\n`);

function options() {
  const { values } = parseArgs({
    options: {
      only: { type: 'string' },
      skip: { type: 'string' },
      out: { type: 'string', default: join(root, 'bench', 'RESULTS.md') },
      help: { type: 'boolean', short: 'h', default: false },
    },
    strict: true,
  });
  if (values.help) {
    console.log(`usage: npx tsx bench/run-all.ts [--only <names>] [--skip <names>] [--out <file>]\nbenchmarks: ${BENCHES.map((b) => b.name).join(', ')}`);
    process.exit(0);
  }
  const list = (raw: string | undefined) => (raw === undefined ? undefined : new Set(raw.split(',').map((s) => s.trim())));
  const only = list(values.only);
  const skip = list(values.skip) ?? new Set<string>();
  for (const name of [...(only ?? []), ...skip]) {
    if (!BENCHES.some((b) => b.name === name)) {
      console.error(`unknown benchmark ${name}; known: ${BENCHES.map((b) => b.name).join(', ')}`);
      process.exit(1);
    }
  }
  return { only, skip, out: values.out };
}

interface Run {
  bench: Bench;
  status: 'ok' | 'invalid' | 'failed' | 'timed out' | 'absent';
  seconds: number;
  json?: BenchJson;
  stdout: string;
  exitCode: number | null;
}

function runBench(bench: Bench, dir: string): Promise<Run> {
  const script = join(root, 'bench', `${bench.name}.ts`);
  if (!existsSync(script)) return Promise.resolve({ bench, status: 'absent', seconds: 0, stdout: '', exitCode: null });
  const jsonFile = join(dir, `${bench.name}.json`);
  const started = performance.now();
  return new Promise((resolve) => {
    // The same node and loader (tsx) as this process; stderr (progress) straight through, stdout (the report) kept.
    const child = spawn(process.execPath, [...process.execArgv, script, ...bench.args, '--json', jsonFile], {
      cwd: root,
      env: { ...process.env, AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: 'true' },
      stdio: ['ignore', 'pipe', 'inherit'],
    });
    let stdout = '';
    child.stdout.setEncoding('utf8').on('data', (chunk: string) => (stdout += chunk));
    let timedOut = false;
    const timer = setTimeout(() => {
      timedOut = true;
      child.kill('SIGTERM');
    }, bench.timeoutMinutes * 60_000);
    child.on('close', (code) => {
      clearTimeout(timer);
      const seconds = (performance.now() - started) / 1000;
      const json = existsSync(jsonFile) ? (JSON.parse(readFileSync(jsonFile, 'utf8')) as BenchJson) : undefined;
      const status: Run['status'] = timedOut ? 'timed out' : json === undefined ? 'failed' : !json.valid || code !== 0 ? 'invalid' : 'ok';
      resolve({ bench, status, seconds, json, stdout, exitCode: code });
    });
  });
}

/** GitHub's heading anchor for the README section of a benchmark (`## \`bench/<name>.ts\`: …`), if there is one. */
function readmeAnchor(readme: string, name: string): string | undefined {
  const heading = readme.split('\n').find((line) => line.startsWith(`## \`bench/${name}.ts\``));
  if (heading === undefined) return undefined;
  return heading
    .replace(/^##\s+/, '')
    .toLowerCase()
    .replace(/[^\p{L}\p{N}\s_-]/gu, '')
    .replace(/\s/g, '-');
}

const fmtSeconds = (s: number) => (s >= 60 ? `${Math.floor(s / 60)} min ${Math.round(s % 60)} s` : `${s.toFixed(0)} s`);
const cell = (text: string) => text.replace(/\|/g, '\\|').replace(/\n/g, ' ');

async function main(): Promise<void> {
  const opts = options();
  const selected = BENCHES.filter((b) => (opts.only === undefined || opts.only.has(b.name)) && !opts.skip.has(b.name));
  const dir = mkdtempSync(join(os.tmpdir(), 'bench-all-'));
  const before = machineInfo();
  const commit = commitInfo() ?? 'unknown';
  const startedAt = new Date();
  const runs: Run[] = [];
  try {
    for (const [i, bench] of selected.entries()) {
      log(`(${i + 1}/${selected.length}) ${bench.name} ${bench.args.join(' ')}`);
      const run = await runBench(bench, dir);
      runs.push(run);
      log(`(${i + 1}/${selected.length}) ${bench.name}: ${run.status} in ${fmtSeconds(run.seconds)}`);
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
  const after = machineInfo();
  const finishedAt = new Date();

  const readmePath = join(root, 'bench', 'README.md');
  const readme = existsSync(readmePath) ? readFileSync(readmePath, 'utf8') : '';
  const link = (name: string) => {
    const anchor = readmeAnchor(readme, name);
    return anchor === undefined ? `\`${name}\`` : `[\`${name}\`](README.md#${anchor})`;
  };
  const loads = (m: typeof before) => m.loadavg.map((l) => l.toFixed(2)).join(' ');

  const lines: string[] = [];
  lines.push('# Benchmark results', '');
  lines.push(
    `Written by \`npm run bench\` (bench/run-all.ts) on ${finishedAt.toISOString().slice(0, 10)}; do not edit by hand. ` +
      'Each benchmark compares against a baseline measured in the same run, on the same machine; what each measures and how to read it: ' +
      '[bench/README.md](README.md).',
    '',
  );
  lines.push('| | |', '|---|---|');
  lines.push(`| machine | ${cell(before.cpu)}, ${before.cores} logical cores, ${before.memoryGiB} GiB RAM, ${before.platform} |`);
  lines.push(`| Node | ${before.node} |`);
  lines.push(`| load average (1/5/15 min) | ${loads(before)} at the start, ${loads(after)} at the end |`);
  lines.push(`| run | ${startedAt.toISOString()} – ${finishedAt.toISOString()} (${fmtSeconds((finishedAt.getTime() - startedAt.getTime()) / 1000)}) |`);
  lines.push(`| commit | ${commit}${commit.endsWith('+dirty') ? ' (tracked files changed since the commit were measured as they were on disk)' : ''} |`);
  lines.push('');
  lines.push('## Targets', '');
  lines.push('| benchmark | target | measured | baseline | ratio | goal | result |', '|---|---|---|---|---|---|---|');
  for (const run of runs) {
    if (run.json === undefined || run.json.targets.length === 0) {
      lines.push(`| ${link(run.bench.name)} | — | ${run.status === 'absent' ? 'not present in bench/' : `${run.status} (exit ${run.exitCode ?? '—'})`} | | | | — |`);
      continue;
    }
    for (const t of run.json.targets) {
      const verdict = run.status === 'ok' ? (t.met ? '**MET**' : '**MISSED**') : `${t.met ? 'MET' : 'MISSED'} (run ${run.status})`;
      lines.push(
        `| ${link(run.bench.name)} | ${cell(t.name)} | ${cell(t.measured)} | ${cell(t.floor ?? '—')} | ${t.ratio === undefined ? '—' : `${t.ratio.toFixed(t.ratio >= 10 ? 1 : 2)}×`} | ${cell(t.target)} | ${verdict} |`,
      );
    }
  }
  lines.push('');
  lines.push('## Runs', '');
  lines.push('| benchmark | options in this run | time | status | notes |', '|---|---|---|---|---|');
  for (const run of runs) {
    const args = run.bench.args.length > 0 ? `\`${run.bench.args.join(' ')}\`: ${run.bench.why}` : 'defaults';
    lines.push(`| ${link(run.bench.name)} | ${cell(args)} | ${fmtSeconds(run.seconds)} | ${run.status} | ${cell((run.json?.notes ?? []).join('; '))} |`);
  }
  lines.push('');
  lines.push('## Reports', '', "Each benchmark's own output (stdout), as printed.", '');
  for (const run of runs.filter((r) => r.stdout.trim() !== '')) {
    lines.push(`<details><summary><code>bench/${run.bench.name}.ts ${run.bench.args.join(' ')}</code></summary>`, '', '```', run.stdout.trimEnd(), '```', '', '</details>', '');
  }
  writeFileSync(opts.out, lines.join('\n'));
  log(`wrote ${relative(process.cwd(), opts.out) || opts.out}`);
  const bad = runs.filter((r) => r.status !== 'ok' && r.status !== 'absent');
  if (bad.length > 0) {
    log(`not valid: ${bad.map((r) => `${r.bench.name} (${r.status})`).join(', ')}`);
    process.exitCode = 1;
  }
}

await main();
