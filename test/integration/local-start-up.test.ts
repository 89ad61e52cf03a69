import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { createServer, type Server } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';

const root = join(import.meta.dirname, '..', '..');
const bin = join(root, 'scripts', 'timepoint.mjs');

const freePort = () =>
  new Promise<number>((resolve) => {
    const server = createServer().listen(0, '127.0.0.1', () => {
      const { port } = server.address() as { port: number };
      server.close(() => resolve(port));
    });
  });
const occupy = (port: number) => new Promise<Server>((resolve) => { const s = createServer().listen(port, '127.0.0.1', () => resolve(s)); });
const tempDir = () => mkdtempSync(join(tmpdir(), 'tp-start-'));

/** `npx timepoint start` as a user runs it, to completion (it fails in these cases). */
const start = (args: string[], nodeOptions: string[] = []) => {
  const result = spawnSync(process.execPath, [...nodeOptions, bin, 'start', ...args], { cwd: root, encoding: 'utf8', timeout: 60_000 });
  return { code: result.status, stdout: result.stdout, stderr: result.stderr };
};
const ports = async () => ['--port', String(await freePort()), '--dynamodb-port', String(await freePort()), '--ses-port', String(await freePort())];

/** The one line a failed start prints: no stack trace, no second line. */
const oneLine = (stderr: string) => {
  const lines = stderr.trim().split('\n');
  expect(lines, stderr).toHaveLength(1);
  expect(lines[0]).toMatch(/^timepoint: /);
  return lines[0]!;
};

const running: ChildProcess[] = [];
afterAll(() => {
  for (const child of running) child.kill('SIGKILL');
});

describe('the first minute: npm start fails clearly', { timeout: 120_000 }, () => {
  it.each([
    ['--port', 'PORT'],
    ['--dynamodb-port', 'DYNAMODB_PORT'],
    ['--ses-port', 'SES_PORT'],
  ])('names a port already in use and the setting that changes it (%s)', async (option, variable) => {
    const args = await ports();
    const taken = Number(args[args.indexOf(option) + 1]);
    const blocker = await occupy(taken);
    try {
      const result = start([...args, '--data-dir', tempDir()]);
      expect(result.code).toBe(1);
      expect(oneLine(result.stderr)).toBe(`timepoint: port ${taken} is already in use by another program: choose another with ${option} or ${variable}`);
    } finally {
      blocker.close();
    }
  });

  it('says a data folder is in use by another npm start, naming its process, and is released when that one stops', async () => {
    const dataDir = tempDir();
    const firstArgs = await ports();
    const first = spawn(process.execPath, [bin, 'start', ...firstArgs, '--data-dir', dataDir, '--no-demo'], { cwd: root, stdio: ['ignore', 'pipe', 'pipe'] });
    running.push(first);
    let output = '';
    first.stdout!.on('data', (chunk: Buffer) => (output += chunk.toString()));
    const deadline = Date.now() + 110_000;
    while (!output.includes('Timepoint is running') && Date.now() < deadline && first.exitCode === null) await new Promise((r) => setTimeout(r, 250));
    expect(output).toMatch(/Timepoint is running \(ready in [\d.]+ s\)/);

    const second = start([...(await ports()), '--data-dir', dataDir]);
    expect(second.code).toBe(1);
    expect(oneLine(second.stderr)).toBe(
      `timepoint: the data folder ${dataDir} is in use by a running Timepoint platform (port ${firstArgs[1]}), process ${first.pid}: stop it first, or use another folder with --data-dir or TIMEPOINT_DATA_DIR`,
    );

    first.kill('SIGINT');
    await new Promise((resolve) => first.once('exit', resolve));
    expect(output).toContain('Stopped.');
    expect(existsSync(join(dataDir, 'timepoint.lock'))).toBe(false);
  });

  it('does not let a lock left by a process that died block the next start', async () => {
    const dataDir = tempDir();
    const dead = spawnSync(process.execPath, ['-e', 'process.stdout.write(String(process.pid))'], { encoding: 'utf8' });
    writeFileSync(join(dataDir, 'timepoint.lock'), JSON.stringify({ pid: Number(dead.stdout), command: 'start', port: 1, dynamoPort: 1, sesPort: 1, startedAt: '' }));
    const blocker = await occupy(await freePort());
    // The port is checked after the data folder, so reaching the port clash proves the stale lock was ignored.
    const { port } = blocker.address() as { port: number };
    const result = start(['--port', String(port), '--dynamodb-port', String(await freePort()), '--ses-port', String(await freePort()), '--data-dir', dataDir]);
    blocker.close();
    expect(oneLine(result.stderr)).toContain(`port ${port} is already in use`);
  });

  it('says which database is damaged and how to start afresh, instead of a LevelDB error', async () => {
    const dataDir = tempDir();
    const databaseDir = join(dataDir, 'dynamodb');
    // A real database, written the way dynalite writes it, then its manifest damaged.
    const { Level } = createRequire(createRequire(import.meta.url).resolve('dynalite'))('level') as { Level: new (path: string) => { put(k: string, v: string): Promise<void>; close(): Promise<void> } };
    const db = new Level(databaseDir);
    await db.put('key', 'value');
    await db.close();
    const manifest = readdirSync(databaseDir).find((f) => f.startsWith('MANIFEST-'))!;
    writeFileSync(join(databaseDir, manifest), 'not a manifest at all, just damage');

    const result = start([...(await ports()), '--data-dir', dataDir]);
    expect(result.code).toBe(1);
    const line = oneLine(result.stderr);
    expect(line).toContain(`the local database in ${databaseDir} cannot be read (Corruption:`);
    expect(line).toContain(`To start afresh, move the data folder aside (your local studies stay in it): mv ${dataDir} ${dataDir}-damaged`);
  });

  it('says in one line that an older Node.js cannot run it', () => {
    const result = start([], ['--import', 'data:text/javascript,Object.defineProperty(process.versions,"node",{value:"18.19.0"})']);
    expect(result.code).toBe(1);
    expect(oneLine(result.stderr)).toMatch(/^timepoint: Node\.js 20\.11 or newer is needed, and this is Node\.js 18\.19\.0/);
  });
});
