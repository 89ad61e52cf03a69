/**
 * The product on this machine, as the macro benchmarks drive it: the emulators `npm start` runs
 * (scripts/local/emulators.ts), the tables from the shared definitions, the demo studies, and the
 * composition root (functions/dependencies.ts). Participants are enrolled, invited and sign in
 * through the product's own use cases, never by writing its items by hand, so a benchmark keeps
 * measuring the product as its storage changes.
 */
import { findInstrument } from '../../functions/adapters/bundled-catalogue/bundled-catalogue';
import { createDb, type Db } from '../../functions/adapters/dynamodb/client';
import { ensureTables } from '../../functions/adapters/dynamodb/create-tables';
import { loadConfig, type Config } from '../../functions/config';
import type { CatalogueInstrument, Mailer, OutgoingEmail } from '../../functions/core/ports';
import { buildDependencies } from '../../functions/dependencies';
import type { AppDeps } from '../../functions/http/env';
import { enrolParticipant } from '../../functions/use-cases/enrol-participant';
import { seedDemo } from '../../functions/use-cases/seed-demo';
import { requestSignIn, verifySignIn } from '../../functions/use-cases/sign-in';
import { fork } from 'node:child_process';
import { BENCH_ORIGIN_SECRET } from './lambda-event';
import { join } from 'node:path';

export interface LocalStack {
  config: Config;
  /** The same settings as environment variables, as a Lambda (or a child process) reads them. */
  env: Record<string, string>;
  /** A document client on the same tables (createDb's settings), for baselines. */
  db: Db;
  deps(overrides?: Parameters<typeof buildDependencies>[1]): AppDeps;
  stop(): Promise<void>;
}

/**
 * The emulators in a process of their own (bench/lib/emulators-process.ts) on free loopback ports,
 * in memory, with the tables and the demo studies.
 */
export async function startLocalStack(): Promise<LocalStack> {
  const child = fork(join(import.meta.dirname, 'emulators-process.ts'), { execArgv: ['--import', 'tsx'], stdio: ['ignore', 'inherit', 'inherit', 'ipc'] });
  const emulators = await new Promise<{ dynamoEndpoint: string; sesEndpoint: string }>((resolve, reject) => {
    child.once('message', (m) => resolve(m as { dynamoEndpoint: string; sesEndpoint: string }));
    child.once('exit', (code) => reject(new Error(`the emulators' process exited (${code}) before it was ready`)));
  });
  const stop = () => new Promise<void>((resolve) => (child.exitCode !== null ? resolve() : (child.once('exit', () => resolve()), child.send('stop'))));
  const env = {
    TIMEPOINT_BASE_URL: 'https://timepoint.example.org',
    RESEARCH_TABLE: 'bench-research',
    CONTACTS_TABLE: 'bench-contacts',
    AWS_REGION: 'eu-west-2',
    DYNAMODB_ENDPOINT: emulators.dynamoEndpoint,
    SES_ENDPOINT: emulators.sesEndpoint,
    TIMEPOINT_SYSTEM_SENDER: 'timepoint@example.org',
    // What CloudFront adds to every API request; the API Lambda refuses to start without it.
    TIMEPOINT_ORIGIN_SECRET: BENCH_ORIGIN_SECRET,
    TIMEPOINT_ORIGIN_SECRET_PREVIOUS: 'none',
  };
  const config = loadConfig(env);
  const db = createDb({ region: config.AWS_REGION, endpoint: emulators.dynamoEndpoint }, { research: config.RESEARCH_TABLE, contacts: config.CONTACTS_TABLE });
  await ensureTables(db);
  const deps = (overrides: Parameters<typeof buildDependencies>[1] = {}) => buildDependencies(config, overrides);
  await seedDemo(deps());
  return { config, env, db, deps, stop };
}

/** A mailer that keeps every email instead of sending it (preparation only; measured sends use SES). */
export function keepingMailer(): Mailer & { emails: OutgoingEmail[] } {
  const emails: OutgoingEmail[] = [];
  return { emails, send: async (email) => (emails.push(email), { messageId: `bench-${emails.length}` }) };
}

/** The participant link token in an invitation (path form `/p/<token>` or fragment form `/p/#<token>`). */
export function linkToken(email: OutgoingEmail): string | undefined {
  return /\/p\/#?([A-Za-z0-9_-]{20,})/.exec(email.text)?.[1];
}

/** Runs `task` over `inputs` with at most `concurrency` in flight. */
export async function pool<T>(inputs: readonly T[], concurrency: number, task: (input: T, i: number) => Promise<void>): Promise<void> {
  let next = 0;
  const worker = async () => {
    while (next < inputs.length) {
      const i = next++;
      await task(inputs[i]!, i);
    }
  };
  await Promise.all(Array.from({ length: Math.min(concurrency, inputs.length) }, worker));
}

/** The address `enrol` gives its i-th participant (0-based). */
export const emailOf = (prefix: string, i: number) => `${prefix}-${i + 1}@participants.example.org`;

/**
 * Enrols `count` participants through the enrolment use case (arms round-robin over `arms`), as a
 * coordinator does; returns their codes in order.
 */
export async function enrol(
  deps: AppDeps,
  studyId: string,
  count: number,
  settings: { arms: string[]; emailPrefix: string; codes?: (i: number) => string; concurrency?: number; log?: (line: string) => void },
): Promise<string[]> {
  const codes: string[] = new Array(count);
  let done = 0;
  await pool(Array.from({ length: count }, (_, i) => i), settings.concurrency ?? 8, async (i) => {
    const body = {
      email: emailOf(settings.emailPrefix, i),
      arm: settings.arms[i % settings.arms.length]!,
      ...(settings.codes ? { code: settings.codes(i) } : {}),
    };
    codes[i] = (await enrolParticipant(deps, 'staff:bench@example.org', studyId, body)).code;
    if (++done % 1000 === 0) settings.log?.(`enrolled ${done}/${count}`);
  });
  return codes;
}

/** mulberry32: a small seeded PRNG (same seed, same answers). */
export function seeded(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** The instruments of a study's timepoint, as the bundled catalogue (what `deps.catalogue` loads) resolves them. */
export function batteryOf(_deps: AppDeps, instruments: Array<{ id: string; version: string }>): CatalogueInstrument[] {
  return instruments.map(({ id, version }) => {
    const found = findInstrument(id, version);
    if (found === undefined) throw new Error(`instrument ${id}@${version} is not in the catalogue`);
    return found;
  });
}

/** A complete, valid response to a battery: every item answered with one of its codes, chosen by `random`. */
export function answersTo(battery: CatalogueInstrument[], random: () => number): Record<string, number> {
  const answers: Record<string, number> = {};
  for (const { scoring } of battery) {
    for (const item of scoring.items) {
      const codes = item.codes?.filter((c) => !item.missingCodes.includes(c)) ?? Array.from({ length: item.range!.max - item.range!.min + 1 }, (_, k) => item.range!.min + k);
      answers[item.id] = codes[Math.floor(random() * codes.length)]!;
    }
  }
  return answers;
}

/**
 * Loads placeholder wording (clearly not the instrument's) for every licensed instrument of a
 * battery, as a licensee loads theirs, so its forms can be answered here.
 */
export async function loadPlaceholderWording(deps: AppDeps, battery: CatalogueInstrument[]): Promise<void> {
  for (const { scoring } of battery) {
    await deps.licensedTexts.put({
      instrument: scoring.id,
      version: scoring.version,
      title: `${scoring.name} (placeholder wording)`,
      items: Object.fromEntries(
        scoring.items.map((item) => [
          item.id,
          { title: `Placeholder question ${item.id}`, ...(item.codes ? { choices: Object.fromEntries(item.codes.map((c) => [String(c), `Option ${c}`])) } : {}) },
        ]),
      ),
    });
  }
}

/** Signs a demo staff member in through the sign-in use cases; returns their bearer token. */
export async function signIn(stack: LocalStack, email: string): Promise<string> {
  const mailer = keepingMailer();
  const deps = stack.deps({ mailer });
  await requestSignIn(deps, { email }, 'bench');
  const code = /code=([A-Za-z0-9_-]+)/.exec(mailer.emails.at(-1)?.text ?? '')?.[1];
  if (code === undefined) throw new Error(`no sign-in code was emailed to ${email}`);
  return (await verifySignIn(deps, { code })).token;
}
