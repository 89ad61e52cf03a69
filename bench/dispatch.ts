/**
 * Dispatch benchmark: 100,000 enrolled participants, 2,000 of them with an invitation due now.
 *
 * 1. Reads: items the dispatcher's due-index query (queryDue, 'MESSAGE', all shards) actually
 *    reads, against a full Scan of the same table that finds the same due messages.
 * 2. Sends: invitations per minute through the real runDispatch (real repositories on dynalite,
 *    real SES mailer) against the raw SendRawEmail rate of the same SES emulator, in the same run.
 *
 *   npx tsx bench/dispatch.ts [--participants 100000] [--due 2000] [--emails <due>] [--warmup 200]
 *                             [--concurrency 8] [--limit <runDispatch default>] [--seed 20251125]
 *                             [--now 2025-11-25T14:00:00.000Z] [--profile] [--profile-dir <dir>]
 *
 * It measures; it does not assert: the exit code is 0 whether or not the targets are met. It is 1
 * only when the benchmark itself is invalid (bad options, or a check of the data or of the work
 * done failed). See bench/README.md.
 */
import { createHash } from 'node:crypto';
import { oneClickUnsubscribeUrl, participantLink, unsubscribePageLink } from '../functions/core/email/links';
import { execFileSync } from 'node:child_process';
import { createRequire } from 'node:module';
import os from 'node:os';
import { parseArgs } from 'node:util';
import v8 from 'node:v8';
import vm from 'node:vm';
import { SESClient, SendRawEmailCommand } from '@aws-sdk/client-ses';
import { PutCommand, QueryCommand, ScanCommand, type ScanCommandInput } from '@aws-sdk/lib-dynamodb';
import { createDb, type Db } from '../functions/adapters/dynamodb/client';
import { ensureTables } from '../functions/adapters/dynamodb/create-tables';
import { DUE_SHARDS, keys } from '../functions/adapters/dynamodb/keys';
import { composeMime } from '../functions/adapters/ses/ses-mailer';
import { cryptoSecrets } from '../functions/adapters/system/crypto-secrets';
import { loadConfig, type Config } from '../functions/config';
import { formatMailbox } from '../functions/core/email/html';
import { renderParticipantEmail } from '../functions/core/email/templates';
import type { Mailer, OutgoingEmail } from '../functions/core/ports';
import type { Study } from '../functions/core/study/study';
import { demoStudy } from '../functions/demo/demo-study';
import { buildDependencies } from '../functions/dependencies';
import type { AppDeps } from '../functions/http/env';
import { runDispatch, type DispatchReport } from '../functions/use-cases/dispatch';
import { startEmulators, type Emulators } from '../scripts/local/emulators';
import { CATEGORIES, StretchProfiler } from './lib/cpu-profile';
import { writeBenchJson } from './lib/bench-json';
import { recordDynamoCalls, type CallStats } from './lib/db-calls';
import {
  batchWrite,
  contactItems,
  enrolThroughRepositories,
  nineAm,
  pool,
  population,
  researchItems,
  type Member,
} from './lib/dispatch-population';
import { exitWithUsage, integerParser } from './lib/cli';
import { fmtInt, loadavg, table } from './lib/latency';

/**
 * A full garbage collection before each timed stretch, so no stretch pays for the garbage of what
 * ran before it (the load, the Scan). Its own garbage it still pays for.
 */
v8.setFlagsFromString('--expose-gc');
const collectGarbage = vm.runInNewContext('gc') as () => void;

// Installed before any client exists: every document client createDb builds from here on is counted.
const calls = recordDynamoCalls();

const TARGET_READ_RATIO = 1.2;
const TARGET_SEND_SHARE = 0.8;
const HISTORY_CLAIMANT = 'dispatcher:00000000-0000-4000-8000-000000000000';

const USAGE = `usage: npx tsx bench/dispatch.ts [options]
  --participants <n>   enrolled participants (default 100000)
  --due <n>            of them, participants whose baseline invitation is due now (default 2000)
  --emails <n>         raw SendRawEmail calls for the baseline (default: --due)
  --warmup <n>         participants for an untimed warm-up dispatch pass (and as many raw sends) before
                       the measured rounds; part of --participants (default 200)
  --concurrency <k>    BatchWriteItem calls in flight while loading (default 8)
  --limit <n>          runDispatch's limit: items of each kind per batch (default: its own, 500)
  --seed <int>         PRNG seed for enrolment times (default 20251125)
  --now <iso>          the fixed "now" of the measured passes (default 2025-11-25T14:00:00.000Z)
  --profile            CPU-profile the measured dispatcher passes and raw sends (in-process, node:inspector)
                       and print where the CPU time goes; rates are then measured under the profiler
  --profile-dir <dir>  also write the .cpuprofile files there (implies --profile)
  --json <file>        also write the verdicts as JSON (the contract of bench/lib/bench-json.ts)`;

function options() {
  const { values } = parseArgs({
    options: {
      participants: { type: 'string', default: '100000' },
      due: { type: 'string', default: '2000' },
      emails: { type: 'string' },
      warmup: { type: 'string', default: '200' },
      concurrency: { type: 'string', default: '8' },
      limit: { type: 'string' },
      seed: { type: 'string', default: '20251125' },
      now: { type: 'string', default: '2025-11-25T14:00:00.000Z' },
      profile: { type: 'boolean', default: false },
      'profile-dir': { type: 'string' },
      json: { type: 'string' },
      help: { type: 'boolean', short: 'h', default: false },
    },
    strict: true,
  });
  if (values.help) exitWithUsage(USAGE);
  const fail = (message: string): never => {
    console.error(`${message}\n${USAGE}`);
    process.exit(1);
  };
  const int = integerParser(USAGE);
  const participants = int('participants', values.participants, 1);
  const due = int('due', values.due, 1);
  const warmup = int('warmup', values.warmup, 0);
  if (due + warmup > participants) fail(`--due + --warmup (${due + warmup}) must not exceed --participants (${participants})`);
  const now = new Date(values.now);
  if (Number.isNaN(now.getTime())) fail(`--now must be an ISO instant (got ${values.now})`);
  // Due participants enrol between 09:00 and now, warm-up ones before 09:00: now must leave room.
  if (now.getTime() - nineAm(now).getTime() < 60_000) fail('--now must be at least a minute after 09:00 UTC');
  return {
    participants,
    due,
    emails: values.emails === undefined ? due : int('emails', values.emails, 1),
    warmup,
    concurrency: int('concurrency', values.concurrency, 1),
    limit: values.limit === undefined ? undefined : int('limit', values.limit, 1),
    seed: int('seed', values.seed, 0),
    now,
    profile: values.profile || values['profile-dir'] !== undefined,
    profileDir: values['profile-dir'],
    json: values.json,
  };
}

type Options = ReturnType<typeof options>;

// ---------------------------------------------------------------------------------------------
// Reporting helpers (the same house style as bench/scoring.ts)

function machine(): string[] {
  const cpus = os.cpus();
  const lines = [
    `CPU:         ${cpus[0]?.model.trim() ?? 'unknown'} (${os.availableParallelism?.() ?? cpus.length} logical cores)`,
    `Node:        ${process.version} (V8 ${process.versions.v8}), ${os.platform()} ${os.release()} ${os.arch()}`,
    `Memory:      ${(os.totalmem() / 2 ** 30).toFixed(1)} GiB`,
    `Emulators:   dynalite ${packageVersion('dynalite')}, aws-ses-v2-local ${packageVersion('aws-ses-v2-local')}, in this process (scripts/local/emulators.ts)`,
  ];
  try {
    const commit = execFileSync('git', ['rev-parse', '--short', 'HEAD'], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] }).trim();
    const dirty = execFileSync('git', ['status', '--porcelain', '--', 'functions'], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] }).trim();
    lines.push(`Code:        commit ${commit}${dirty ? ' + uncommitted changes in functions/' : ''}`);
  } catch {
    // Not a git checkout: leave the line out.
  }
  return lines;
}

function packageVersion(name: string): string {
  try {
    return (createRequire(import.meta.url)(`${name}/package.json`) as { version: string }).version;
  } catch {
    return '?';
  }
}

const fmtSeconds = (s: number): string => (s >= 1 ? `${s.toFixed(2)} s` : `${(s * 1000).toFixed(0)} ms`);
const fmtMs = (ms: number): string => `${ms.toFixed(ms >= 10 ? 1 : 2)} ms`;
const log = (message: string) => process.stderr.write(`[dispatch-bench] ${message}\n`);

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
    AWS_REGION: 'eu-west-2',
    DYNAMODB_ENDPOINT: emulators.dynamoEndpoint,
    SES_ENDPOINT: emulators.sesEndpoint,
  });
}

function dbFor(config: Config): Db {
  return createDb({ region: config.AWS_REGION, endpoint: config.DYNAMODB_ENDPOINT! }, { research: config.RESEARCH_TABLE, contacts: config.CONTACTS_TABLE });
}

/** A clock the benchmark moves by hand. */
function manualClock(start: Date) {
  let at = start.getTime();
  return { now: () => new Date(at), set: (d: Date) => void (at = d.getTime()) };
}

/** Every item of a table (Scan, all pages), optionally projected; returns the items and the summed ScannedCount. */
async function scanAll(db: Db, input: ScanCommandInput): Promise<{ items: Record<string, unknown>[]; scanned: number; pages: number }> {
  const items: Record<string, unknown>[] = [];
  let scanned = 0;
  let pages = 0;
  let ExclusiveStartKey: ScanCommandInput['ExclusiveStartKey'];
  do {
    const page = await db.doc.send(new ScanCommand({ ...input, ExclusiveStartKey }));
    items.push(...(page.Items ?? []));
    scanned += page.ScannedCount ?? 0;
    pages++;
    ExclusiveStartKey = page.LastEvaluatedKey;
  } while (ExclusiveStartKey !== undefined);
  return { items, scanned, pages };
}

// ---------------------------------------------------------------------------------------------
// Shape check: background items == what the application itself writes

/**
 * Replays the three first background participants (one per arm) through the real code in scratch
 * tables (enrolment through the repositories, then a real dispatcher pass at every send time and
 * window close up to `now`, with a stub mailer), and compares every research and contacts item
 * with what the bulk builder writes for them. Only the SES message id and the claimant id (random
 * in the real run) may differ.
 */
async function shapeCheck(emulators: Emulators, study: Study, members: Member[], now: Date): Promise<number> {
  const config = configFor(emulators, 'bench-shape');
  const db = dbFor(config);
  await ensureTables(db);
  const clock = manualClock(new Date(0));
  let sent = 0;
  const stubMailer: Mailer = { send: async () => ({ messageId: `stub-${++sent}` }) };
  const deps = buildDependencies(config, { clock, mailer: stubMailer, dispatch: { maxSendRate: Infinity, sleep: async () => {} } });
  await deps.studies.createIfAbsent(study);

  const probes = study.arms.map((arm) => members.find((m) => m.role === 'background' && m.participant.arm === arm.id)).filter((m): m is Member => m !== undefined);
  const expected = new Map<string, Record<string, unknown>>();
  const events = new Set<string>();
  for (const probe of probes) {
    clock.set(new Date(probe.participant.enrolledAt));
    await enrolThroughRepositories(deps, probe);
    for (const item of researchItems(study.protocol, probe.participant, now, HISTORY_CLAIMANT)) {
      expected.set(`research|${item.pk}|${item.sk}`, item);
      if (item.type === 'message' && (item.sendAt as string) <= now.toISOString()) events.add(item.sendAt as string);
      if (item.type === 'instance' && (item.closesAt as string) <= now.toISOString()) events.add(item.closesAt as string);
    }
    for (const item of contactItems(probe)) expected.set(`contacts|${item.pk}|${item.sk}`, item);
  }
  for (const at of [...events].sort()) {
    clock.set(new Date(at));
    await runDispatch(deps);
  }

  const actual = new Map<string, Record<string, unknown>>();
  for (const [table, name] of [['research', config.RESEARCH_TABLE], ['contacts', config.CONTACTS_TABLE]] as const) {
    for (const item of (await scanAll(db, { TableName: name })).items) {
      if (['participant', 'instance', 'message', 'contact', 'email-reservation'].includes(item.type as string)) actual.set(`${table}|${item.pk}|${item.sk}`, item);
    }
  }
  const canonical = (item: Record<string, unknown>) =>
    JSON.stringify(Object.fromEntries(Object.entries(item).sort(([a], [b]) => a.localeCompare(b)).map(([k, v]) => [k, k === 'providerId' || k === 'claimedBy' ? typeof v : v])));
  let compared = 0;
  for (const key of new Set([...expected.keys(), ...actual.keys()])) {
    const e = expected.get(key);
    const a = actual.get(key);
    compared++;
    if (e === undefined || a === undefined) check(false, `shape check: ${key} ${e === undefined ? 'written by the application but not by the bulk loader' : 'written by the bulk loader but not by the application'}`);
    else check(canonical(e) === canonical(a), `shape check: ${key} differs\n      bulk loader: ${canonical(e)}\n      application: ${canonical(a)}`);
  }
  return compared;
}

// ---------------------------------------------------------------------------------------------
// Load

interface LoadResult {
  seconds: number;
  bulkSeconds: number;
  repositorySeconds: number;
  bulkResearch: number;
  bulkContacts: number;
  enrolledThroughRepositories: number;
}

async function load(deps: AppDeps, db: Db, study: Study, members: Member[], now: Date, concurrency: number): Promise<LoadResult> {
  const started = performance.now();
  await deps.studies.createIfAbsent(study);
  // What allocateCode leaves after N enrolments.
  await db.doc.send(new PutCommand({ TableName: db.tables.research, Item: { ...keys.codeCounter(study.id), next: members.length } }));

  const background = members.filter((m) => m.role === 'background');
  let bulkResearch = 0;
  let bulkContacts = 0;
  // In slices, so the whole item list never sits in memory at once.
  const slice = 5000;
  for (let i = 0; i < background.length; i += slice) {
    const part = background.slice(i, i + slice);
    const research = part.flatMap((m) => researchItems(study.protocol, m.participant, now, HISTORY_CLAIMANT));
    const contacts = part.flatMap(contactItems);
    await Promise.all([batchWrite(db, db.tables.research, research, concurrency), batchWrite(db, db.tables.contacts, contacts, Math.max(1, concurrency >> 2))]);
    bulkResearch += research.length;
    bulkContacts += contacts.length;
    const done = Math.min(i + slice, background.length);
    const elapsed = (performance.now() - started) / 1000;
    log(`bulk: ${fmtInt(done)}/${fmtInt(background.length)} participants, ${fmtInt(bulkResearch + bulkContacts)} items, ${elapsed.toFixed(0)} s (${fmtInt((bulkResearch + bulkContacts) / elapsed)} items/s)`);
  }
  const bulkSeconds = (performance.now() - started) / 1000;

  const viaRepositories = members.filter((m) => m.role !== 'background');
  const repoStarted = performance.now();
  await pool(viaRepositories, concurrency, (m) => enrolThroughRepositories(deps, m));
  const repositorySeconds = (performance.now() - repoStarted) / 1000;
  log(`enrolled ${fmtInt(viaRepositories.length)} participants through the repositories in ${fmtSeconds(repositorySeconds)}`);
  return { seconds: (performance.now() - started) / 1000, bulkSeconds, repositorySeconds, bulkResearch, bulkContacts, enrolledThroughRepositories: viaRepositories.length };
}

// ---------------------------------------------------------------------------------------------
// Sending

/** The email the dispatcher would render for one invitation (same template, headers, token lengths). */
function invitationEmail(study: Study, baseUrl: string, to: string, closesAt: string, timezone: string, code: string): OutgoingEmail {
  const timepoint = study.protocol.timepoints.find((t) => t.id === 'baseline')!;
  const token = cryptoSecrets.token();
  const unsubscribeToken = cryptoSecrets.token();
  const key = `${study.id}|${code}|baseline|invitation|0`;
  return {
    from: formatMailbox(study.sender.name, study.sender.email),
    to: [to],
    messageId: `<${createHash('sha256').update(key).digest('hex').slice(0, 32)}@${study.sender.email.split('@')[1]}>`,
    headers: { 'List-Unsubscribe': `<${oneClickUnsubscribeUrl(baseUrl, unsubscribeToken)}>`, 'List-Unsubscribe-Post': 'List-Unsubscribe=One-Click' },
    ...renderParticipantEmail({ study, timepoint, kind: 'invitation', link: participantLink(baseUrl, token), unsubscribeLink: unsubscribePageLink(baseUrl, unsubscribeToken), closesAt, timezone }),
  };
}

/** The raw baseline: SendRawEmail straight to the emulator, one after another, nothing around it. */
function rawSender(config: Config, mime: Uint8Array) {
  // The same client settings as createSesMailer.
  const client = new SESClient({
    region: config.AWS_REGION,
    endpoint: config.SES_ENDPOINT!,
    credentials: { accessKeyId: 'local', secretAccessKey: 'local' },
    requestHandler: { requestTimeout: 10_000, connectionTimeout: 3_000 },
    maxAttempts: 3,
  });
  let n = 0;
  const ids: string[] = [];
  return {
    ids,
    cpuSeconds: 0,
    async send(count: number): Promise<number> {
      const cpu = process.cpuUsage();
      const started = performance.now();
      for (let i = 0; i < count; i++) {
        const { MessageId } = await client.send(new SendRawEmailCommand({ RawMessage: { Data: mime }, Destinations: [`raw-${++n}@participants.example.org`] }));
        ids.push(MessageId!);
      }
      const seconds = (performance.now() - started) / 1000;
      const used = process.cpuUsage(cpu);
      this.cpuSeconds += (used.user + used.system) / 1e6;
      return seconds;
    },
  };
}

/** Wraps the mailer buildDependencies made (the real SES mailer), timing its sends and keeping the first email. */
function timeMailer(deps: AppDeps) {
  const real = deps.mailer;
  const stats = { sends: 0, ms: 0, first: null as OutgoingEmail | null };
  deps.mailer = {
    async send(email) {
      stats.first ??= email;
      const started = performance.now();
      try {
        return await real.send(email);
      } finally {
        stats.ms += performance.now() - started;
        stats.sends++;
      }
    },
  };
  return stats;
}

const emptyReport = (): DispatchReport => ({ planned: 0, followedUp: 0, expired: 0, sent: 0, skipped: 0, retried: 0, failed: 0, recovered: 0, auditsRecovered: 0, held: 0, leftAlone: 0 });
const addReports = (a: DispatchReport, b: DispatchReport): DispatchReport =>
  Object.fromEntries(Object.keys(a).map((k) => [k, a[k as keyof DispatchReport] + b[k as keyof DispatchReport]])) as unknown as DispatchReport;

// ---------------------------------------------------------------------------------------------

async function main(): Promise<void> {
  const opts = options();
  const study = demoStudy;
  const now = opts.now;
  const nine = nineAm(now);
  const loadBefore = loadavg();
  const emulators = await startEmulators({ dynamoPort: 0, sesPort: 0 });
  try {
    const config = configFor(emulators, 'bench');
    const db = dbFor(config);
    await ensureTables(db);
    const clock = manualClock(now);
    const deps = buildDependencies(config, { clock, dispatch: { maxSendRate: Infinity, sleep: async () => {} } });
    const mailer = timeMailer(deps);
    const dispatchOptions = opts.limit === undefined ? undefined : { limit: opts.limit };
    const members = population(study, { participants: opts.participants, due: opts.due, warmup: opts.warmup, now, seed: opts.seed });
    const dueMembers = members.filter((m) => m.role === 'due');

    // --- the data ------------------------------------------------------------------------------
    log('shape check: replaying 3 participants through the real code in scratch tables');
    const shapeItems = await shapeCheck(emulators, study, members, now);
    log(`loading ${fmtInt(opts.participants)} participants (${fmtInt(opts.due)} due, ${fmtInt(opts.warmup)} warm-up)`);
    const loaded = await load(deps, db, study, members, now, opts.concurrency);

    log('counting items (Scan of both tables)');
    const research = await scanAll(db, { TableName: db.tables.research, ProjectionExpression: '#t, duePk, dueSk', ExpressionAttributeNames: { '#t': 'type' } });
    const contacts = await scanAll(db, { TableName: db.tables.contacts, Select: 'COUNT' });
    const byType = new Map<string, number>();
    const indexed = new Map<string, { total: number; dueNow: number }>();
    for (const item of research.items) {
      const type = item.type === undefined ? 'code counter' : String(item.type);
      byType.set(type, (byType.get(type) ?? 0) + 1);
      if (item.duePk !== undefined) {
        const kind = String(item.duePk).split('#')[1]!;
        const e = indexed.get(kind) ?? { total: 0, dueNow: 0 };
        e.total++;
        if (String(item.dueSk) <= keys.dueUpTo(now.toISOString())) e.dueNow++;
        indexed.set(kind, e);
      }
    }

    // --- verify before measuring ---------------------------------------------------------------
    clock.set(nine);
    const warmDue = await deps.messages.listDue(nine, opts.participants);
    check(warmDue.length === opts.warmup, `before the warm-up: ${warmDue.length} messages due at 09:00, expected ${opts.warmup}`);

    // --- warm-up: raw sends and a dispatcher pass, untimed ---------------------------------------
    const sample = dueMembers[0]!;
    const sampleInstance = await deps.instances.get(study.id, sample.code, 'baseline');
    const baselineEmail = invitationEmail(study, config.TIMEPOINT_BASE_URL, sample.email, sampleInstance!.closesAt, sample.participant.timezone, sample.code);
    const mime = await composeMime(baselineEmail);
    const raw = rawSender(config, mime);
    log(`warm-up: ${opts.warmup} raw sends and a dispatcher pass at 09:00 over ${opts.warmup} invitations`);
    if (opts.warmup > 0) await raw.send(opts.warmup);
    let warmReport = emptyReport();
    while (warmReport.sent < opts.warmup) {
      const r = await runDispatch(deps, dispatchOptions);
      warmReport = addReports(warmReport, r);
      if (r.sent === 0) break;
    }
    check(warmReport.sent === opts.warmup && warmReport.skipped + warmReport.failed + warmReport.retried === 0, `warm-up pass: ${JSON.stringify(warmReport)}, expected ${opts.warmup} sent`);
    const warmupEmails = raw.ids.length + warmReport.sent;
    const raw0 = raw.ids.length;
    const mailerBefore = { sends: mailer.sends, ms: mailer.ms };

    clock.set(now);
    const dueNow = await deps.messages.listDue(now, opts.participants);
    const dueCodes = new Set(dueMembers.map((m) => m.code));
    check(dueNow.length === opts.due, `before measuring: ${dueNow.length} messages due at now, expected exactly ${opts.due}`);
    check(
      dueNow.every((m) => m.kind === 'invitation' && m.timepoint === 'baseline' && m.status === 'planned' && dueCodes.has(m.code)) && new Set(dueNow.map((m) => m.code)).size === dueNow.length,
      'before measuring: the due messages are not exactly one planned baseline invitation per due participant',
    );
    const otherWork = {
      LEASE: (await deps.messages.listExpiredLeases(now, 10)).length,
      PLAN: (await deps.participants.listPlanRequests(now, 10)).length,
      EXPIRE: (await deps.instances.listDueExpiries(now, 10)).length,
      DONE: (await deps.instances.listPendingCompletions(now, 10)).length,
    };
    check(Object.values(otherWork).every((n) => n === 0), `before measuring: other work due at now ${JSON.stringify(otherWork)}, expected none`);

    // --- 1. reads: the due query against a full Scan ----------------------------------------------
    log('query measure');
    // Items in the table now (the warm-up sends added their link, unsubscribe and SES-id items): the Scan must read them all.
    const tableNow = (await scanAll(db, { TableName: db.tables.research, Select: 'COUNT' })).scanned;
    let started = performance.now();
    const allDue = await calls.measure(() => deps.messages.listDue(now, opts.due));
    const allDueSeconds = (performance.now() - started) / 1000;
    const allDueReads = calls.due('MESSAGE');
    const batchLimit = opts.limit ?? 500;
    started = performance.now();
    const oneBatch = await calls.measure(() => deps.messages.listDue(now, batchLimit));
    const oneBatchSeconds = (performance.now() - started) / 1000;
    const oneBatchReads = calls.due('MESSAGE');
    started = performance.now();
    const scan = await calls.measure(() =>
      scanAll(db, {
        TableName: db.tables.research,
        FilterExpression: 'begins_with(duePk, :kind) AND dueSk <= :upTo',
        ExpressionAttributeValues: { ':kind': 'DUE#MESSAGE#', ':upTo': keys.dueUpTo(now.toISOString()) },
      }),
    );
    const scanSeconds = (performance.now() - started) / 1000;
    const scanReads = calls.command('Scan');
    const keyOf = (m: { studyId: string; code: string; timepoint: string; kind: string; n: number }) => `${m.code}|${m.timepoint}|${m.kind}|${m.n}`;
    const indexKeys = new Set(allDue.map(keyOf));
    check(allDue.length === opts.due, `due query returned ${allDue.length}, expected ${opts.due}`);
    check(scan.items.length === opts.due && scan.items.every((i) => indexKeys.has(keyOf(i as never))), `the Scan found ${scan.items.length} due messages, not the same ${opts.due} as the index`);
    check(scanReads.scanned === tableNow, `the Scan read ${scanReads.scanned} items, but the table holds ${tableNow}`);
    check(oneBatch.length === Math.min(batchLimit, opts.due), `one batch's due query returned ${oneBatch.length}, expected ${Math.min(batchLimit, opts.due)}`);

    // --- 2. sends: raw SendRawEmail against runDispatch, alternating ------------------------------
    // Raw, dispatch, raw (A-B-A): the raw baseline brackets the dispatch, half before and half after,
    // so both see the same JIT state, emulator store size and machine noise on average.
    const rawBefore = Math.ceil(opts.emails / 2);
    log(`send measure: ${rawBefore} raw sends, dispatcher passes until all ${opts.due} are sent, ${opts.emails - rawBefore} raw sends`);
    const stretches: Array<{ what: 'raw' | 'dispatch'; label: string; count: number; seconds: number; report?: DispatchReport }> = [];
    let dispatchTotal = emptyReport();
    let dispatchCpuSeconds = 0;
    const rawCpuBefore = raw.cpuSeconds;
    calls.reset();
    const profiler = opts.profile ? new StretchProfiler(opts.profileDir) : null;
    const profiled = <T>(label: string, work: () => Promise<T>) => (profiler ? profiler.profile(label, work) : work());
    const rawStretch = async (label: string, count: number) => {
      if (count === 0) return;
      collectGarbage();
      const seconds = await profiled('raw', () => raw.send(count));
      stretches.push({ what: 'raw', label, count, seconds });
      log(`${label}: ${count} in ${fmtSeconds(seconds)}`);
    };
    await rawStretch('raw, before', rawBefore);
    for (let pass = 1; dispatchTotal.sent < opts.due; pass++) {
      if (pass > Math.ceil(opts.due / batchLimit) + 5) {
        check(false, `dispatch did not finish: ${dispatchTotal.sent} sent after ${pass - 1} passes`);
        break;
      }
      collectGarbage();
      const { report, seconds } = await profiled('dispatch', async () => {
        calls.recording = true;
        const cpu = process.cpuUsage();
        const t0 = performance.now();
        try {
          return { report: await runDispatch(deps, dispatchOptions), seconds: (performance.now() - t0) / 1000 };
        } finally {
          calls.recording = false;
          const used = process.cpuUsage(cpu);
          dispatchCpuSeconds += (used.user + used.system) / 1e6;
        }
      });
      dispatchTotal = addReports(dispatchTotal, report);
      stretches.push({ what: 'dispatch', label: `runDispatch pass ${pass}`, count: report.sent, seconds, report });
      log(`dispatch pass ${pass}: sent ${report.sent} in ${fmtSeconds(seconds)}`);
      if (report.sent === 0) {
        check(false, `a dispatcher pass sent nothing with ${opts.due - dispatchTotal.sent} invitations left`);
        break;
      }
    }
    await rawStretch('raw, after', opts.emails - rawBefore);
    profiler?.stop();
    const dispatchCalls = new Map(calls.byCommand);
    const dispatchDbBusyMs = calls.busyMs;
    const rawCpuSeconds = raw.cpuSeconds - rawCpuBefore;
    const dispatchDueReads = calls.due('MESSAGE');
    const mailerDuring = { sends: mailer.sends - mailerBefore.sends, ms: mailer.ms - mailerBefore.ms };

    // --- verify the work ---------------------------------------------------------------------
    log('verifying the ledger and the emulator store');
    const finalPass = await runDispatch(deps, dispatchOptions);
    check(Object.values(finalPass).every((n) => n === 0), `a further pass at now still found work: ${JSON.stringify(finalPass)}`);
    check(
      dispatchTotal.sent === opts.due && dispatchTotal.skipped + dispatchTotal.failed + dispatchTotal.retried + dispatchTotal.recovered + dispatchTotal.planned + dispatchTotal.expired + dispatchTotal.followedUp === 0,
      `dispatch reports ${JSON.stringify(dispatchTotal)}, expected exactly ${opts.due} sent and nothing else`,
    );
    check((await deps.messages.listDue(now, opts.participants)).length === 0, 'messages still due after the dispatch');
    const providerIds = new Map<string, Member>();
    let ledgerOk = 0;
    await pool(dueMembers, 8, async (m) => {
      const [messages, instance] = await Promise.all([deps.messages.listForParticipant(study.id, m.code), deps.instances.get(study.id, m.code, 'baseline')]);
      const invitation = messages.find((x) => x.timepoint === 'baseline' && x.kind === 'invitation');
      const othersUntouched = messages.filter((x) => x !== invitation).every((x) => x.status === 'planned');
      if (invitation?.status === 'sent' && invitation.sentAt === now.toISOString() && invitation.providerId && othersUntouched && instance?.status === 'open') {
        ledgerOk++;
        providerIds.set(invitation.providerId, m);
      }
    });
    check(ledgerOk === opts.due, `ledger: ${ledgerOk} of ${opts.due} due participants have their invitation sent at now (reminders untouched, instance open)`);
    let sentNow = 0;
    let ledgerReads = 0;
    let ExclusiveStartKey: Record<string, unknown> | undefined;
    do {
      const page = await db.doc.send(
        new QueryCommand({
          TableName: db.tables.research,
          KeyConditionExpression: 'pk = :pk AND begins_with(sk, :m)',
          FilterExpression: '#s = :sent AND sentAt = :now',
          ExpressionAttributeNames: { '#s': 'status' },
          ExpressionAttributeValues: { ':pk': keys.study(study.id).pk, ':m': 'MESSAGE#', ':sent': 'sent', ':now': now.toISOString() },
          Select: 'COUNT',
          ExclusiveStartKey,
        }),
      );
      sentNow += page.Count ?? 0;
      ledgerReads += page.ScannedCount ?? 0;
      ExclusiveStartKey = page.LastEvaluatedKey;
    } while (ExclusiveStartKey !== undefined);
    check(sentNow === opts.due, `ledger: ${sentNow} messages of the study are sent at now, expected exactly ${opts.due}`);

    const store = (await (await fetch(`${emulators.sesEndpoint}/store`)).json()) as { emails: Array<{ messageId: string; destination: { to: string[] }; subject: string }> };
    const inStore = new Map(store.emails.map((e) => [e.messageId, e]));
    const subject = `${study.name}: your Baseline questionnaires`;
    const delivered = [...providerIds].filter(([id, m]) => {
      const e = inStore.get(id);
      return e !== undefined && e.destination.to.some((to) => to.includes(m.email)) && e.subject === subject;
    }).length;
    check(delivered === opts.due, `emulator store: ${delivered} of the ${opts.due} dispatched invitations found (by SES message id, recipient and subject)`);
    const rawInStore = raw.ids.filter((id) => inStore.has(id)).length;
    check(rawInStore === raw.ids.length, `emulator store: ${rawInStore} of the ${raw.ids.length} raw sends found`);
    const expectedStore = warmupEmails + (raw.ids.length - raw0) + opts.due;
    check(store.emails.length === expectedStore, `emulator store holds ${store.emails.length} emails, expected ${expectedStore} (warm-up ${warmupEmails}, raw ${raw.ids.length - raw0}, dispatch ${opts.due})`);
    const dispatchedMime = mailer.first ? (await composeMime(mailer.first)).length : 0;

    // composeMime's share of a dispatcher send (untimed above): the same call on the captured email.
    const composeRuns = 300;
    const composeStarted = performance.now();
    for (let i = 0; i < composeRuns; i++) await composeMime(mailer.first ?? baselineEmail);
    const composeMs = (performance.now() - composeStarted) / composeRuns;

    const loadAfter = loadavg();

    // --- report ------------------------------------------------------------------------------
    console.log('Dispatch benchmark: the due-index query against a full Scan; runDispatch against raw SendRawEmail\n');
    console.log(machine().join('\n'));
    console.log(`Load avg:    ${loadBefore} before, ${loadAfter} after (1/5/15 min; on a shared machine expect noise)`);
    console.log(
      `Data:        study "${study.id}" (demoStudy: arms ${study.arms.map((a) => a.id).join('/')}, round-robin), ${fmtInt(opts.participants)} participants` +
        `${opts.participants === 100_000 ? '' : ' (NOT the issue\'s 100,000)'}, ${fmtInt(opts.due)} with a baseline invitation due at ${now.toISOString()}; seed ${opts.seed}`,
    );
    console.log(
      `Loaded in:   ${fmtSeconds(loaded.seconds)} (${fmtInt(loaded.bulkResearch + loaded.bulkContacts)} items of ${fmtInt(opts.participants - loaded.enrolledThroughRepositories)} participants ` +
        `by BatchWriteItem, 25 per call, ${opts.concurrency} in flight: ${fmtSeconds(loaded.bulkSeconds)}; ${fmtInt(loaded.enrolledThroughRepositories)} participants ` +
        `(due + warm-up) enrolled and planned through the repositories: ${fmtSeconds(loaded.repositorySeconds)})`,
    );
    console.log(
      `Items:       research ${fmtInt(research.scanned)} (${[...byType].sort(([a], [b]) => a.localeCompare(b)).map(([t, n]) => `${t} ${fmtInt(n)}`).join(', ')}); contacts ${fmtInt(contacts.scanned)}`,
    );
    console.log(
      `Due index:   ${[...indexed].sort(([a], [b]) => a.localeCompare(b)).map(([k, e]) => `${k} ${fmtInt(e.total)} (${fmtInt(e.dueNow)} due at now)`).join(', ')} — counted after the load, before the warm-up pass`,
    );
    console.log(
      `Peak RSS:    ${(process.resourceUsage().maxRSS / 2 ** 20).toFixed(2)} GiB, V8 heap ${(v8.getHeapStatistics().used_heap_size / 2 ** 30).toFixed(2)} of ` +
        `${(v8.getHeapStatistics().heap_size_limit / 2 ** 30).toFixed(2)} GiB (dynalite keeps the tables in this process's memory)`,
    );
    console.log(`Shape check: ${shapeItems} items of 3 participants (one per arm) replayed through the real enrolment, planner and dispatcher: ${problems.some((p) => p.startsWith('shape')) ? 'MISMATCH' : 'identical to the bulk-loaded ones'}\n`);

    console.log('1. Items read (DynamoDB ScannedCount, summed over pages and shards, counted on the repositories\' own client)');
    const due = opts.due;
    // listDue queries every shard once per batch (a shard query of ≤ 500 small items fits one page).
    const batches = Math.round(dispatchDueReads.calls / DUE_SHARDS);
    console.log(
      table(
        ['read path', 'calls', 'items read', 'returned', 'read / due', 'time'],
        [
          [`due index: queryDue('MESSAGE', now, limit ${fmtInt(opts.due)}) — all due in one call`, fmtInt(allDueReads.calls), fmtInt(allDueReads.scanned), fmtInt(allDue.length), `${(allDueReads.scanned / due).toFixed(3)}×`, fmtSeconds(allDueSeconds)],
          [`due index: one dispatcher batch's listDue (limit ${batchLimit})`, fmtInt(oneBatchReads.calls), fmtInt(oneBatchReads.scanned), fmtInt(oneBatch.length), `${(oneBatchReads.scanned / Math.max(1, oneBatch.length)).toFixed(3)}× returned`, fmtSeconds(oneBatchSeconds)],
          [`due index: all ${batches} listDue calls of the measured dispatch`, fmtInt(dispatchDueReads.calls), fmtInt(dispatchDueReads.scanned), fmtInt(dispatchDueReads.returned), `${(dispatchDueReads.scanned / due).toFixed(3)}×`, '—'],
          ['full table Scan + FilterExpression (same due messages)', fmtInt(scanReads.calls), fmtInt(scanReads.scanned), fmtInt(scan.items.length), `${(scanReads.scanned / due).toFixed(1)}×`, fmtSeconds(scanSeconds)],
        ],
      ),
    );
    console.log(`Scan / index (all due in one call): ${(scanReads.scanned / allDueReads.scanned).toFixed(1)}× more items read by the Scan\n`);

    const sum = (what: 'raw' | 'dispatch', f: (x: (typeof stretches)[number]) => number) => stretches.filter((x) => x.what === what).reduce((t, x) => t + f(x), 0);
    const rawCount = sum('raw', (x) => x.count);
    const rawSeconds = sum('raw', (x) => x.seconds);
    const dispatchSeconds = sum('dispatch', (x) => x.seconds);
    const passes = stretches.filter((x) => x.what === 'dispatch').length;
    const rawRate = (rawCount / rawSeconds) * 60;
    const dispatchRate = (dispatchTotal.sent / dispatchSeconds) * 60;
    console.log(
      `2. Sends per minute (same SES emulator, same process; MIME ${fmtInt(mime.length)} bytes raw vs ${fmtInt(dispatchedMime)} dispatched; ` +
        `untimed warm-up first: ${opts.warmup} raw sends and a dispatcher pass over ${opts.warmup} invitations; then raw, dispatch, raw)`,
    );
    console.log(
      table(
        ['stretch (in run order)', 'emails', 'time', 'per minute'],
        stretches.map((x) => [x.label, fmtInt(x.count), fmtSeconds(x.seconds), x.count > 0 ? fmtInt((x.count / x.seconds) * 60) : '—']),
      ),
    );
    console.log(
      table(
        ['path', 'emails', 'time', 'per email', 'CPU / wall', 'per minute', 'ratio'],
        [
          ['raw SendRawEmail, sequential (baseline)', fmtInt(rawCount), fmtSeconds(rawSeconds), fmtMs((rawSeconds * 1000) / rawCount), `${((100 * rawCpuSeconds) / rawSeconds).toFixed(0)}%`, fmtInt(rawRate), '1.00'],
          [
            `runDispatch (maxSendRate ∞), ${passes} pass${passes === 1 ? '' : 'es'}, real repositories + SES mailer`,
            fmtInt(dispatchTotal.sent),
            fmtSeconds(dispatchSeconds),
            fmtMs((dispatchSeconds * 1000) / dispatchTotal.sent),
            `${((100 * dispatchCpuSeconds) / dispatchSeconds).toFixed(0)}%`,
            fmtInt(dispatchRate),
            (dispatchRate / rawRate).toFixed(2),
          ],
        ],
      ),
    );
    console.log(
      'CPU / wall: process CPU time (all threads, GC included) over wall time; about 100% means the run is CPU-bound on this one process ' +
        '(dispatcher, dynalite and the SES emulator share its event loop).\n',
    );

    console.log('Targets');
    const readRatio = allDueReads.scanned / due;
    const sendShare = dispatchRate / rawRate;
    const targetRows = [
      [`due query reads < ${TARGET_READ_RATIO}× the due items`, `${readRatio.toFixed(3)}×`, readRatio < TARGET_READ_RATIO ? 'MET' : 'MISSED'],
      [`  (informative) over the dispatcher's ${batches} listDue batches of ≤ ${batchLimit}`, `${(dispatchDueReads.scanned / due).toFixed(3)}×`, dispatchDueReads.scanned / due < TARGET_READ_RATIO ? 'met' : 'missed'],
      [`dispatch ≥ ${TARGET_SEND_SHARE * 100}% of the raw send rate`, `${(sendShare * 100).toFixed(1)}%`, sendShare >= TARGET_SEND_SHARE ? 'MET' : 'MISSED'],
    ];
    console.log(table(['target', 'measured', 'result'], targetRows));
    console.log();

    // Where the dispatcher's time goes: always printed (it is cheap); the answer when the send target is missed.
    const perInvitation = (n: number) => (n / dispatchTotal.sent).toFixed(2);
    console.log(`Where a dispatched invitation's time goes (${fmtMs((dispatchSeconds * 1000) / dispatchTotal.sent)} each; raw send ${fmtMs((rawSeconds * 1000) / rawCount)})`);
    const dbRows = [...dispatchCalls].sort(([, a], [, b]) => b.ms - a.ms).map(([name, s]: [string, CallStats]) => [`DynamoDB ${name}`, perInvitation(s.calls), fmtMs(s.ms / s.calls), fmtMs(s.ms / dispatchTotal.sent)]);
    const dbTotal = [...dispatchCalls.values()].reduce((t, s) => ({ calls: t.calls + s.calls, ms: t.ms + s.ms }), { calls: 0, ms: 0 });
    console.log(
      table(
        ['step', 'calls / invitation', 'mean per call', 'per invitation'],
        [
          ['mailer.send (composeMime + SendRawEmail)', perInvitation(mailerDuring.sends), fmtMs(mailerDuring.ms / mailerDuring.sends), fmtMs(mailerDuring.ms / dispatchTotal.sent)],
          ['  of which composeMime (measured apart)', '1.00', fmtMs(composeMs), fmtMs(composeMs)],
          ...dbRows,
          ['DynamoDB, all calls (latencies summed)', perInvitation(dbTotal.calls), fmtMs(dbTotal.ms / dbTotal.calls), fmtMs(dbTotal.ms / dispatchTotal.sent)],
          ['DynamoDB, wall time with a call in flight (the 4 pre-send reads overlap)', '', '', fmtMs(dispatchDbBusyMs / dispatchTotal.sent)],
          ['rest (rendering, tokens, decisions, between calls)', '', '', fmtMs((dispatchSeconds * 1000 - mailerDuring.ms - dispatchDbBusyMs) / dispatchTotal.sent)],
        ],
      ),
    );
    console.log(
      "dynalite and the SES emulator run on this process's event loop, so a call's time includes the emulator's own work" +
        (profiler ? '.\n' : '; --profile breaks the CPU time down by component.\n'),
    );
    if (profiler) {
      const d = profiler.totals.get('dispatch');
      const r = profiler.totals.get('raw');
      const sum = (m: Map<string, number> | undefined) => [...(m?.values() ?? [])].reduce((a, b) => a + b, 0);
      console.log(`CPU time by component (sampled every 200 µs during the measured passes and raw sends; rates above were measured under the profiler${opts.profileDir ? `; profiles in ${opts.profileDir}` : ''})`);
      console.log(
        table(
          ['component', 'dispatch / invitation', 'share', 'raw / email', 'share'],
          [
            ...CATEGORIES.map((c) => [
              c,
              fmtMs((d?.get(c) ?? 0) / dispatchTotal.sent),
              `${((100 * (d?.get(c) ?? 0)) / sum(d)).toFixed(1)}%`,
              fmtMs((r?.get(c) ?? 0) / rawCount),
              `${((100 * (r?.get(c) ?? 0)) / sum(r)).toFixed(1)}%`,
            ]),
            ['total', fmtMs(sum(d) / dispatchTotal.sent), '100%', fmtMs(sum(r) / rawCount), '100%'],
          ],
        ),
      );
      console.log();
    }

    console.log('Verification');
    const rows = [
      `  data: ${fmtInt(opts.warmup)} invitations due at 09:00 (warm-up), then exactly ${fmtInt(dueNow.length)} due at now, one planned baseline invitation per due participant; no leases, plan requests, expiries or completions due`,
      `  the Scan found the same ${fmtInt(scan.items.length)} messages as the index and read every item of the research table (${fmtInt(scanReads.scanned)}: the ${fmtInt(research.scanned)} loaded plus what the warm-up pass wrote)`,
      `  dispatch: ${JSON.stringify(dispatchTotal)}; a further pass finds nothing; nothing left in the due index`,
      `  ledger: ${fmtInt(ledgerOk)} due participants with their invitation sent at now (reminders still planned, baseline instance open); ${fmtInt(sentNow)} messages of the study sent at now (${fmtInt(ledgerReads)} messages read)`,
      `  emulator store: ${fmtInt(delivered)} dispatched invitations (SES id, recipient, subject), ${fmtInt(rawInStore)} raw sends; ${fmtInt(store.emails.length)} emails in all (= warm-up ${warmupEmails} + raw ${raw.ids.length - raw0} + dispatch ${opts.due})`,
    ];
    console.log(rows.join('\n'));
    if (opts.json !== undefined) {
      writeBenchJson(opts.json, {
        bench: 'dispatch',
        title: 'Due query and dispatcher send rate',
        targets: [
          { name: `due query reads (${fmtInt(due)} due of ${fmtInt(opts.participants)} participants)`, measured: `${fmtInt(allDueReads.scanned)} items read`, floor: `${fmtInt(due)} due items`, ratio: readRatio, target: `< ${TARGET_READ_RATIO}× the due items`, met: readRatio < TARGET_READ_RATIO },
          { name: 'dispatcher send rate', measured: `${fmtInt(dispatchRate)} emails/s`, floor: `${fmtInt(rawRate)} emails/s (raw SendRawEmail)`, ratio: sendShare, target: `≥ ${TARGET_SEND_SHARE}× the raw send rate`, met: sendShare >= TARGET_SEND_SHARE },
        ],
        notes: [`full Scan read ${fmtInt(scanReads.scanned)} items for the same messages; ${problems.length === 0 ? 'all verifications passed' : `${problems.length} verification problems`}`],
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
