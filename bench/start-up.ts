/**
 * How long `npm start` takes to be ready, from the process's launch to the first answer of
 * /api/health, on a fresh data folder (the demo studies are created):
 *
 * - first start after install: a fresh `git clone` of HEAD (node_modules borrowed from this
 *   checkout) in which the install's own step has run (`prepare` builds the web app, timed and
 *   reported apart), as for a new user after `npm install`;
 * - a later start on a fresh data folder.
 *
 * Each is compared with a floor measured in the same run, alternating: Node with tsx, the two
 * emulators and an HTTP server answering /api/health (bench/lib/minimal-start.ts).
 * Target (issue 11): ready in under 10 s after install on a 2-core machine.
 *
 *   npx tsx bench/start-up.ts [--samples 3] [--json file]
 */
import { spawn, spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, symlinkSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { writeBenchJson, type BenchTarget } from './lib/bench-json';
import { exitWithUsage, integerParser } from './lib/cli';

const USAGE = 'usage: npx tsx bench/start-up.ts [--samples <n ≥ 1>] [--json <file>]';
const { values } = parseArgs({ options: { samples: { type: 'string', default: '3' }, json: { type: 'string' }, help: { type: 'boolean', short: 'h' } } });
if (values.help) exitWithUsage(USAGE);
const samples = integerParser(USAGE)('samples', values.samples!, 1);
const root = join(import.meta.dirname, '..');
const log = (line: string) => process.stderr.write(`[start-up] ${line}\n`);

const freePort = () =>
  new Promise<number>((resolve) => {
    const server = createServer().listen(0, '127.0.0.1', () => {
      const { port } = server.address() as { port: number };
      server.close(() => resolve(port));
    });
  });

/** Seconds from spawning `args` (in `cwd`) to the first 200 from /api/health on `port`; then stops it. */
async function timeToHealthy(cwd: string, args: (port: number, dataDir: string) => string[]): Promise<number> {
  const port = await freePort();
  const dataDir = mkdtempSync(join(tmpdir(), 'tp-bench-data-'));
  const env = { ...process.env, PORT: String(port), DYNAMODB_PORT: String(await freePort()), SES_PORT: String(await freePort()), TIMEPOINT_DATA_DIR: dataDir };
  const started = performance.now();
  const child = spawn(process.execPath, args(port, dataDir), { cwd, env, stdio: ['ignore', 'ignore', 'pipe'] });
  let stderr = '';
  child.stderr!.on('data', (c: Buffer) => (stderr += c.toString()));
  try {
    for (;;) {
      if (child.exitCode !== null) throw new Error(`exited ${child.exitCode} before it was ready: ${stderr.slice(-500)}`);
      const ok = await fetch(`http://127.0.0.1:${port}/api/health`).then((r) => r.ok, () => false);
      if (ok) return (performance.now() - started) / 1000;
      await new Promise((r) => setTimeout(r, 25));
    }
  } finally {
    child.kill('SIGINT');
    await new Promise((r) => (child.exitCode === null ? child.once('exit', r) : r(null)));
    rmSync(dataDir, { recursive: true, force: true });
  }
}

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;
const floor = () => timeToHealthy(root, (port) => ['--import', 'tsx', 'bench/lib/minimal-start.ts', String(port)]);
const start = (cwd: string) => () => timeToHealthy(cwd, () => ['scripts/timepoint.mjs', 'start']);

async function main() {
  const results = { webBuild: [] as number[], firstStart: [] as number[], laterStart: [] as number[], floor: [] as number[] };
  for (let i = 0; i < samples; i += 1) {
    // A new clone per sample, with what `npm install` does beyond fetching packages: `prepare`.
    const clone = mkdtempSync(join(tmpdir(), 'tp-bench-clone-'));
    spawnSync('git', ['clone', '--quiet', root, clone]);
    symlinkSync(join(root, 'node_modules'), join(clone, 'node_modules'));
    try {
      const built = performance.now();
      const prepare = spawnSync('npm', ['run', 'prepare'], { cwd: clone, encoding: 'utf8' });
      if (prepare.status !== 0) throw new Error(`npm run prepare failed: ${prepare.stderr}`);
      results.webBuild.push((performance.now() - built) / 1000);
      results.floor.push(await floor());
      results.firstStart.push(await start(clone)());
      results.laterStart.push(await start(clone)());
      log(`sample ${i + 1}/${samples}: first start ${results.firstStart.at(-1)!.toFixed(1)} s, later start ${results.laterStart.at(-1)!.toFixed(1)} s, floor ${results.floor.at(-1)!.toFixed(1)} s`);
    } finally {
      rmSync(clone, { recursive: true, force: true });
    }
  }
  const [first, later, base, web] = [median(results.firstStart), median(results.laterStart), median(results.floor), median(results.webBuild)];
  const rows: Array<[string, number]> = [
    ['first start after install', first],
    ['later start, fresh data folder', later],
    ['floor: Node + tsx, emulators, /api/health', base],
  ];
  console.log(`\nnpm start, launch to /api/health, median of ${samples} (alternating with the floor)\n`);
  for (const [what, s] of rows) console.log(`  ${what.padEnd(48)} ${s.toFixed(2)} s   ${(s / base).toFixed(1)}× the floor`);
  console.log(`  ${'(npm install\'s web build, before the first start)'.padEnd(48)} ${web.toFixed(2)} s`);
  const targets: BenchTarget[] = [
    { name: 'first start after install', measured: `${first.toFixed(1)} s`, floor: `${base.toFixed(1)} s`, ratio: first / base, target: 'ready in < 10 s', met: first < 10 },
    { name: 'later start, fresh data folder', measured: `${later.toFixed(1)} s`, floor: `${base.toFixed(1)} s`, ratio: later / base, target: 'ready in < 10 s', met: later < 10 },
  ];
  console.log(`\nTarget (ready in under 10 s after install): ${targets[0]!.met ? 'MET' : 'MISSED'}`);
  const notes = [`npm install's web build (prepare): ${web.toFixed(1)} s, not part of the start`];
  if (values.json) writeBenchJson(values.json, { bench: 'start-up', title: 'npm start: launch to ready', targets, notes, valid: true });
}

await main();
