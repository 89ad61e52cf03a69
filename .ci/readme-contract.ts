/**
 * The README is a contract: this runs it the way a new user would, on a fresh `git clone` of the
 * commit under test (so a file that exists only in a working tree cannot hide a missing one).
 *
 *   npx tsx .ci/readme-contract.ts [--json test-results/readme.json] [--keep]
 *
 * It runs `npm ci` in the clone, starts the platform with the README's start command on free ports
 * and an empty data folder, waits for /api/health and the demo study, runs every other command of
 * every `sh` block in order (each must exit 0 and print or write something), then stops the
 * platform and checks that it stopped cleanly. Commands marked `# needs AWS`, and `npm test`
 * (the suite .ci/run runs anyway), are skipped by name. Exit status 1 if any check failed.
 */
import { DynamoDBClient, GetItemCommand } from '@aws-sdk/client-dynamodb';
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, statSync, writeFileSync, mkdirSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { keys } from '../functions/adapters/dynamodb/keys';
import { outputFiles, readmeCommands, type ReadmeCommand } from './readme-commands';

const RESEARCH_TABLE = 'timepoint-research';
const START_TIMEOUT_MS = 180_000;
const COMMAND_TIMEOUT_MS = 240_000;
const STOP_TIMEOUT_MS = 30_000;

interface Check {
  name: string;
  ok: boolean;
  detail: string;
}

const checks: Check[] = [];
const skipped: ReadmeCommand[] = [];

function record(name: string, ok: boolean, detail = ''): boolean {
  checks.push({ name, ok, detail });
  process.stdout.write(`${ok ? '  ✓' : '  ✗'} ${name}${detail ? `\n${indent(detail)}` : ''}\n`);
  return ok;
}

const indent = (text: string, lines = 12) =>
  text
    .trimEnd()
    .split('\n')
    .slice(0, lines)
    .map((l) => `      ${l}`)
    .join('\n');

const freePort = () =>
  new Promise<number>((done, fail) => {
    const server = createServer();
    server.once('error', fail);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as { port: number };
      server.close(() => done(port));
    });
  });

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** Runs one shell command to completion, with a timeout; output captured. */
function run(command: string, cwd: string, env: NodeJS.ProcessEnv, timeoutMs = COMMAND_TIMEOUT_MS) {
  const started = Date.now();
  const result = spawnSync('bash', ['-o', 'pipefail', '-c', command], { cwd, env, encoding: 'utf8', timeout: timeoutMs, maxBuffer: 64 * 1024 * 1024 });
  return {
    status: result.status,
    signal: result.signal,
    stdout: result.stdout ?? '',
    stderr: result.stderr ?? '',
    seconds: (Date.now() - started) / 1000,
  };
}

async function waitFor(what: () => Promise<boolean>, timeoutMs: number, alive: () => boolean): Promise<boolean> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (await what().catch(() => false)) return true;
    if (!alive()) return false;
    await sleep(500);
  }
  return false;
}

async function main() {
  const args = process.argv.slice(2);
  const jsonOut = args.includes('--json') ? args[args.indexOf('--json') + 1] : undefined;
  const keep = args.includes('--keep');
  const repo = resolve(import.meta.dirname, '..');
  const commit = spawnSync('git', ['rev-parse', 'HEAD'], { cwd: repo, encoding: 'utf8' }).stdout.trim();
  const work = mkdtempSync(join(tmpdir(), 'timepoint-readme-'));
  const clone = join(work, 'clone');
  let platform: ChildProcess | null = null;
  process.stdout.write(`README contract: a fresh clone of ${commit.slice(0, 12)} in ${work}\n`);

  try {
    const cloned = run(`git clone --quiet --no-hardlinks "${repo}" "${clone}" && git -C "${clone}" checkout --quiet ${commit}`, work, process.env);
    if (!record(`git clone of ${commit.slice(0, 12)}`, cloned.status === 0, cloned.stderr)) return;

    const install = run('npm ci --no-audit --no-fund --prefer-offline', clone, process.env, 600_000);
    if (!record(`npm ci in the clone (${install.seconds.toFixed(0)} s)`, install.status === 0, install.status === 0 ? '' : install.stderr.slice(-3000))) return;

    const commands = readmeCommands(readFileSync(join(clone, 'README.md'), 'utf8'));
    const starts = commands.filter((c) => c.role === 'start');
    if (!record('the README shows one command that starts the platform', starts.length === 1, starts.map((s) => `line ${s.line}: ${s.command}`).join('\n'))) return;
    record('the README shows the test command (npm test)', commands.some((c) => /^npm test\b/.test(c.command)));

    const [port, dynamoPort, sesPort] = [await freePort(), await freePort(), await freePort()];
    const dataDir = join(work, 'data');
    const env: NodeJS.ProcessEnv = {
      ...process.env,
      PORT: String(port),
      DYNAMODB_PORT: String(dynamoPort),
      SES_PORT: String(sesPort),
      TIMEPOINT_DATA_DIR: dataDir,
      CI: 'true',
    };
    const start = starts[0]!;
    const log: string[] = [];
    const startedAt = Date.now();
    platform = spawn('bash', ['-c', start.command], { cwd: clone, env, detached: true, stdio: ['ignore', 'pipe', 'pipe'] });
    let exited: number | null | undefined;
    platform.on('exit', (code) => (exited = code));
    platform.stdout!.on('data', (chunk: Buffer) => log.push(chunk.toString()));
    platform.stderr!.on('data', (chunk: Buffer) => log.push(chunk.toString()));
    const alive = () => exited === undefined;

    const healthy = await waitFor(async () => (await fetch(`http://127.0.0.1:${port}/api/health`)).ok, START_TIMEOUT_MS, alive);
    if (!record(`README line ${start.line}: \`${start.command}\` serves /api/health (${((Date.now() - startedAt) / 1000).toFixed(1)} s)`, healthy, healthy ? '' : log.join('').slice(-3000))) return;
    const db = new DynamoDBClient({ endpoint: `http://127.0.0.1:${dynamoPort}`, region: 'eu-west-2', credentials: { accessKeyId: 'local', secretAccessKey: 'local' } });
    const demo = await waitFor(
      async () => (await db.send(new GetItemCommand({ TableName: RESEARCH_TABLE, Key: { pk: { S: keys.study('demo').pk }, sk: { S: keys.study('demo').sk } } }))).Item !== undefined,
      30_000,
      alive,
    );
    db.destroy();
    record('the demo study exists', demo);
    const readyLine = log.join('').match(/ready in [\d.]+ s/)?.[0];
    record('start-up prints how long it took', readyLine !== undefined, readyLine ?? '');

    for (const command of commands) {
      if (command.role === 'skip') {
        skipped.push(command);
        continue;
      }
      if (command.role !== 'run') continue;
      const result = run(command.command, clone, env);
      const files = outputFiles(command.command).map((f) => resolve(clone, f));
      const wrote = files.length > 0 && files.every((f) => existsSync(f) && statSync(f).size > 0);
      const printed = result.stdout.trim() !== '';
      const ok = result.status === 0 && (printed || wrote);
      const why = result.status !== 0 ? `exit ${result.status ?? result.signal}` : !printed && !wrote ? 'no output' : '';
      const shown = `${result.stdout}${result.stderr ? `\n[stderr]\n${result.stderr}` : ''}${wrote ? `\n[wrote ${files.map((f) => `${f.slice(clone.length + 1)} (${statSync(f).size} bytes)`).join(', ')}]` : ''}`;
      record(`README line ${command.line}: \`${command.command}\`${why ? ` — ${why}` : ''} (${result.seconds.toFixed(1)} s)`, ok, shown);
    }

    // Stop as Ctrl+C does: the whole process group gets SIGINT.
    process.kill(-platform.pid!, 'SIGINT');
    const stopped = await waitFor(async () => !alive(), STOP_TIMEOUT_MS, () => true);
    const output = log.join('');
    const released = !existsSync(join(dataDir, 'timepoint.lock'));
    record(
      'Ctrl+C stops the platform cleanly (it says so, releases the data folder, frees the port)',
      stopped && /Stopped\./.test(output) && released && !(await fetch(`http://127.0.0.1:${port}/api/health`).then(() => true, () => false)),
      stopped ? output.split('\n').slice(-3).join('\n') : 'still running',
    );
    if (stopped) platform = null;
  } finally {
    if (platform?.pid) {
      try {
        process.kill(-platform.pid, 'SIGKILL');
      } catch {
        // already gone
      }
    }
    for (const s of skipped) process.stdout.write(`  - README line ${s.line}: \`${s.command}\` skipped: ${s.reason}\n`);
    const failed = checks.filter((c) => !c.ok).length;
    const passed = checks.length - failed;
    process.stdout.write(`README contract: ${passed} passed, ${failed} failed, ${skipped.length} skipped by name\n`);
    if (jsonOut) {
      mkdirSync(dirname(resolve(jsonOut)), { recursive: true });
      writeFileSync(jsonOut, `${JSON.stringify({ commit, passed, failed, skipped: skipped.map((s) => ({ line: s.line, command: s.command, reason: s.reason })), checks }, null, 2)}\n`);
    }
    if (!keep) rmSync(work, { recursive: true, force: true });
    process.exitCode = failed > 0 || checks.length === 0 ? 1 : 0;
  }
}

await main();
