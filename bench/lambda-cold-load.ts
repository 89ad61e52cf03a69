/**
 * Lambda cold load: the API Lambda's bundle against a minimal Hono Lambda's, both built by the
 * project's own TimepointFunction construct (infra/constructs/timepoint-function.ts: NodejsFunction
 * with local esbuild, ESM, minified, source maps, AWS SDK bundled, the createRequire banner) in a
 * throw-away CDK app; their sizes (raw, gzip) and the cold module-load time: a fresh `node` per
 * sample (with the function's NODE_OPTIONS, --enable-source-maps) importing the bundle and reaching
 * its exported handler, against the same loader importing nothing. See bench/README.md.
 *
 *   npx tsx bench/lambda-cold-load.ts [--samples 20] [--keep] [--json <file>]
 *
 * It measures; it does not assert: the exit code is 0 whether or not the target is met. It is 1
 * only when the benchmark itself is invalid (bad options, a bundle not built, or a child that
 * fails to reach the handler).
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { parseArgs } from 'node:util';
import { gzipSync } from 'node:zlib';
import { App, AssetStaging, Stack } from 'aws-cdk-lib';
import { Key } from 'aws-cdk-lib/aws-kms';
import { TimepointFunction } from '../infra/constructs/timepoint-function';
import { commitInfo, machineInfo, writeBenchJson } from './lib/bench-json';
import { type Summary, fmtBytes, fmtMs, loadavg, summarise, table } from './lib/latency';
import { exitWithUsage, integerParser } from './lib/cli';

const TARGET_RATIO = 1.5;
const API_ENTRY = 'functions/entrypoints/api-lambda.ts';
const MINIMAL_ENTRY = 'bench/lib/minimal-hono-lambda.ts';

const USAGE = `usage: npx tsx bench/lambda-cold-load.ts [options]
  --samples <k>   fresh node processes per variant (bare loader, minimal bundle, API bundle, API bundle without source maps), interleaved (default 20)
  --keep          keep the CDK output folder with both bundles (its path is printed)
  --json <file>   also write the verdict as JSON (the contract of bench/lib/bench-json.ts)`;

function options() {
  const { values } = parseArgs({
    options: {
      samples: { type: 'string', default: '20' },
      keep: { type: 'boolean', default: false },
      json: { type: 'string' },
      help: { type: 'boolean', short: 'h', default: false },
    },
    strict: true,
  });
  if (values.help) exitWithUsage(USAGE);
  return { samples: integerParser(USAGE)('samples', values.samples, 5), keep: values.keep, json: values.json };
}

const log = (message: string) => process.stderr.write(`[lambda-cold-load] ${message}\n`);

/**
 * Imports the module named by argv[2] (or nothing for `-`), checks that it exports a handler
 * function, and prints the import's duration and when it ended, relative to the process's start
 * (performance.timeOrigin).
 */
const LOADER = `const started = performance.now();
if (process.argv[2] !== '-') {
  const m = await import(process.argv[2]);
  if (typeof m.handler !== 'function') { console.error('no handler exported'); process.exit(2); }
}
const ended = performance.now();
process.stdout.write(JSON.stringify({ importMs: ended - started, readyMs: ended }));
`;

interface Bundle {
  name: string;
  entry: string;
  file: string;
  bytes: number;
  gzipBytes: number;
  mapBytes: number;
}

/** Both bundles, built by the construct itself in a throw-away CDK app (bundling happens as the function is constructed). */
function buildBundles(outdir: string): Bundle[] {
  const app = new App({ outdir });
  const stack = new Stack(app, 'BenchColdLoad');
  const logKey = new Key(stack, 'LogKey');
  return [
    ['minimal Hono Lambda', MINIMAL_ENTRY, 'Minimal'],
    ['API Lambda', API_ENTRY, 'Api'],
  ].map(([name, entry, id]) => {
    const started = performance.now();
    log(`bundling ${entry} with the TimepointFunction construct`);
    // A log key as AppStack passes one (only the template uses it); not an inline literal, so this
    // compiles whether or not the construct's props require it.
    const props = { entry: entry!, logKey };
    const fn = new TimepointFunction(stack, id!, props);
    const staging = fn.node.findAll().find((c): c is AssetStaging => c instanceof AssetStaging);
    if (staging === undefined) throw new Error(`no asset staged for ${entry}`);
    const file = join(staging.absoluteStagedPath, 'index.mjs');
    const code = readFileSync(file);
    log(`  ${fmtBytes(code.length)} in ${((performance.now() - started) / 1000).toFixed(1)} s`);
    return { name: name!, entry: entry!, file, bytes: code.length, gzipBytes: gzipSync(code).length, mapBytes: statSync(`${file}.map`).size };
  });
}

/** The API Lambda's cold start reads its configuration (functions/config.ts); these satisfy it, as CDK's environment would. */
const lambdaEnv = {
  ...process.env,
  NODE_OPTIONS: '--enable-source-maps',
  AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: 'true',
  AWS_REGION: 'eu-west-2',
  TIMEPOINT_BASE_URL: 'https://timepoint.example.org',
  RESEARCH_TABLE: 'bench-research',
  CONTACTS_TABLE: 'bench-contacts',
  TIMEPOINT_SYSTEM_SENDER: 'timepoint@example.org',
  // CloudFormation resolves it from Secrets Manager in AWS; the API refuses to start without it.
  TIMEPOINT_ORIGIN_SECRET: 'bench-origin-secret-of-at-least-thirty-two-characters',
  TIMEPOINT_ORIGIN_SECRET_PREVIOUS: 'none',
};

interface Sample {
  wallMs: number;
  importMs: number;
  readyMs: number;
}

function sample(loader: string, target: string, nodeOptions: string): Sample {
  const started = process.hrtime.bigint();
  const child = spawnSync(process.execPath, [loader, target], { env: { ...lambdaEnv, NODE_OPTIONS: nodeOptions }, encoding: 'utf8' });
  const wallMs = Number(process.hrtime.bigint() - started) / 1e6;
  if (child.status !== 0) throw new Error(`loading ${target} failed (exit ${child.status}): ${child.stderr.slice(0, 500)}`);
  const { importMs, readyMs } = JSON.parse(child.stdout) as { importMs: number; readyMs: number };
  return { wallMs, importMs, readyMs };
}

function main(): void {
  const opts = options();
  const loadBefore = loadavg();
  const outdir = mkdtempSync(join(os.tmpdir(), 'lambda-cold-load-'));
  try {
    const bundles = buildBundles(outdir);
    const loader = join(outdir, 'loader.mjs');
    writeFileSync(loader, LOADER);
    const maps = '--enable-source-maps';
    const variants = [
      { name: 'bare node (loader, no import)', target: '-', nodeOptions: maps },
      ...bundles.map((b) => ({ name: b.name, target: pathToFileURL(b.file).href, nodeOptions: maps })),
      // Not the deployed setting: how much of the API's load is reading and parsing its source map.
      { name: 'API Lambda without --enable-source-maps', target: pathToFileURL(bundles[1]!.file).href, nodeOptions: '' },
    ];
    // Untimed: one of each, so the files are in the page cache for every timed sample.
    for (const v of variants) sample(loader, v.target, v.nodeOptions);
    const samples = variants.map(() => [] as Sample[]);
    log(`${opts.samples} samples × ${variants.length} variants, interleaved, a fresh node process each`);
    for (let i = 0; i < opts.samples; i++) {
      for (let k = 0; k < variants.length; k++) {
        const v = (i + k) % variants.length;
        samples[v]!.push(sample(loader, variants[v]!.target, variants[v]!.nodeOptions));
      }
      if ((i + 1) % 10 === 0) log(`${i + 1}/${opts.samples}`);
    }

    const wall = samples.map((s) => summarise(s.map((x) => x.wallMs)));
    const imports = samples.map((s) => summarise(s.map((x) => x.importMs)));
    const ready = samples.map((s) => summarise(s.map((x) => x.readyMs)));
    const bare = wall[0]!;
    const net = (s: Summary) => s.p50 - bare.p50;
    const [minimalWall, apiWall] = [wall[1]!, wall[2]!];
    // The target compares the import times measured inside the children: they exclude node's own
    // startup by construction. Wall − bare is printed too, but on a loaded machine the bare start's
    // noise (hundreds of ms) can exceed the minimal bundle's whole load and make it meaningless.
    const wallRatio = net(apiWall) / net(minimalWall);
    const importRatio = imports[2]!.p50 / imports[1]!.p50;
    const ratio = importRatio;
    const met = Number.isFinite(ratio) && ratio > 0 && ratio <= TARGET_RATIO;
    const fmtNet = (s: Summary) => (net(s) > 0 ? fmtMs(net(s)) : `${fmtMs(net(s))} (within the noise)`);

    const m = machineInfo();
    const commit = commitInfo();
    console.log('Lambda cold load: the API Lambda bundle vs a minimal Hono Lambda, both built by TimepointFunction\n');
    console.log(`CPU:         ${m.cpu} (${m.cores} logical cores)`);
    console.log(`Node:        ${m.node}, ${m.platform} (the functions run Node 22 on arm64 in AWS)`);
    console.log(`Memory:      ${m.memoryGiB} GiB`);
    if (commit) console.log(`Code:        commit ${commit}`);
    console.log(`Load avg:    ${loadBefore} before, ${loadavg()} after (1/5/15 min; a shared machine: expect noise)`);
    console.log(
      `Method:      each sample is a fresh \`node loader.mjs <bundle>\` (NODE_OPTIONS=--enable-source-maps, as the functions set it) ` +
        `that imports the bundle and checks its exported handler; wall = spawn to exit, measured here; import = inside the child. ` +
        `${opts.samples} samples per variant, interleaved, after one untimed load of each.\n`,
    );
    console.log(
      table(
        ['bundle', 'entry', 'raw', 'gzip', 'source map'],
        bundles.map((b) => [b.name, b.entry, fmtBytes(b.bytes), fmtBytes(b.gzipBytes), fmtBytes(b.mapBytes)]),
      ),
    );
    console.log('');
    console.log(
      table(
        ['process', 'wall p50', 'wall p90', 'wall − bare (p50)', 'import p50', 'import p90', 'handler ready p50 (since start)'],
        variants.map((v, k) => [
          v.name,
          fmtMs(wall[k]!.p50),
          fmtMs(wall[k]!.p90),
          k === 0 ? '—' : fmtNet(wall[k]!),
          k === 0 ? '—' : fmtMs(imports[k]!.p50),
          k === 0 ? '—' : fmtMs(imports[k]!.p90),
          fmtMs(ready[k]!.p50),
        ]),
      ),
    );
    console.log('\nTarget');
    console.log(
      table(
        ['target', 'API (import p50)', 'minimal (import p50)', 'ratio', 'result'],
        [[`API cold load ≤ ${TARGET_RATIO}× the minimal Hono Lambda`, fmtMs(imports[2]!.p50), fmtMs(imports[1]!.p50), `${ratio.toFixed(2)}×`, met ? 'MET' : 'MISSED']],
      ),
    );
    console.log(`(Wall − bare gives ${net(minimalWall) > 0 ? `${wallRatio.toFixed(2)}×` : 'no usable ratio (the minimal bundle is within the noise of the bare start)'}: ${fmtNet(apiWall)} against ${fmtNet(minimalWall)}.`);
    console.log(` Without --enable-source-maps the API's import takes ${fmtMs(imports[3]!.p50)} at p50: the source map costs about ${fmtMs(imports[2]!.p50 - imports[3]!.p50)}.)`);
    if (opts.keep) console.log(`\nBundles kept in ${outdir}`);

    if (opts.json !== undefined) {
      const [minimal, api] = [bundles[0]!, bundles[1]!];
      writeBenchJson(opts.json, {
        bench: 'lambda-cold-load',
        title: 'API Lambda cold module load against a minimal Hono Lambda',
        targets: [
          {
            name: 'API Lambda cold module load (fresh node per sample, import until handler, p50)',
            measured: `${fmtMs(imports[2]!.p50)} (p90 ${fmtMs(imports[2]!.p90)})`,
            floor: `${fmtMs(imports[1]!.p50)} (minimal Hono Lambda)`,
            ratio,
            target: `≤ ${TARGET_RATIO}× the minimal bundle`,
            met,
          },
        ],
        notes: [
          `bundles (TimepointFunction, esbuild ESM minified): API ${fmtBytes(api.bytes)} raw / ${fmtBytes(api.gzipBytes)} gzip; minimal ${fmtBytes(minimal.bytes)} / ${fmtBytes(minimal.gzipBytes)}`,
          `process wall − bare node start (p50 ${fmtMs(bare.p50)}): API ${fmtNet(apiWall)}, minimal ${fmtNet(minimalWall)}; API import without --enable-source-maps ${fmtMs(imports[3]!.p50)}; ${opts.samples} samples each`,
        ],
        valid: true,
      });
    }
  } finally {
    if (!opts.keep) rmSync(outdir, { recursive: true, force: true });
  }
}

try {
  main();
} catch (error) {
  console.error(error);
  process.exit(1);
}
