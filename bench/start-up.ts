/**
 * How long `npm start` takes to be ready, launch to the first 200 from /api/health, on a fresh data
 * folder (the demo studies are created), in a fresh `git clone` of HEAD (node_modules borrowed from
 * this checkout) where `npm run prepare` (what `npm install` runs: the web build) has run; against
 * a floor measured alternately in the same run: Node with tsx, the two emulators and an HTTP server
 * answering /api/health (bench/lib/minimal-start.ts). See bench/README.md.
 */
import { spawn, spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, symlinkSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fmtMs, fmtRatio, fmtSpread, options, Report, run, stats, table } from './lib/harness';

const opts = options('bench/start-up.ts', 'npm start: launch to ready, first start after install and a later one, against a floor.', {
  samples: { kind: 'int', default: 3, min: 1, help: 'fresh clones, each started twice, alternating with the floor' },
});
const root = join(import.meta.dirname, '..');

const freePort = () =>
  new Promise<number>((resolve) => {
    const server = createServer().listen(0, '127.0.0.1', () => {
      const { port } = server.address() as { port: number };
      server.close(() => resolve(port));
    });
  });

/** Milliseconds from spawning `args` in `cwd` to the first 200 from /api/health; then stops it. */
async function timeToHealthy(cwd: string, args: (port: number) => string[]): Promise<number> {
  const port = await freePort();
  const dataDir = mkdtempSync(join(tmpdir(), 'bench-start-data-'));
  const env = { ...process.env, PORT: String(port), DYNAMODB_PORT: String(await freePort()), SES_PORT: String(await freePort()), TIMEPOINT_DATA_DIR: dataDir };
  const started = performance.now();
  const child = spawn(process.execPath, args(port), { cwd, env, stdio: ['ignore', 'ignore', 'pipe'] });
  let stderr = '';
  child.stderr!.on('data', (c: Buffer) => (stderr += c.toString()));
  try {
    for (;;) {
      if (child.exitCode !== null) throw new Error(`exited ${child.exitCode} before it was ready: ${stderr.slice(-500)}`);
      if (await fetch(`http://127.0.0.1:${port}/api/health`).then((r) => r.ok, () => false)) return performance.now() - started;
      await new Promise((r) => setTimeout(r, 25));
    }
  } finally {
    child.kill('SIGINT');
    await new Promise((r) => (child.exitCode === null ? child.once('exit', r) : r(null)));
    rmSync(dataDir, { recursive: true, force: true });
  }
}

async function main(): Promise<void> {
  const report = new Report(
    'start-up',
    'Start-up: npm start, launch to ready, against a floor',
    `${opts.samples} fresh clone(s) of HEAD (this checkout's node_modules linked), \`npm run prepare\` run in each (timed apart); in each the first start then a later one, each on a fresh data folder, with the floor before them in even samples and after them in odd ones.`,
  );
  const web: number[] = [];
  const samples = { floor: [] as number[], first: [] as number[], later: [] as number[] };
  for (let i = 0; i < opts.samples; i++) {
    const clone = mkdtempSync(join(tmpdir(), 'bench-start-clone-'));
    try {
      spawnSync('git', ['clone', '--quiet', root, clone]);
      symlinkSync(join(root, 'node_modules'), join(clone, 'node_modules'));
      const built = performance.now();
      const prepare = spawnSync('npm', ['run', 'prepare'], { cwd: clone, encoding: 'utf8' });
      if (prepare.status !== 0) throw new Error(`npm run prepare failed: ${prepare.stderr}`);
      web.push(performance.now() - built);
      // A clone's first start must come before its later one; the floor goes before them in even samples, after in odd ones.
      const floor = () => timeToHealthy(root, (port) => ['--import', 'tsx', 'bench/lib/minimal-start.ts', String(port)]);
      const start = () => timeToHealthy(clone, () => ['scripts/timepoint.mjs', 'start']);
      if (i % 2 === 0) samples.floor.push(await floor());
      samples.first.push(await start());
      samples.later.push(await start());
      if (i % 2 === 1) samples.floor.push(await floor());
      report.log(`sample ${i + 1}/${opts.samples}: first ${fmtMs(samples.first.at(-1)!)}, later ${fmtMs(samples.later.at(-1)!)}, floor ${fmtMs(samples.floor.at(-1)!)}`);
    } finally {
      rmSync(clone, { recursive: true, force: true });
    }
  }
  const [first, later, floor] = [stats(samples.first), stats(samples.later), stats(samples.floor)];
  report.section(
    'Launch to the first 200 from /api/health',
    table(
      ['start', 'median (p90, min–max)'],
      [
        ['first start after install', fmtSpread(first)],
        ['later start, fresh data folder', fmtSpread(later)],
        ['floor: Node + tsx, emulators, /api/health', fmtSpread(floor)],
        ["(npm install's web build, before the first start)", fmtSpread(stats(web))],
      ],
    ),
  );
  report.target({ name: 'first start after install', measured: fmtMs(first.median), baseline: `${fmtMs(floor.median)} (floor)`, ratio: first.median / floor.median, goal: 'ready in < 10 s', met: first.median < 10_000 });
  report.target({ name: 'later start, fresh data folder', measured: fmtMs(later.median), baseline: `${fmtMs(floor.median)} (floor)`, ratio: later.median / floor.median, goal: 'ready in < 10 s', met: later.median < 10_000 });
  report.note(`npm install's web build (prepare): ${fmtMs(stats(web).median)}, not part of the start; the first start is ${fmtRatio(first.median / floor.median)} the floor`);
  report.finish(opts.json);
}

run(main);
