/**
 * `npm run bench`: every benchmark in bench/, one after another, each with `--json`, then
 * bench/RESULTS.md (the machine, its load, the commit, one row per target with its same-run
 * baseline and MET or MISSED, each run's notes and report) and bench/RESULTS.json (the same
 * verdicts and the measured usage, which bench/cost.ts prices when run on its own).
 * Progress goes to stderr. Exit code 1 only when a benchmark failed, timed out or was invalid.
 */
import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import { join } from 'node:path';
import { scoringVerdicts } from './micro/verdicts';
import { commit, fmtRatio, options, type BenchJson } from './lib/harness';

interface Bench {
  name: string;
  /** The command after `node` (the micro benchmarks run under vitest, the others under tsx). */
  command: (json: string) => string[];
  why: string;
  minutes: number;
}

const tsx = (script: string, ...args: string[]) => (json: string) => ['--import', 'tsx', `bench/${script}.ts`, ...args, '--json', json];
const BENCHES: Bench[] = [
  { name: 'scoring', command: (json) => ['node_modules/vitest/vitest.mjs', 'bench', '--run', '--project', 'bench', '--outputJson', json], why: 'vitest bench (bench/micro/)', minutes: 5 },
  { name: 'cold-start', command: tsx('cold-start'), why: 'defaults', minutes: 8 },
  { name: 'submit', command: tsx('submit'), why: 'defaults', minutes: 10 },
  { name: 'export-memory', command: tsx('export-memory'), why: 'defaults: 1,000 and 10,000 participants', minutes: 30 },
  { name: 'dispatch', command: tsx('dispatch'), why: 'defaults: a backlog of 5,000 at 14 emails/s', minutes: 25 },
  { name: 'import', command: tsx('import'), why: 'defaults: 5,000 rows', minutes: 10 },
  { name: 'start-up', command: tsx('start-up'), why: 'defaults', minutes: 10 },
  // Last: it prices what the others measured in this run.
  { name: 'cost', command: tsx('cost', '--measured', 'RUN_JSON'), why: "this run's usage", minutes: 5 },
];

const root = join(import.meta.dirname, '..');
const log = (message: string) => process.stderr.write(`[bench] ${message}\n`);
const opts = options('bench/run-all.ts', `Every benchmark (${BENCHES.map((b) => b.name).join(', ')}), then bench/RESULTS.md and bench/RESULTS.json.`, {
  only: { kind: 'text', help: 'comma-separated benchmark names to run' },
  skip: { kind: 'text', help: 'comma-separated benchmark names to leave out' },
  out: { kind: 'text', default: 'bench/RESULTS.md', help: 'where to write the results (the .json beside it)' },
});

interface Run {
  bench: Bench;
  status: 'ok' | 'invalid' | 'failed' | 'timed out';
  seconds: number;
  json?: BenchJson;
  stdout: string;
}

function runBench(bench: Bench, dir: string, runJson: string): Promise<Run> {
  const json = join(dir, `${bench.name}.json`);
  const started = performance.now();
  return new Promise((resolve) => {
    const args = bench.command(json).map((a) => (a === 'RUN_JSON' ? runJson : a));
    const child = spawn(process.execPath, args, { cwd: root, env: { ...process.env, NO_COLOR: '1' }, stdio: ['ignore', 'pipe', 'inherit'] });
    let stdout = '';
    child.stdout.setEncoding('utf8').on('data', (chunk: string) => (stdout += chunk));
    let timedOut = false;
    const timer = setTimeout(() => ((timedOut = true), child.kill('SIGTERM')), bench.minutes * 60_000);
    child.on('close', (code) => {
      clearTimeout(timer);
      const seconds = (performance.now() - started) / 1000;
      let result: BenchJson | undefined;
      if (existsSync(json)) {
        const raw: unknown = JSON.parse(readFileSync(json, 'utf8'));
        result = bench.name === 'scoring' ? scoringVerdicts(raw) : (raw as BenchJson);
      }
      const status: Run['status'] = timedOut ? 'timed out' : result === undefined ? 'failed' : !result.valid || code !== 0 ? 'invalid' : 'ok';
      resolve({ bench, status, seconds, stdout, ...(result ? { json: result } : {}) });
    });
  });
}

const fmtSeconds = (s: number) => (s >= 60 ? `${Math.floor(s / 60)} min ${Math.round(s % 60)} s` : `${s.toFixed(0)} s`);
const cell = (text: string) => text.replace(/\|/g, '\\|').replace(/\n/g, ' ');
const loads = (l: number[]) => l.map((x) => x.toFixed(2)).join(' ');

async function main(): Promise<void> {
  const list = (raw: string | undefined) => (raw === undefined ? undefined : raw.split(',').map((s) => s.trim()));
  for (const name of [...(list(opts.only) ?? []), ...(list(opts.skip) ?? [])]) {
    if (!BENCHES.some((b) => b.name === name)) throw new Error(`unknown benchmark ${name}; known: ${BENCHES.map((b) => b.name).join(', ')}`);
  }
  const selected = BENCHES.filter((b) => (list(opts.only)?.includes(b.name) ?? true) && !list(opts.skip)?.includes(b.name));
  const dir = mkdtempSync(join(os.tmpdir(), 'bench-all-'));
  const runJson = join(dir, 'this-run.json');
  const startedAt = new Date();
  const loadStart = os.loadavg();
  const runs: Run[] = [];
  try {
    for (const [i, bench] of selected.entries()) {
      writeFileSync(runJson, JSON.stringify(runs.flatMap((r) => (r.json ? [r.json] : []))));
      log(`(${i + 1}/${selected.length}) ${bench.name}`);
      const result = await runBench(bench, dir, runJson);
      runs.push(result);
      log(`(${i + 1}/${selected.length}) ${bench.name}: ${result.status} in ${fmtSeconds(result.seconds)}`);
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
  const finishedAt = new Date();
  const first = runs.find((r) => r.json)?.json?.machine;
  const c = commit() ?? 'unknown';

  const anchor = (name: string) => `README.md#${name}`;
  const lines = [
    '# Benchmark results',
    '',
    `Written by \`npm run bench\` (bench/run-all.ts) on ${finishedAt.toISOString().slice(0, 10)}; do not edit by hand. Every ratio is against a baseline measured in the same run on the same machine; what each benchmark measures, and why it exists: [bench/README.md](README.md).`,
    '',
    '| | |',
    '|---|---|',
    ...(first ? [`| machine | ${cell(first.cpu)}, ${first.cores} logical cores, ${first.memoryGiB} GiB RAM, ${first.platform} |`, `| Node | ${first.node} |`] : []),
    `| load average (1/5/15 min) | ${loads(loadStart)} at the start, ${loads(os.loadavg())} at the end (shared machine) |`,
    `| run | ${startedAt.toISOString()} – ${finishedAt.toISOString()} (${fmtSeconds((finishedAt.getTime() - startedAt.getTime()) / 1000)}) |`,
    `| commit | ${c}${c.endsWith('+dirty') ? ' (tracked files changed since the commit were measured as they were on disk)' : ''} |`,
    '',
    '## Targets',
    '',
    '| benchmark | target | measured | baseline (same run) | ratio | goal | result |',
    '|---|---|---|---|---|---|---|',
  ];
  for (const r of runs) {
    if (!r.json || r.json.targets.length === 0) lines.push(`| [\`${r.bench.name}\`](${anchor(r.bench.name)}) | — | ${r.status} | | | | — |`);
    for (const t of r.json?.targets ?? []) {
      const verdict = r.status === 'ok' ? `**${t.met ? 'MET' : 'MISSED'}**` : `${t.met ? 'MET' : 'MISSED'} (run ${r.status})`;
      lines.push(`| [\`${r.bench.name}\`](${anchor(r.bench.name)}) | ${cell(t.name)} | ${cell(t.measured)} | ${cell(t.baseline ?? '—')} | ${t.ratio === undefined ? '—' : fmtRatio(t.ratio)} | ${cell(t.goal)} | ${verdict} |`);
    }
  }
  lines.push('', '## Runs', '', '| benchmark | options | time | status | load average at its start | notes |', '|---|---|---|---|---|---|');
  for (const r of runs) {
    lines.push(`| [\`${r.bench.name}\`](${anchor(r.bench.name)}) | ${cell(r.bench.why)} | ${fmtSeconds(r.seconds)} | ${r.status} | ${r.json ? loads(r.json.machine.loadStart) : '—'} | ${cell((r.json?.notes ?? []).join('; '))} |`);
  }
  lines.push('', '## Reports', '', "Each benchmark's own output, as printed.", '');
  for (const r of runs.filter((x) => x.stdout.trim() !== '')) {
    lines.push(`<details><summary><code>${r.bench.name}</code></summary>`, '', '```', r.stdout.replace(/\x1b\[[0-9;]*m/g, '').trimEnd(), '```', '', '</details>', '');
  }
  writeFileSync(join(root, opts.out), lines.join('\n'));
  writeFileSync(join(root, opts.out.replace(/\.md$/, '.json')), `${JSON.stringify(runs.flatMap((r) => (r.json ? [r.json] : [])), null, 2)}\n`);
  log(`wrote ${opts.out} and its .json`);
  const bad = runs.filter((r) => r.status !== 'ok');
  if (bad.length > 0) {
    log(`not valid: ${bad.map((r) => `${r.bench.name} (${r.status})`).join(', ')}`);
    process.exitCode = 1;
  }
}

await main();
