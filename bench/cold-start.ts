/**
 * Participants' cold start: the module load of the Lambda bundle that serves participant routes,
 * and of the staff API's, against a minimal Hono + @aws-sdk/client-dynamodb Lambda built by the same
 * TimepointFunction construct (same esbuild options) and run with the same Node options.
 * See bench/README.md.
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { gzipSync } from 'node:zlib';
import { App, AssetStaging, Stack } from 'aws-cdk-lib';
import { Key } from 'aws-cdk-lib/aws-kms';
import { TimepointFunction } from '../infra/constructs/timepoint-function';
import { alternate, fmtBytes, fmtMs, fmtRatio, fmtSpread, options, Report, run, stats, table } from './lib/harness';
import { synthesize, type DeployedFunction } from './lib/synth';

const opts = options('bench/cold-start.ts', 'Cold module load of the participant and staff API bundles against a minimal Hono + DynamoDB-client bundle.', {
  samples: { kind: 'int', default: 20, min: 3, help: 'fresh node processes per variant, interleaved' },
});

/** Imports the bundle named by argv[2] ('-': nothing), checks its handler, prints the import's ms. */
const LOADER = `const started = performance.now();
if (process.argv[2] !== '-') {
  const m = await import(process.argv[2]);
  if (typeof m.handler !== 'function') { console.error('no handler exported'); process.exit(2); }
}
process.stdout.write(String(performance.now() - started));
`;

/** The minimal bundle, built by the construct itself in a throw-away CDK app (bundling happens as a function is constructed). */
function buildMinimal(outdir: string): string {
  const stack = new Stack(new App({ outdir }), 'BenchColdStart');
  const fn = new TimepointFunction(stack, 'Minimal', { entry: 'bench/lib/minimal-lambda.ts', logKey: new Key(stack, 'LogKey') });
  const staging = fn.node.findAll().find((c): c is AssetStaging => c instanceof AssetStaging);
  if (staging === undefined) throw new Error('the minimal function was not bundled');
  return staging.absoluteStagedPath;
}

const sizes = (dir: string) => {
  const code = readFileSync(join(dir, 'index.mjs'));
  let map = 0;
  try {
    map = statSync(join(dir, 'index.mjs.map')).size;
  } catch {
    // No source map: it is off for this bundle.
  }
  // Chunks (what the entry imports statically, and what it imports only on first use) are compiled only when imported.
  let chunks = 0;
  try {
    for (const name of readdirSync(join(dir, 'chunks'))) if (name.endsWith('.mjs')) chunks += statSync(join(dir, 'chunks', name)).size;
  } catch {
    // Not split.
  }
  return `index.mjs ${fmtBytes(code.length)} raw, ${fmtBytes(gzipSync(code).length)} gzip; chunks ${fmtBytes(chunks)}; source map ${map > 0 ? fmtBytes(map) : 'none'}`;
};

async function main(): Promise<void> {
  const report = new Report(
    'cold-start',
    "Cold start: the participant routes' Lambda and the staff API against a minimal Hono + DynamoDB-client Lambda",
    `bundles as synthesized by infra/bin/app.ts (TimepointFunction: esbuild ESM, minified, AWS SDK bundled); the baseline built by the same construct; ` +
      `each sample a fresh \`node\` with the function's NODE_OPTIONS and environment importing the bundle until its handler exists, timed inside the child; ` +
      `${opts.samples} samples per variant, interleaved, after one untimed load of each. This machine runs Node ${process.versions.node} on ${os.arch()}; Lambda runs Node 22 on arm64: compare ratios.`,
  );
  const work = mkdtempSync(join(os.tmpdir(), 'bench-cold-'));
  report.log('synthesizing the app with bundling (infra/bin/app.ts)');
  const synth = synthesize({ bundle: true });
  try {
    const bundled = synth.functions.filter((f) => f.assetDir !== undefined);
    const participant = bundled.find((f) => /participant/i.test(f.logicalId));
    const staff = bundled.find((f) => /^Api/.test(f.logicalId) && !/participant/i.test(f.logicalId));
    if (!report.check(staff !== undefined, `no bundled function with a logical id starting with Api among ${bundled.map((f) => f.logicalId).join(', ')}`)) return report.finish(opts.json);
    const served = participant ?? staff!;
    report.log('bundling the minimal Lambda with TimepointFunction');
    const minimalDir = buildMinimal(join(work, 'cdk'));
    const loader = join(work, 'loader.mjs');
    writeFileSync(loader, LOADER);

    // A sample is the import's time inside the child; for the bare loader, which imports nothing, the whole process's.
    const load = (target: string, fn: DeployedFunction, nodeOptions = fn.env.NODE_OPTIONS ?? '') => () => {
      const started = performance.now();
      const child = spawnSync(process.execPath, [loader, target], { encoding: 'utf8', env: { ...process.env, ...fn.env, AWS_REGION: 'eu-west-2', NODE_OPTIONS: nodeOptions } });
      if (child.status !== 0) throw new Error(`loading ${target} failed (exit ${child.status}): ${child.stderr.slice(0, 800)}`);
      return target === '-' ? performance.now() - started : Number(child.stdout);
    };
    const file = (dir: string) => pathToFileURL(join(dir, 'index.mjs')).href;
    const withoutMaps = (fn: DeployedFunction) => (fn.env.NODE_OPTIONS ?? '').replace('--enable-source-maps', '').trim();
    const variants: Record<string, () => number> = {
      'node alone (whole process: spawn to exit)': load('-', served),
      [`minimal, with ${served.logicalId}'s Node options`]: load(file(minimalDir), served),
      [`participant routes: ${served.logicalId}`]: load(file(served.assetDir!), served),
      ...(participant !== undefined ? { [`minimal, with ${staff!.logicalId}'s Node options`]: load(file(minimalDir), staff!), [`staff API: ${staff!.logicalId}`]: load(file(staff!.assetDir!), staff!) } : {}),
      ...(withoutMaps(served) !== (served.env.NODE_OPTIONS ?? '') ? { [`(not deployed) ${served.logicalId} without --enable-source-maps`]: load(file(served.assetDir!), served, withoutMaps(served)) } : {}),
    };
    report.log(`${opts.samples} samples × ${Object.keys(variants).length} variants`);
    const samples = await alternate(variants, { rounds: opts.samples, warmup: 1, progress: (r) => r % 5 === 0 && report.log(`${r}/${opts.samples}`) });
    const s = Object.fromEntries(Object.entries(samples).map(([k, v]) => [k, stats(v)]));
    const names = Object.keys(variants);

    report.section(
      'Bundles',
      table(
        ['bundle', 'size', 'memory', 'NODE_OPTIONS'],
        [
          ['minimal (bench/lib/minimal-lambda.ts)', sizes(minimalDir), '—', '(each target\'s own)'],
          ...[...new Set([served, staff!])].map((f) => [f.logicalId, sizes(f.assetDir!), `${f.memoryMiB} MiB`, f.env.NODE_OPTIONS ?? '']),
        ],
      ),
    );
    report.section('Import until the handler exists (inside a fresh node)', table(['variant', 'median (p90, min–max)'], names.map((n) => [n, fmtSpread(s[n]!)])));

    const verdict = (name: string, target: string, baseline: string, goal: number) => {
      const ratio = s[target]!.median / s[baseline]!.median;
      report.target({ name, measured: `${fmtMs(s[target]!.median)} (p90 ${fmtMs(s[target]!.p90)})`, baseline: `${fmtMs(s[baseline]!.median)} (minimal)`, ratio, goal: `≤ ${goal}× the minimal bundle`, met: ratio <= goal });
    };
    if (participant !== undefined) {
      verdict(`participant routes' Lambda (${participant.logicalId}) module load, median`, names[2]!, names[1]!, 1.5);
      verdict(`staff API Lambda (${staff!.logicalId}) module load, median`, names[4]!, names[3]!, 2);
    } else {
      // One Lambda serves everyone: the same samples answer both questions.
      verdict(`participant routes' module load, median (served by the staff API ${staff!.logicalId}: no Participant function yet)`, names[2]!, names[1]!, 1.5);
      verdict(`staff API Lambda (${staff!.logicalId}) module load, median`, names[2]!, names[1]!, 2);
      report.note(`no function whose logical id contains "Participant": ${staff!.logicalId} serves participants and staff, so one measurement answers both targets`);
    }
    const noMaps = names.find((n) => n.startsWith('(not deployed)'));
    if (noMaps) report.note(`without --enable-source-maps the same bundle loads in ${fmtMs(s[noMaps]!.median)} (${fmtRatio(s[noMaps]!.median / s[names[1]!]!.median)} the minimal): what reading its source map costs at every cold start`);
    report.note(`node's own start and exit, outside every import: ${fmtMs(s[names[0]!]!.median)} median (not part of any ratio)`);
  } finally {
    synth.dispose();
    rmSync(work, { recursive: true, force: true });
  }
  report.finish(opts.json);
}

run(main);
