/**
 * Export benchmark: the `long` export of a study with 10,000 participants × 2 completed timepoints
 * × the motivating battery (aygunStudy: PROMIS-29, SF-MPQ, PAM-13, PCS, BDI-II, MAIA, FFMQ-39),
 * against reading the same instance items straight from the table with the AWS SDK (the floor),
 * in the same run; and the exporter's peak memory.
 *
 *   npx tsx bench/export.ts [--participants 10000] [--rounds 2] [--passes 2] [--concurrency 8]
 *                           [--page-size <n>] [--runner bundle|tsx] [--seed 20251125]
 *                           [--verify-sample 200] [--profile] [--profile-dir <dir>]
 *
 * dynalite runs in this process; every measurement runs in a child process of its own (so its
 * peak RSS is the exporter's, not the loader's). It measures; it does not assert: the exit code
 * is 0 whether or not the targets are met. It is 1 only when the benchmark itself is invalid (bad
 * options, or a check of the data or of the export failed). See bench/README.md.
 */
import { execFileSync, fork } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import os from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { Session } from 'node:inspector/promises';
import { GetCommand, PutCommand, QueryCommand } from '@aws-sdk/lib-dynamodb';
import { parse } from 'csv-parse';
import { build } from 'esbuild';
import { createDb, type Db } from '../functions/adapters/dynamodb/client';
import { ensureTables } from '../functions/adapters/dynamodb/create-tables';
import { keys } from '../functions/adapters/dynamodb/keys';
import { loadConfig, type Config } from '../functions/config';
import { byCode } from '../functions/core/export/layout';
import { longColumns } from '../functions/core/export/long-rows';
import type { Mailer, OutgoingEmail } from '../functions/core/ports';
import type { Study } from '../functions/core/study/study';
import { aygunStudy } from '../functions/demo/demo-study';
import { buildDependencies } from '../functions/dependencies';
import { runDispatch } from '../functions/use-cases/dispatch';
import { exportStudy } from '../functions/use-cases/export-study';
import { submitAnswers } from '../functions/use-cases/submit-answers';
import { startEmulators, type Emulators } from '../scripts/local/emulators';
import { fakeLicensedText } from '../test/helpers/licensed-fixtures';
import { writeBenchJson } from './lib/bench-json';
import { batchWrite, emailOf, enrolThroughRepositories } from './lib/dispatch-population';
import type { MeasureInput, MeasureResult, PassResult } from './lib/export-measure';
import { OWNERS, summariseProfile, type ProfileSummary } from './lib/export-profile';
import { answersOf, batteryOf, buildParticipant, canonical, codeOf, timelineOf } from './lib/export-population';
import { exitWithUsage, integerParser } from './lib/cli';
import { fmtInt, loadavg, table } from './lib/latency';

const TARGET_SHARE = 0.7;
const TARGET_RSS_MB = 250;
const ISSUE_PARTICIPANTS = 10_000;
const REGION = 'eu-west-2';

const USAGE = `usage: npx tsx bench/export.ts [options]
  --participants <n>    participants, each with baseline and week 8 completed (default 10000)
  --rounds <k>          rounds of (floor, export) measurements, each in a fresh child process,
                        alternating the order (F E, E F, …) (default 2)
  --passes <k>          passes per child; all but the last are an untimed warm-up (default 2)
  --concurrency <k>     BatchWriteItem calls in flight while loading (default 8)
  --page-size <n>       Query Limit of both readers (default: none, as exportStudy's callers: 1 MB pages)
  --runner <kind>       how the measuring child processes run: bundle (default: an esbuild ESM bundle run
                        by plain node with --enable-source-maps, as the Lambda functions are built and
                        run) or tsx (the TypeScript sources under tsx, whose loader thread adds ~40 MB)
  --seed <int>          PRNG seed of enrolment times and answers (default 20251125)
  --verify-sample <n>   participants whose stored items are read back and compared with what was
                        generated, and whose rows are checked against the stored scores (default 200)
  --profile             CPU-profile the timed passes (node:inspector, in the child and in this process
                        for dynalite) and print where the time goes; rates are then measured under the
                        profiler (implies --runner tsx, so that samples map to source files)
  --profile-dir <dir>   also write the .cpuprofile files there (implies --profile)
  --json <file>         also write the verdicts as JSON (the contract of bench/lib/bench-json.ts)`;

function options() {
  const { values } = parseArgs({
    options: {
      participants: { type: 'string', default: String(ISSUE_PARTICIPANTS) },
      rounds: { type: 'string', default: '2' },
      passes: { type: 'string', default: '2' },
      concurrency: { type: 'string', default: '8' },
      'page-size': { type: 'string' },
      runner: { type: 'string', default: 'bundle' },
      seed: { type: 'string', default: '20251125' },
      'verify-sample': { type: 'string', default: '200' },
      profile: { type: 'boolean', default: false },
      'profile-dir': { type: 'string' },
      json: { type: 'string' },
      help: { type: 'boolean', short: 'h', default: false },
    },
    strict: true,
  });
  if (values.help) exitWithUsage(USAGE);
  const int = integerParser(USAGE);
  const profile = values.profile || values['profile-dir'] !== undefined;
  if (values.runner !== 'bundle' && values.runner !== 'tsx') {
    console.error(`--runner must be bundle or tsx (got ${values.runner})\n${USAGE}`);
    process.exit(1);
  }
  return {
    participants: int('participants', values.participants, 2),
    rounds: int('rounds', values.rounds, 1),
    passes: int('passes', values.passes, 1),
    concurrency: int('concurrency', values.concurrency, 1),
    pageSize: values['page-size'] === undefined ? undefined : int('page-size', values['page-size'], 1),
    seed: int('seed', values.seed, 0),
    verifySample: int('verify-sample', values['verify-sample'], 0),
    profile,
    profileDir: values['profile-dir'],
    json: values.json,
    runner: (profile ? 'tsx' : values.runner) as 'bundle' | 'tsx',
  };
}

type Options = ReturnType<typeof options>;

// ---------------------------------------------------------------------------------------------
// Reporting helpers (the house style of bench/scoring.ts and bench/dispatch.ts)

function packageVersion(name: string): string {
  try {
    return (JSON.parse(readFileSync(new URL(`../node_modules/${name}/package.json`, import.meta.url), 'utf8')) as { version: string }).version;
  } catch {
    return '?';
  }
}

function machine(): string[] {
  const cpus = os.cpus();
  const lines = [
    `CPU:         ${cpus[0]?.model.trim() ?? 'unknown'} (${os.availableParallelism?.() ?? cpus.length} logical cores)`,
    `Node:        ${process.version} (V8 ${process.versions.v8}), ${os.platform()} ${os.release()} ${os.arch()}`,
    `Memory:      ${(os.totalmem() / 2 ** 30).toFixed(1)} GiB`,
    `Emulator:    dynalite ${packageVersion('dynalite')} in this process (in memory); each measurement in a child process of its own; AWS SDK ${packageVersion('@aws-sdk/lib-dynamodb')}, csv-stringify ${packageVersion('csv-stringify')}`,
  ];
  try {
    const commit = execFileSync('git', ['rev-parse', '--short', 'HEAD'], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] }).trim();
    const dirty = execFileSync('git', ['status', '--porcelain', '--', 'functions', 'surveys'], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] }).trim();
    lines.push(`Code:        commit ${commit}${dirty ? ' + uncommitted changes in functions/ or surveys/ (measured as they are on disk)' : ''}`);
  } catch {
    // Not a git checkout: leave the line out.
  }
  return lines;
}

const fmtSeconds = (s: number): string => (s >= 1 ? `${s.toFixed(2)} s` : `${(s * 1000).toFixed(0)} ms`);
const fmtMb = (bytes: number): string => `${(bytes / 2 ** 20).toFixed(1)} MB`;
const log = (message: string) => process.stderr.write(`[export-bench] ${message}\n`);

/** Collected problems; any one makes the run INVALID (exit 1). */
const problems: string[] = [];
function check(ok: boolean, what: string): boolean {
  if (!ok) problems.push(what);
  return ok;
}

// ---------------------------------------------------------------------------------------------
// Setup

function configFor(emulators: Emulators, prefix: string): Config {
  return loadConfig({
    TIMEPOINT_BASE_URL: 'http://localhost:3000',
    RESEARCH_TABLE: `${prefix}-research`,
    CONTACTS_TABLE: `${prefix}-contacts`,
    AWS_REGION: REGION,
    DYNAMODB_ENDPOINT: emulators.dynamoEndpoint,
    SES_ENDPOINT: emulators.sesEndpoint,
  });
}

const dbFor = (config: Config): Db =>
  createDb({ region: config.AWS_REGION, endpoint: config.DYNAMODB_ENDPOINT! }, { research: config.RESEARCH_TABLE, contacts: config.CONTACTS_TABLE });

function manualClock(start: Date) {
  let at = start.getTime();
  return { now: () => new Date(at), set: (d: Date) => void (at = d.getTime()) };
}

/** Every item of one participant's key range (`<prefix><code>#` or the participant item). */
async function queryAll(db: Db, pk: string, prefix: string): Promise<Record<string, unknown>[]> {
  const items: Record<string, unknown>[] = [];
  let ExclusiveStartKey: Record<string, unknown> | undefined;
  do {
    const page = await db.doc.send(
      new QueryCommand({
        TableName: db.tables.research,
        KeyConditionExpression: 'pk = :pk AND begins_with(sk, :p)',
        ExpressionAttributeValues: { ':pk': pk, ':p': prefix },
        ConsistentRead: true,
        ExclusiveStartKey,
      }),
    );
    items.push(...(page.Items ?? []));
    ExclusiveStartKey = page.LastEvaluatedKey;
  } while (ExclusiveStartKey !== undefined);
  return items;
}

async function countPrefix(db: Db, pk: string, prefix: string): Promise<number> {
  let count = 0;
  let ExclusiveStartKey: Record<string, unknown> | undefined;
  do {
    const page = await db.doc.send(
      new QueryCommand({
        TableName: db.tables.research,
        KeyConditionExpression: 'pk = :pk AND begins_with(sk, :p)',
        ExpressionAttributeValues: { ':pk': pk, ':p': prefix },
        Select: 'COUNT',
        ExclusiveStartKey,
      }),
    );
    count += page.Count ?? 0;
    ExclusiveStartKey = page.LastEvaluatedKey;
  } while (ExclusiveStartKey !== undefined);
  return count;
}

// ---------------------------------------------------------------------------------------------
// Shape check: the bulk-loaded items == what the application itself writes

/**
 * Replays the first two participants (one per arm) through the real code in scratch tables:
 * enrolment through the repositories, a real dispatcher pass at each invitation (stub mailer; the
 * link token taken from the email), the real `submitAnswers` with the generated answers at the
 * generated completion time (licensed wording loaded, as a licensee would, so the battery can be
 * answered), and a dispatcher pass right after (alerts, re-plan, completion cleared). Their
 * participant and instance items must equal what the bulk loader writes for them.
 */
async function shapeCheck(emulators: Emulators, study: Study, seed: number): Promise<{ items: number; alerts: number }> {
  const config = configFor(emulators, 'bench-export-shape');
  const db = dbFor(config);
  await ensureTables(db);
  const clock = manualClock(new Date(0));
  const emails: OutgoingEmail[] = [];
  const stubMailer: Mailer = { send: async (email) => (emails.push(email), { messageId: `stub-${emails.length}` }) };
  const deps = buildDependencies(config, { clock, mailer: stubMailer, dispatch: { maxSendRate: Infinity, sleep: async () => {} } });
  await deps.studies.createIfAbsent(study);
  for (const tp of study.protocol.timepoints) {
    for (const instrument of batteryOf(study, tp.id, deps.catalogue.find)) await deps.licensedTexts.put(fakeLicensedText(instrument.scoring));
  }
  let compared = 0;
  for (const index of [0, 1]) {
    const built = buildParticipant(study, index, seed, deps.catalogue.find, deps.scoringPlugins);
    const participant = built.participant;
    const email = emailOf(participant.code);
    clock.set(new Date(participant.enrolledAt));
    await enrolThroughRepositories(deps, { index, code: participant.code, email, role: 'background', participant });
    for (const t of timelineOf(study, participant, index, seed)) {
      clock.set(new Date(t.invitedAt));
      const before = emails.length;
      await runDispatch(deps);
      const invitation = emails.slice(before).find((e) => e.to.some((to) => to.includes(email)));
      const token = /\/p\/#([A-Za-z0-9_-]+)/.exec(invitation?.text ?? '')?.[1];
      if (!check(token !== undefined, `shape check: no ${t.timepoint} invitation for ${participant.code} at ${t.invitedAt}`)) continue;
      clock.set(new Date(t.completedAt));
      const answers = answersOf(batteryOf(study, t.timepoint, deps.catalogue.find), index, t.timepoint, seed);
      await submitAnswers(deps, token!, { answers });
      await runDispatch(deps);
    }
    const actual = [
      ...(await queryAll(db, keys.study(study.id).pk, `PARTICIPANT#${participant.code}`)),
      ...(await queryAll(db, keys.study(study.id).pk, keys.instancePrefix(participant.code))),
    ];
    const expected = new Map(built.items.map((i) => [`${i.pk}|${i.sk}`, i]));
    const seen = new Map(actual.map((i) => [`${i.pk}|${i.sk}`, i]));
    for (const key of new Set([...expected.keys(), ...seen.keys()])) {
      const e = expected.get(key);
      const a = seen.get(key);
      compared++;
      if (e === undefined || a === undefined) check(false, `shape check: ${key} ${e === undefined ? 'written by the application but not by the bulk loader' : 'written by the bulk loader but not by the application'}`);
      else check(canonical(e) === canonical(a), `shape check: ${key} differs\n      bulk loader: ${canonical(e).slice(0, 600)}\n      application: ${canonical(a).slice(0, 600)}`);
    }
  }
  return { items: compared, alerts: emails.filter((e) => e.subject.toLowerCase().includes('alert')).length };
}

// ---------------------------------------------------------------------------------------------
// Load

interface Loaded {
  seconds: number;
  items: number;
  participants: number;
  instances: number;
  expectedRows: number;
  instanceBytes: number;
}

async function load(db: Db, deps: ReturnType<typeof buildDependencies>, study: Study, opts: Options): Promise<Loaded> {
  const started = performance.now();
  await deps.studies.createIfAbsent(study);
  // What allocateCode leaves after N enrolments.
  await db.doc.send(new PutCommand({ TableName: db.tables.research, Item: { ...keys.codeCounter(study.id), next: opts.participants } }));
  const result: Loaded = { seconds: 0, items: 0, participants: 0, instances: 0, expectedRows: 0, instanceBytes: 0 };
  const slice = 500;
  let logged = 0;
  for (let from = 0; from < opts.participants; from += slice) {
    const items: Record<string, unknown>[] = [];
    for (let i = from; i < Math.min(opts.participants, from + slice); i++) {
      const built = buildParticipant(study, i, opts.seed, deps.catalogue.find, deps.scoringPlugins);
      items.push(...built.items);
      result.participants++;
      result.instances += built.items.length - 1;
      result.expectedRows += built.rows;
      for (const item of built.items.slice(1)) result.instanceBytes += Buffer.byteLength(JSON.stringify(item));
    }
    await batchWrite(db, db.tables.research, items, opts.concurrency);
    result.items += items.length;
    if (result.participants - logged >= 2000 || result.participants === opts.participants) {
      logged = result.participants;
      const elapsed = (performance.now() - started) / 1000;
      log(`loaded ${fmtInt(result.participants)}/${fmtInt(opts.participants)} participants, ${fmtInt(result.items)} items, ${elapsed.toFixed(0)} s (${fmtInt(result.items / elapsed)} items/s)`);
    }
  }
  result.seconds = (performance.now() - started) / 1000;
  return result;
}

// ---------------------------------------------------------------------------------------------
// Measurements, each in a child process

/**
 * The peak resident set of a child: the largest of the kernel's high-water mark (VmHWM), getrusage's
 * maxRSS and the RSS sampled every 50 ms. The kernel updates its high-water mark lazily (on some
 * unmapping paths), so VmHWM alone can miss a peak that V8 has already given back; maxRSS also
 * takes the mark at thread exits. Taking the largest is the conservative reading.
 * But Linux carries getrusage's maxRSS across execve (signal->maxrss keeps the forked parent's
 * mark), so a child forked from this process (which holds dynalite and its tables) can start with
 * the parent's RSS as its maxRSS: it counts only if it rose above its value at the child's start.
 */
const peakRss = (r: MeasureResult): number =>
  Math.max(r.vmHwmKb * 1024, r.maxRssKb > r.atStart.maxRssKb ? r.maxRssKb * 1024 : 0, r.peakRss);

interface ChildRun {
  label: string;
  round: number;
  result: MeasureResult;
  /** This process's CPU (dynalite's work, mostly) during each pass of the child. */
  parentCpuSeconds: number[];
  parentProfile?: ProfileSummary;
}

const childScript = fileURLToPath(new URL('./lib/export-measure.ts', import.meta.url));

interface Runner {
  script: string;
  execArgv: string[];
  description: string;
  dispose(): void;
}

/**
 * How the children run. `bundle`: as the Lambda functions are built (infra/constructs/
 * timepoint-function.ts: esbuild, ESM, minified, source maps, the AWS SDK bundled, the
 * createRequire banner) and run (plain node, --enable-source-maps); code splitting keeps the
 * application out of the floor child. `tsx`: the TypeScript sources under tsx.
 */
async function prepareRunner(kind: 'bundle' | 'tsx'): Promise<Runner> {
  if (kind === 'tsx') {
    return { script: childScript, execArgv: process.execArgv, description: 'TypeScript sources under tsx (its loader thread is part of the RSS)', dispose: () => {} };
  }
  const dir = mkdtempSync(join(os.tmpdir(), 'export-bench-'));
  const started = performance.now();
  await build({
    entryPoints: [childScript],
    outdir: dir,
    outExtension: { '.js': '.mjs' },
    bundle: true,
    splitting: true,
    platform: 'node',
    format: 'esm',
    target: `node${process.versions.node.split('.')[0]}`,
    minify: true,
    sourcemap: true,
    mainFields: ['module', 'main'],
    banner: { js: "import { createRequire } from 'module';const require = createRequire(import.meta.url);" },
    logLevel: 'warning',
  });
  log(`bundled the measuring child with esbuild in ${fmtSeconds((performance.now() - started) / 1000)} (${dir})`);
  return {
    script: join(dir, 'export-measure.mjs'),
    execArgv: ['--enable-source-maps'],
    description: 'esbuild ESM bundle (minified, source maps, AWS SDK bundled, split so the floor loads no application code), plain node --enable-source-maps, as deployed',
    dispose: () => rmSync(dir, { recursive: true, force: true }),
  };
}

function runChild(runner: Runner, input: MeasureInput, round: number, profileDir: string | undefined): Promise<ChildRun> {
  return new Promise((resolve, reject) => {
    const child = fork(runner.script, [JSON.stringify(input)], {
      execArgv: runner.execArgv,
      env: { ...process.env, AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: 'true' },
      stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
    });
    const parentCpuSeconds: number[] = [];
    let cpu: NodeJS.CpuUsage | null = null;
    let session: Session | null = null;
    let parentProfile: ProfileSummary | undefined;
    let result: MeasureResult | undefined;
    let failure: string | undefined;
    let pending: Promise<void> = Promise.resolve();
    child.on('message', (message: { type: string; pass?: number; timed?: boolean; result?: MeasureResult; message?: string }) => {
      // Handled in order (profiler start and stop are asynchronous).
      pending = pending.then(async () => {
        if (message.type === 'pass-start') {
          if (message.timed && input.profile) {
            session = new Session();
            session.connect();
            await session.post('Profiler.enable');
            await session.post('Profiler.setSamplingInterval', { interval: 200 });
            await session.post('Profiler.start');
          }
          cpu = process.cpuUsage();
        } else if (message.type === 'pass-end') {
          const used = process.cpuUsage(cpu ?? undefined);
          parentCpuSeconds.push((used.user + used.system) / 1e6);
          if (session) {
            const { profile } = (await session.post('Profiler.stop')) as unknown as { profile: Parameters<typeof summariseProfile>[0] };
            session.disconnect();
            session = null;
            parentProfile = summariseProfile(profile, profileDir ? { dir: profileDir, name: `${input.label}-dynalite.cpuprofile` } : undefined);
          }
        } else if (message.type === 'result') result = message.result;
        else if (message.type === 'error') failure = message.message;
      });
    });
    child.on('error', reject);
    child.on('exit', (code) => {
      void pending.then(() => {
        if (result !== undefined) resolve({ label: input.label, round, result, parentCpuSeconds, ...(parentProfile ? { parentProfile } : {}) });
        else reject(new Error(`${input.label}: child exited with ${code}${failure ? `:\n${failure}` : ''}`));
      });
    });
  });
}

// ---------------------------------------------------------------------------------------------
// Verification of the export's content (untimed, in this process)

const cell = (v: unknown): string => (v === null || v === undefined ? '' : String(v));

type StoredInstance = {
  code: string;
  arm: string;
  timepoint: string;
  instruments: Array<{ id: string; version: string }>;
  scores: Array<{ instrument: string; scoringVersion: string; scales: Record<string, Record<string, unknown>> }>;
  completedAt: string;
};

/** The long rows of one participant, in the documented order, from their stored (or generated) items. */
function expectedRows(items: Record<string, unknown>[], timepointOrder: string[]): string[][] {
  const participant = items.find((i) => i.type === 'participant')!;
  const instances = (items.filter((i) => i.type === 'instance') as unknown as StoredInstance[]).sort(
    (a, b) => timepointOrder.indexOf(a.timepoint) - timepointOrder.indexOf(b.timepoint),
  );
  const rows: string[][] = [];
  for (const instance of instances) {
    for (const { id, version } of instance.instruments) {
      const score = instance.scores.find((s) => s.instrument === id)!;
      for (const [scale, s] of Object.entries(score.scales)) {
        rows.push([
          instance.code,
          String(participant.arm),
          instance.timepoint,
          id,
          version,
          score.scoringVersion,
          scale,
          cell(s.value),
          cell(s.raw),
          cell(s.se),
          cell(s.band),
          cell(s.status),
          cell(s.rule),
          cell(s.answered),
          cell(s.items),
          instance.completedAt,
        ]);
      }
    }
  }
  return rows;
}

interface Verification {
  rows: number;
  mismatches: number;
  sampled: number;
  sampledRows: number;
  storedEqual: number;
  statuses: Map<string, number>;
  bands: number;
  seconds: number;
}

/**
 * Runs the long export once more (untimed) through csv-parse and compares every row, in order,
 * with the rows expected from the generator (regenerated per participant, not kept in memory);
 * for `sample` participants spread over the study, reads their stored items back, checks they
 * equal the generated ones, and takes the expected rows from the stored scores instead.
 */
async function verifyExport(db: Db, deps: ReturnType<typeof buildDependencies>, study: Study, opts: Options, timepointOrder: string[]): Promise<Verification> {
  const started = performance.now();
  const order = Array.from({ length: opts.participants }, (_, i) => i).sort((a, b) => byCode(codeOf(a + 1), codeOf(b + 1)));
  const stride = opts.verifySample > 0 ? Math.max(1, Math.floor(opts.participants / opts.verifySample)) : Infinity;
  const sampled = new Set<number>();
  for (let i = 0; i < opts.participants && sampled.size < opts.verifySample; i += stride) sampled.add(i);

  const v: Verification = { rows: 0, mismatches: 0, sampled: 0, sampledRows: 0, storedEqual: 0, statuses: new Map(), bands: 0, seconds: 0 };
  const bands = new Set<string>();
  const file = await exportStudy(deps, 'staff:bench-verify@example.org', study.id, 'long', opts.pageSize !== undefined ? { pageSize: opts.pageSize } : {});
  const records = file.body.pipe(parse({ relax_column_count: false }));
  let header = true;
  let queue: string[][] = [];
  let next = 0;
  const refill = async () => {
    const index = order[next++]!;
    const built = buildParticipant(study, index, opts.seed, deps.catalogue.find, deps.scoringPlugins);
    let items = built.items;
    if (sampled.has(index)) {
      const stored = await Promise.all(
        built.items.map(async (i) => (await db.doc.send(new GetCommand({ TableName: db.tables.research, Key: { pk: i.pk, sk: i.sk }, ConsistentRead: true }))).Item),
      );
      v.sampled++;
      if (check(stored.every((s, k) => s !== undefined && canonical(s) === canonical(built.items[k])), `stored items of ${built.participant.code} differ from the generated ones`)) v.storedEqual++;
      items = stored.filter((s): s is Record<string, unknown> => s !== undefined);
      v.sampledRows += built.rows;
    }
    queue = expectedRows(items, timepointOrder);
  };
  for await (const record of records as AsyncIterable<string[]>) {
    if (header) {
      check(record.join(',') === longColumns.join(','), `export header ${record.join(',')} ≠ ${longColumns.join(',')}`);
      header = false;
      continue;
    }
    while (queue.length === 0 && next < order.length) await refill();
    const expected = queue.shift();
    v.rows++;
    v.statuses.set(record[11]!, (v.statuses.get(record[11]!) ?? 0) + 1);
    if (record[10]) bands.add(`${record[3]}.${record[6]}=${record[10]}`);
    if (expected === undefined || record.join('\u0001') !== expected.join('\u0001')) {
      v.mismatches++;
      if (v.mismatches <= 5) problems.push(`export row ${v.rows}: ${JSON.stringify(record)}\n      expected: ${JSON.stringify(expected ?? null)}`);
    }
  }
  while (queue.length === 0 && next < order.length) await refill();
  check(queue.length === 0 && next === order.length, `the export ended before participant ${next} of ${order.length} (${queue.length} rows of the current one missing)`);
  v.bands = bands.size;
  v.seconds = (performance.now() - started) / 1000;
  return v;
}

// ---------------------------------------------------------------------------------------------

async function main(): Promise<void> {
  const opts = options();
  const study = aygunStudy;
  const loadBefore = loadavg();
  const emulators = await startEmulators({ dynamoPort: 0, sesPort: 0 });
  try {
    const config = configFor(emulators, 'bench-export');
    const db = dbFor(config);
    await ensureTables(db);
    const deps = buildDependencies(config);
    const battery = batteryOf(study, 'baseline', deps.catalogue.find);

    // --- the data ------------------------------------------------------------------------------
    log('shape check: replaying 2 participants through enrolment, dispatch and submitAnswers in scratch tables');
    const shape = await shapeCheck(emulators, study, opts.seed);
    log(`loading ${fmtInt(opts.participants)} participants × 2 completed timepoints`);
    const loaded = await load(db, deps, study, opts);
    log(`loaded in ${fmtSeconds(loaded.seconds)}; counting items`);
    const pk = keys.study(study.id).pk;
    const counted = { participants: await countPrefix(db, pk, keys.participantPrefix), instances: await countPrefix(db, pk, keys.instancePrefix()) };
    check(counted.participants === opts.participants, `the table holds ${counted.participants} participants, expected ${opts.participants}`);
    check(counted.instances === 2 * opts.participants, `the table holds ${counted.instances} instances, expected ${2 * opts.participants}`);
    const expectedRows = loaded.expectedRows;

    // --- measurements --------------------------------------------------------------------------
    const runner = await prepareRunner(opts.runner);
    const runs: ChildRun[] = [];
    for (let round = 1; round <= opts.rounds; round++) {
      const order: Array<'floor' | 'export'> = round % 2 === 1 ? ['floor', 'export'] : ['export', 'floor'];
      for (const mode of order) {
        const label = `${mode}-round${round}`;
        log(`${label}: ${opts.passes} pass${opts.passes === 1 ? '' : 'es'} in a child process`);
        const run = await runChild(
          runner,
          {
            mode,
            endpoint: emulators.dynamoEndpoint,
            region: REGION,
            research: config.RESEARCH_TABLE,
            contacts: config.CONTACTS_TABLE,
            studyId: study.id,
            ...(opts.pageSize !== undefined ? { pageSize: opts.pageSize } : {}),
            passes: opts.passes,
            profile: opts.profile,
            ...(opts.profileDir ? { profileDir: opts.profileDir } : {}),
            label,
          },
          round,
          opts.profileDir,
        );
        const timed = run.result.passes.at(-1)!;
        log(`${label}: ${fmtInt(timed.rows)} rows in ${fmtSeconds(timed.seconds)} (${fmtInt(timed.rows / timed.seconds)} rows/s), peak RSS ${fmtMb(peakRss(run.result))}`);
        runs.push(run);
        for (const [k, pass] of run.result.passes.entries()) {
          check(pass.rows === expectedRows, `${label} pass ${k + 1}: ${pass.rows} rows, expected ${expectedRows}`);
          check(pass.instances === 2 * opts.participants, `${label} pass ${k + 1}: ${pass.instances} instances read, expected ${2 * opts.participants}`);
          if (mode === 'export') {
            check(pass.progressRows === expectedRows, `${label} pass ${k + 1}: onProgress counted ${pass.progressRows} rows, expected ${expectedRows}`);
            check(pass.header === longColumns.join(','), `${label} pass ${k + 1}: header ${pass.header}`);
          }
        }
      }
    }

    runner.dispose();

    // --- verify the export's content ---------------------------------------------------------
    log('verifying every row of one more (untimed) export against the generated and the stored scores');
    const timepointOrder = study.protocol.timepoints.map((t) => t.id);
    const verified = await verifyExport(db, deps, study, opts, timepointOrder);
    check(verified.rows === expectedRows, `verification export: ${verified.rows} rows, expected ${expectedRows}`);
    check(verified.mismatches === 0, `verification export: ${verified.mismatches} rows differ from the expected ones`);
    const loadAfter = loadavg();

    // --- report ------------------------------------------------------------------------------
    console.log('Export benchmark: the long export against reading the same items straight from the table (the floor)\n');
    console.log(machine().join('\n'));
    console.log(`Load avg:    ${loadBefore} before, ${loadAfter} after (1/5/15 min; on a shared machine expect noise)`);
    console.log(
      `Data:        study "${study.id}" (aygunStudy, stored with the study repository), ${fmtInt(opts.participants)} participants` +
        `${opts.participants === ISSUE_PARTICIPANTS ? '' : ` (NOT the issue's ${fmtInt(ISSUE_PARTICIPANTS)})`}, arms mbpm/waitlist round-robin, ` +
        `baseline and week 8 both completed: ${battery.map((i) => i.id).join(', ')} (${battery.reduce((t, i) => t + i.scoring.items.length, 0)} items, ` +
        `${battery.reduce((t, i) => t + i.scoring.scales.length, 0)} scales per timepoint); seed ${opts.seed}`,
    );
    console.log(
      `Loaded in:   ${fmtSeconds(loaded.seconds)} (${fmtInt(loaded.items)} items by BatchWriteItem, 25 per call, ${opts.concurrency} in flight: ` +
        `${fmtInt(loaded.items / loaded.seconds)} items/s; scores computed by scoreInstrument for every instance, in that time)`,
    );
    console.log(
      `Items:       ${fmtInt(counted.participants)} participants, ${fmtInt(counted.instances)} instances (mean ${(loaded.instanceBytes / loaded.instances / 1024).toFixed(1)} KiB as JSON), ` +
        `plus the study, its protocol, the code counter; long rows expected: ${fmtInt(expectedRows)} (${(expectedRows / loaded.instances).toFixed(0)} per instance)`,
    );
    console.log(
      `Shape check: ${shape.items} items of 2 participants (one per arm) replayed through enrolment, runDispatch and submitAnswers: ` +
        `${problems.some((p) => p.startsWith('shape')) ? 'MISMATCH' : 'identical to the bulk-loaded ones'} (${shape.alerts} safety alert${shape.alerts === 1 ? '' : 's'} raised on the way)`,
    );
    console.log(`Page size:   ${opts.pageSize === undefined ? "none (DynamoDB's 1 MB pages, as the API route and the CLI call exportStudy)" : opts.pageSize} for both readers\n`);

    const timedOf = (r: ChildRun) => r.result.passes.at(-1)!;
    console.log(
      `1. Rows per second (each row of this table is one child process: ${opts.passes - 1} untimed warm-up pass${opts.passes - 1 === 1 ? '' : 'es'}, then the timed pass; ` +
        'dynalite CPU = this process\'s CPU during the timed pass)',
    );
    console.log(
      table(
        ['run (in order)', 'rows', 'instances', 'pages', 'time', 'rows/s', 'child CPU', 'dynalite CPU', 'waiting for pages'],
        runs.map((r) => {
          const t = timedOf(r);
          return [
            r.label,
            fmtInt(t.rows),
            fmtInt(t.instances),
            fmtInt(t.pages),
            fmtSeconds(t.seconds),
            fmtInt(t.rows / t.seconds),
            fmtSeconds(t.cpuSeconds),
            fmtSeconds(r.parentCpuSeconds.at(-1) ?? 0),
            `${fmtSeconds(t.pageWaitSeconds)} (${((100 * t.pageWaitSeconds) / t.seconds).toFixed(0)}%)`,
          ];
        }),
      ),
    );
    const total = (mode: 'floor' | 'export') => {
      const rs = runs.filter((r) => r.result.mode === mode).map(timedOf);
      return { rows: rs.reduce((a, t) => a + t.rows, 0), seconds: rs.reduce((a, t) => a + t.seconds, 0), min: Math.min(...rs.map((t) => t.rows / t.seconds)), max: Math.max(...rs.map((t) => t.rows / t.seconds)) };
    };
    const floor = total('floor');
    const exp = total('export');
    const floorRate = floor.rows / floor.seconds;
    const exportRate = exp.rows / exp.seconds;
    console.log();
    console.log(
      table(
        ['path', 'rows (all rounds)', 'time', 'rows/s', 'min–max rows/s', 'ratio'],
        [
          ['floor: Query INSTANCE# pages with the SDK, count scales', fmtInt(floor.rows), fmtSeconds(floor.seconds), fmtInt(floorRate), `${fmtInt(floor.min)}–${fmtInt(floor.max)}`, '1.00'],
          ["exportStudy(…, 'long') → CSV → null sink", fmtInt(exp.rows), fmtSeconds(exp.seconds), fmtInt(exportRate), `${fmtInt(exp.min)}–${fmtInt(exp.max)}`, (exportRate / floorRate).toFixed(2)],
        ],
      ),
    );
    console.log();

    console.log(`2. Memory of each child process (children: ${runner.description})`);
    const mb = (kb: number) => fmtMb(kb * 1024);
    console.log(
      table(
        ['run', 'RSS before 1st pass', 'peak RSS', 'VmHWM', 'getrusage maxRSS', 'sampled RSS', 'peak V8 heap used', 'peak external'],
        runs.map((r) => [
          r.label,
          mb(r.result.idleRssKb),
          fmtMb(peakRss(r.result)),
          mb(r.result.vmHwmKb),
          r.result.maxRssKb > r.result.atStart.maxRssKb ? mb(r.result.maxRssKb) : `(${mb(r.result.maxRssKb)}, inherited)`,
          fmtMb(r.result.peakRss),
          fmtMb(r.result.peakHeapUsed),
          fmtMb(r.result.peakExternal),
        ]),
      ),
    );
    const exportPeak = Math.max(...runs.filter((r) => r.result.mode === 'export').map((r) => peakRss(r.result)));
    console.log(
      'RSS before 1st pass: after loading the modules and building the clients. Peak RSS: the largest of VmHWM (/proc/self/status), getrusage maxRSS ' +
        '(both read at the end; a maxRSS no higher than at the child\'s start is the forked parent\'s, carried across exec, and is left out) ' +
        'and the RSS sampled every 50 ms (with the V8 heap peaks): the kernel updates its high-water mark lazily, so no one of them is sure to catch the peak.\n',
    );

    console.log('Targets');
    const share = exportRate / floorRate;
    const targetRows = [
      [`long export ≥ ${TARGET_SHARE * 100}% of the raw read rate (rows/s)`, `${(share * 100).toFixed(1)}%`, share >= TARGET_SHARE ? 'MET' : 'MISSED'],
      [`exporter's peak RSS < ${TARGET_RSS_MB} MB`, fmtMb(exportPeak), exportPeak < TARGET_RSS_MB * 2 ** 20 ? 'MET' : 'MISSED'],
    ];
    console.log(table(['target', 'measured', 'result'], targetRows));
    console.log();

    // Where the export's time goes (always printed; the profile with --profile).
    const exportRuns = runs.filter((r) => r.result.mode === 'export');
    const floorRuns = runs.filter((r) => r.result.mode === 'floor');
    const mean = (rs: ChildRun[], f: (r: ChildRun) => number) => rs.reduce((a, r) => a + f(r), 0) / rs.length;
    const eSec = mean(exportRuns, (r) => timedOf(r).seconds);
    const ePart = mean(exportRuns, (r) => timedOf(r).participantsSeconds ?? 0);
    const eWait = mean(exportRuns, (r) => timedOf(r).pageWaitSeconds);
    const fSec = mean(floorRuns, (r) => timedOf(r).seconds);
    console.log(`Where the export's time goes (timed passes, mean over ${exportRuns.length} run${exportRuns.length === 1 ? '' : 's'}; the floor takes ${fmtSeconds(fSec)}, all of it waiting for pages)`);
    console.log(
      table(
        ['step', 'time', 'share'],
        [
          ['participant list (participants.list, read whole before the first row)', fmtSeconds(ePart), `${((100 * ePart) / eSec).toFixed(1)}%`],
          ['waiting for instance pages (round trip, dynalite, unmarshalling, toInstance)', fmtSeconds(eWait), `${((100 * eWait) / eSec).toFixed(1)}%`],
          ['the rest: grouping, long rows, csv-stringify, streams, study/protocol reads, audit entry', fmtSeconds(eSec - ePart - eWait), `${((100 * (eSec - ePart - eWait)) / eSec).toFixed(1)}%`],
          ['total', fmtSeconds(eSec), '100%'],
        ],
      ),
    );
    console.log(
      `CPU: exporter ${fmtSeconds(mean(exportRuns, (r) => timedOf(r).cpuSeconds))} + dynalite ${fmtSeconds(mean(exportRuns, (r) => r.parentCpuSeconds.at(-1) ?? 0))} per export; ` +
        `floor reader ${fmtSeconds(mean(floorRuns, (r) => timedOf(r).cpuSeconds))} + dynalite ${fmtSeconds(mean(floorRuns, (r) => r.parentCpuSeconds.at(-1) ?? 0))} per read. ` +
        'The reader and dynalite are separate processes, but each waits for the other (one page at a time), so their times add up.\n',
    );
    if (opts.profile) {
      const summarise = (rs: ChildRun[], pick: (r: ChildRun) => ProfileSummary | undefined) => {
        const byOwner = new Map<string, number>();
        const self = new Map<string, number>();
        for (const r of rs) {
          const p = pick(r);
          for (const [o, ms] of p?.byOwner ?? []) byOwner.set(o, (byOwner.get(o) ?? 0) + ms / rs.length);
          for (const [f, ms] of p?.topSelf ?? []) self.set(f, (self.get(f) ?? 0) + ms / rs.length);
        }
        return { byOwner, self };
      };
      const ec = summarise(exportRuns, (r) => r.result.profile);
      const ed = summarise(exportRuns, (r) => r.parentProfile);
      const fc = summarise(floorRuns, (r) => r.result.profile);
      const fd = summarise(floorRuns, (r) => r.parentProfile);
      console.log(`CPU time of the timed passes by owner (sampled every 200 µs; ms per pass, mean over rounds${opts.profileDir ? `; profiles in ${opts.profileDir}` : ''})`);
      const ms = (m: Map<string, number>, o: string) => `${(m.get(o) ?? 0).toFixed(0)} ms`;
      console.log(
        table(
          ['owner', 'export: child', 'export: dynalite process', 'floor: child', 'floor: dynalite process'],
          OWNERS.map((o) => [o, ms(ec.byOwner, o), ms(ed.byOwner, o), ms(fc.byOwner, o), ms(fd.byOwner, o)]),
        ),
      );
      console.log('\nExporter child: functions with the most self time (ms per pass)');
      console.log(table(['function', 'self'], [...ec.self].sort(([, a], [, b]) => b - a).slice(0, 12).map(([f, m]) => [f, `${m.toFixed(0)} ms`])));
      console.log();
    }

    console.log('Verification');
    console.log(
      [
        `  data: ${fmtInt(counted.participants)} participant and ${fmtInt(counted.instances)} instance items in the table (Query COUNT); 2 participants replayed through the real use cases left exactly the bulk loader's items`,
        `  every pass of every child read ${fmtInt(2 * opts.participants)} instances and counted ${fmtInt(expectedRows)} rows (floor: scales of the stored scores; export: CSV lines after the header, and exportStudy's own onProgress count); the export's header is longColumns`,
        `  one more export (untimed, through csv-parse): ${fmtInt(verified.rows)} rows, every one equal, in order, to the row expected from the generated scores ` +
          `(${verified.mismatches} differ); statuses ${[...verified.statuses].map(([s, n]) => `${s} ${fmtInt(n)}`).join(', ')}; ${verified.bands} distinct instrument.scale=band values; ${fmtSeconds(verified.seconds)}`,
        `  spot check against the table: ${verified.sampled} participants spread over the study read back with GetItem: ${verified.storedEqual} stored exactly as generated; ` +
          `their ${fmtInt(verified.sampledRows)} rows checked against the stored scores`,
      ].join('\n'),
    );
    if (opts.json !== undefined) {
      writeBenchJson(opts.json, {
        bench: 'export',
        title: 'Long export against a raw read of the same items',
        targets: [
          { name: `long export rate (${fmtInt(opts.participants)} participants × 2 timepoints)`, measured: `${fmtInt(exportRate)} rows/s`, floor: `${fmtInt(floorRate)} rows/s (SDK Query)`, ratio: share, target: `≥ ${TARGET_SHARE}× the raw read rate`, met: share >= TARGET_SHARE },
          { name: "exporter's peak RSS", measured: fmtMb(exportPeak), target: `< ${TARGET_RSS_MB} MB`, met: exportPeak < TARGET_RSS_MB * 2 ** 20 },
        ],
        notes: [`${fmtInt(verified.rows)} exported rows checked against the generated scores (${verified.mismatches} differ); children: ${runner.description}`],
        valid: problems.length === 0,
      });
    }
    if (problems.length > 0) {
      console.log('\nINVALID: the benchmark did not do what it claims:');
      for (const p of problems) console.log(`  - ${p}`);
      process.exitCode = 1;
    }
  } finally {
    await emulators.stop();
  }
}

await main();
