/**
 * The local platform's API for bench/submit-latency.ts and bench/load.ts, and the participants
 * they submit for.
 *
 * `startLocalApi` is scripts/local/platform.ts's `startPlatform` without the web build, the static
 * pages and the dispatcher timer: dynalite in memory and aws-ses-v2-local on free loopback ports
 * (`startEmulators`), the tables from the shared definitions, the demo studies (`seedDemo`), the
 * real `buildDependencies` and `createApp`, behind the same site wrapper (page headers skipped for
 * /api/) and served by @hono/node-server on 127.0.0.1. With no dispatcher timer, a submission's
 * follow-up (`onScheduleChanged`) kicks nothing: the request's latency is its own, as in AWS,
 * where the dispatcher is another Lambda.
 *
 * `prepareOpenInvitations` enrols participants of the demo study through the real repositories
 * (bench/lib/dispatch-population.ts's `enrolThroughRepositories`, as enrolParticipant does minus
 * the audit entry) one day back, so their baseline invitation is past due and its 7-day window
 * open, then runs the real dispatcher with a mailer that keeps the emails, and takes each
 * participant's link token from their invitation, as they would. Each participant gets a complete,
 * valid answer set for the baseline battery (PHQ-9, GAD-7, PEG-3), seeded (`answersOf`).
 */
import { serve, type ServerType } from '@hono/node-server';
import { getConnInfo } from '@hono/node-server/conninfo';
import { Hono } from 'hono';
import type { AddressInfo } from 'node:net';
import { createDb, type Db } from '../../functions/adapters/dynamodb/client';
import { ensureTables } from '../../functions/adapters/dynamodb/create-tables';
import { loadConfig, type Config } from '../../functions/config';
import type { CatalogueInstrument, Mailer, OutgoingEmail } from '../../functions/core/ports';
import type { Answers } from '../../functions/core/schedule/records';
import { demoStudy } from '../../functions/demo/demo-study';
import { buildDependencies } from '../../functions/dependencies';
import { createApp } from '../../functions/http/app';
import type { AppDeps } from '../../functions/http/env';
import { cacheControlFor, pageHeaders } from '../../functions/http/page-headers';
import { runDispatch } from '../../functions/use-cases/dispatch';
import { seedDemo } from '../../functions/use-cases/seed-demo';
import { LOCAL_TABLES } from '../../scripts/local/data-connection';
import { startEmulators } from '../../scripts/local/emulators';
import { batchWrite, contactItems, emailOf, enrolThroughRepositories, mulberry32, pool, researchItems, type Member } from './dispatch-population';

export const REGION = 'eu-west-2';
const DAY = 86_400_000;

/** The instruments of a demo-study timepoint, as the catalogue resolves them. */
export function batteryOf(timepoint: string, find: (id: string, version?: string) => CatalogueInstrument | undefined): CatalogueInstrument[] {
  const tp = demoStudy.protocol.timepoints.find((t) => t.id === timepoint);
  if (tp === undefined) throw new Error(`no timepoint ${timepoint} in ${demoStudy.id}`);
  return tp.instruments.map(({ id, version }) => {
    const found = find(id, version);
    if (found === undefined) throw new Error(`instrument ${id}@${version} is not installed`);
    return found;
  });
}

/**
 * A complete answer set for a battery: every item answered with one of its valid codes (missing
 * codes left out), chosen by a PRNG seeded from (seed, participant index): same seed, same answers.
 */
export function answersOf(battery: CatalogueInstrument[], index: number, seed: number): Answers {
  const random = mulberry32((seed ^ Math.imul(index + 1, 0x9e3779b1)) >>> 0);
  const answers: Answers = {};
  for (const { scoring } of battery) {
    for (const item of scoring.items) {
      let codes: number[];
      if (item.codes !== undefined) codes = item.codes.filter((c) => !item.missingCodes.includes(c));
      else {
        const { min, max } = item.range!;
        codes = Array.from({ length: Math.floor(max - min) + 1 }, (_, k) => min + k);
      }
      answers[item.id] = codes[Math.floor(random() * codes.length)]!;
    }
  }
  return answers;
}

export interface LocalApi {
  url: string;
  config: Config;
  /** The dependencies the served app runs on. */
  deps: AppDeps;
  /** A separate document client on the same tables (createDb's settings), for floors and checks. */
  db: Db;
  stop(): Promise<void>;
}

/** Config of the local platform pointed at the given emulator endpoints (as startPlatform builds it). */
export function localConfig(dynamoEndpoint: string, sesEndpoint: string, baseUrl: string): Config {
  return loadConfig({
    TIMEPOINT_BASE_URL: baseUrl,
    ...LOCAL_TABLES,
    AWS_REGION: REGION,
    DYNAMODB_ENDPOINT: dynamoEndpoint,
    SES_ENDPOINT: sesEndpoint,
    TIMEPOINT_SYSTEM_SENDER: 'timepoint@example.org',
  });
}

export const dbFor = (config: Config): Db =>
  createDb({ region: config.AWS_REGION, endpoint: config.DYNAMODB_ENDPOINT! }, { research: config.RESEARCH_TABLE, contacts: config.CONTACTS_TABLE });

export async function startLocalApi(): Promise<LocalApi> {
  const emulators = await startEmulators({ dynamoPort: 0, sesPort: 0 });
  try {
    const config = localConfig(emulators.dynamoEndpoint, emulators.sesEndpoint, 'http://localhost:3000');
    await ensureTables(dbFor(config));
    const deps = buildDependencies(config);
    await seedDemo(deps);

    // The same site wrapper as startPlatform (its page headers are skipped for /api/), minus static pages.
    const site = new Hono();
    site.use('*', async (c, next) => {
      await next();
      if (c.req.path.startsWith('/api/')) return;
      for (const [name, value] of Object.entries(pageHeaders)) c.header(name, value);
      c.header('Cache-Control', cacheControlFor(c.req.path));
    });
    site.route('/', createApp({ ...deps, clientAddress: (c) => getConnInfo(c).remote.address }));
    const server: ServerType = await new Promise((resolveServer, reject) => {
      const s = serve({ fetch: site.fetch, port: 0, hostname: '127.0.0.1' }, () => resolveServer(s));
      s.once('error', reject);
    });
    const port = (server.address() as AddressInfo).port;
    return {
      url: `http://127.0.0.1:${port}`,
      config,
      deps,
      db: dbFor(config),
      async stop() {
        await new Promise<void>((r) => server.close(() => r()));
        await emulators.stop();
      },
    };
  } catch (error) {
    await emulators.stop();
    throw error;
  }
}

export interface OpenInvitation {
  code: string;
  token: string;
  answers: Answers;
}

/**
 * Enrols `count` demo-study participants with codes `<prefix>0001…` (arms round-robin over the
 * two trial arms and healthy), dispatches their baseline invitations and returns their tokens and
 * answers. Throws if any participant ends up without exactly one invitation or an open instance.
 */
export async function prepareOpenInvitations(
  config: Config,
  options: { count: number; prefix: string; seed: number; concurrency?: number; log?: (line: string) => void },
): Promise<OpenInvitation[]> {
  const emails: OutgoingEmail[] = [];
  const keeper: Mailer = { send: async (email) => (emails.push(email), { messageId: `bench-${emails.length}` }) };
  // Its own dependencies (same tables), with the keeping mailer and no send-rate pacing.
  const deps = buildDependencies(config, { mailer: keeper, dispatch: { maxSendRate: Infinity, sleep: async () => {} } });
  const now = deps.clock.now().getTime();
  const members: Member[] = Array.from({ length: options.count }, (_, i) => {
    const code = `${options.prefix}${String(i + 1).padStart(4, '0')}`;
    return {
      index: i,
      code,
      email: emailOf(code),
      role: 'due',
      participant: {
        studyId: demoStudy.id,
        code,
        arm: demoStudy.arms[i % demoStudy.arms.length]!.id,
        timezone: demoStudy.timezone,
        status: 'active',
        // A day back (spread over an hour): the baseline invitation is past due, its window open for six more days.
        enrolledAt: new Date(now - DAY - Math.floor((i / options.count) * 3_600_000)).toISOString(),
        protocolVersion: demoStudy.protocol.version,
        dates: {},
      },
    };
  });
  let enrolled = 0;
  await pool(members, options.concurrency ?? 8, async (member) => {
    await enrolThroughRepositories(deps, member);
    if (++enrolled % 250 === 0) options.log?.(`enrolled ${enrolled}/${members.length}`);
  });
  // Passes until nothing more is sent (a pass stops at its time budget).
  for (let pass = 0; pass < 50; pass++) {
    const report = await runDispatch(deps);
    options.log?.(`dispatcher pass: sent ${report.sent}, skipped ${report.skipped}, failed ${report.failed}`);
    if (report.sent === 0) break;
  }
  const tokens = new Map<string, string[]>();
  for (const email of emails) {
    const token = /\/p\/#([A-Za-z0-9_-]+)/.exec(email.text)?.[1];
    for (const to of email.to) if (token !== undefined) tokens.set(to, [...(tokens.get(to) ?? []), token]);
  }
  const battery = batteryOf('baseline', deps.catalogue.find);
  const prepared: OpenInvitation[] = [];
  for (const member of members) {
    const found = [...tokens.entries()].filter(([to]) => to.includes(member.email)).flatMap(([, t]) => t);
    if (found.length !== 1) throw new Error(`${member.code}: ${found.length} invitations instead of 1`);
    const instance = await deps.instances.get(demoStudy.id, member.code, 'baseline');
    if (instance?.status !== 'open') throw new Error(`${member.code}: baseline instance is ${instance?.status ?? 'missing'}, not open`);
    prepared.push({ code: member.code, token: found[0]!, answers: answersOf(battery, member.index, options.seed) });
  }
  return prepared;
}

/**
 * The same participants as `prepareOpenInvitations` (same codes, arms, enrolment times and
 * answers), but written in bulk, for the load test's thousands: their research and contacts items
 * as enrolment and the dispatcher's invitation leave them (bench/lib/dispatch-population.ts's
 * `researchItems`, whose shape bench/dispatch.ts checks against the real code), with BatchWriteItem,
 * and each participant's link stored through the real repository under a fresh token, as the
 * dispatcher stores it. Much faster than dispatching thousands of invitations through dynalite.
 */
export async function bulkOpenInvitations(
  config: Config,
  options: { count: number; prefix: string; seed: number; concurrency?: number; log?: (line: string) => void },
): Promise<OpenInvitation[]> {
  const deps = buildDependencies(config);
  const db = dbFor(config);
  const now = deps.clock.now();
  const members = Array.from({ length: options.count }, (_, i) => {
    const code = `${options.prefix}${String(i + 1).padStart(4, '0')}`;
    return {
      index: i,
      code,
      email: emailOf(code),
      role: 'due' as const,
      participant: {
        studyId: demoStudy.id,
        code,
        arm: demoStudy.arms[i % demoStudy.arms.length]!.id,
        timezone: demoStudy.timezone,
        status: 'active' as const,
        enrolledAt: new Date(now.getTime() - DAY - Math.floor((i / options.count) * 3_600_000)).toISOString(),
        protocolVersion: demoStudy.protocol.version,
        dates: {},
      },
    };
  });
  const research = members.flatMap((m) => researchItems(demoStudy.protocol, m.participant, now, 'dispatcher:bench'));
  await batchWrite(db, db.tables.research, research, options.concurrency ?? 8);
  await batchWrite(db, db.tables.contacts, members.flatMap(contactItems), options.concurrency ?? 8);
  options.log?.(`wrote ${research.length} research items of ${members.length} participants`);
  const battery = batteryOf('baseline', deps.catalogue.find);
  const prepared: OpenInvitation[] = new Array(members.length);
  await pool(members, options.concurrency ?? 8, async (member, i) => {
    const token = deps.secrets.token();
    await deps.links.put(deps.secrets.hash(token), { studyId: demoStudy.id, code: member.code, timepoint: 'baseline', createdAt: member.participant.enrolledAt });
    prepared[i] = { code: member.code, token, answers: answersOf(battery, member.index, options.seed) };
  });
  // Spot checks: the first and last are open, as the dispatcher would have left them.
  for (const member of [members[0]!, members.at(-1)!]) {
    const instance = await deps.instances.get(demoStudy.id, member.code, 'baseline');
    if (instance?.status !== 'open') throw new Error(`${member.code}: baseline instance is ${instance?.status ?? 'missing'}, not open`);
  }
  return prepared;
}

export interface StoredCheck {
  checked: number;
  problems: string[];
}

/**
 * Every submitted participant's baseline instance is `completed` with the answers sent, one score
 * per instrument of the battery and the `completedAt` the API answered, and the study's audit log
 * holds exactly one `instance.completed` entry for it. Participants not submitted must be untouched.
 */
export async function verifyStoredOnce(
  deps: AppDeps,
  submitted: Array<{ invitation: OpenInvitation; completedAt: string }>,
  untouched: OpenInvitation[] = [],
): Promise<StoredCheck> {
  const problems: string[] = [];
  const battery = batteryOf('baseline', deps.catalogue.find);
  const audit = await deps.audit.list(`study:${demoStudy.id}`);
  const completions = new Map<string, number>();
  for (const entry of audit) if (entry.action === 'instance.completed') completions.set(entry.target, (completions.get(entry.target) ?? 0) + 1);
  const seen = new Set<string>();
  await pool(submitted, 8, async ({ invitation, completedAt }) => {
    const { code } = invitation;
    if (seen.has(code)) problems.push(`${code}: submitted (successfully) more than once`);
    seen.add(code);
    const instance = await deps.instances.get(demoStudy.id, code, 'baseline');
    if (instance === null) return void problems.push(`${code}: instance missing`);
    if (instance.status !== 'completed') problems.push(`${code}: status ${instance.status}, not completed`);
    if (instance.completedAt !== completedAt) problems.push(`${code}: completedAt ${instance.completedAt} ≠ ${completedAt} answered`);
    if (JSON.stringify(instance.answers) !== JSON.stringify(invitation.answers)) problems.push(`${code}: stored answers differ from those sent`);
    const scored = (instance.scores ?? []).map((s) => s.instrument);
    if (scored.join(',') !== battery.map((i) => i.scoring.id).join(',')) problems.push(`${code}: scores [${scored.join(',')}], expected one per instrument`);
    const n = completions.get(`instance:${code}/baseline`) ?? 0;
    if (n !== 1) problems.push(`${code}: ${n} instance.completed audit entries, expected 1`);
  });
  await pool(untouched, 8, async ({ code }) => {
    const instance = await deps.instances.get(demoStudy.id, code, 'baseline');
    if (instance?.status !== 'open') problems.push(`${code} (not submitted): status ${instance?.status ?? 'missing'}, expected open`);
    if ((completions.get(`instance:${code}/baseline`) ?? 0) !== 0) problems.push(`${code} (not submitted): has an instance.completed audit entry`);
  });
  return { checked: submitted.length + untouched.length, problems };
}
