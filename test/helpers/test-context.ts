import { randomBytes } from 'node:crypto';
import { ScanCommand } from '@aws-sdk/lib-dynamodb';
import { inject } from 'vitest';
import { createDb, type Db } from '../../functions/adapters/dynamodb/client';
import { ensureTables } from '../../functions/adapters/dynamodb/create-tables';
import { fixedClock } from '../../functions/adapters/system/system-clock';
import { loadConfig } from '../../functions/config';
import type { StaffMember } from '../../functions/core/auth/staff';
import type { Study } from '../../functions/core/study/study';
import { buildDependencies } from '../../functions/dependencies';
import { createApp } from '../../functions/http/app';
import { LINK_TOKEN_HEADER } from '../../functions/core/auth/link-token';
import type { AppDeps } from '../../functions/http/env';
import { demoStudy } from '../../functions/demo/demo-study';
import { createSesClient } from '../../functions/adapters/ses/ses-client';
import { createSesMailer, preloadSesClient } from '../../functions/adapters/ses/ses-mailer';
import { envelopeSealer, localKeyWrapper } from '../../functions/adapters/system/envelope-sealer';
import { createRepositories } from '../../functions/adapters/dynamodb/repositories';
import { createMemoryRepositories } from '../../functions/adapters/memory/repositories';
import type { InstrumentCatalogue, Mailer } from '../../functions/core/ports';
import { runDispatch } from '../../functions/use-cases/dispatch';
import type { DispatchSettings } from '../../functions/use-cases/deps';

export const BASE_URL = 'https://timepoint.test';

export interface InboxEmail {
  messageId: string;
  from: string;
  destination: { to: string[] };
  subject: string;
  body: { text: string; html?: string };
  at: number;
}

/**
 * A fresh pair of tables on the shared emulators, the real adapters over them, a movable clock
 * and the app. Each test file gets its own tables; each test its own recipient addresses.
 */
export async function createTestContext(
  options: {
    now?: string;
    study?: Study;
    /** Wraps the real SES mailer (to spy on or to inject failures). */
    mailer?: (real: Mailer) => Mailer;
    dispatch?: Partial<DispatchSettings>;
    /** The sign-in request's fixed response time (0 in tests unless a test checks it). */
    signInResponseMs?: number;
    /** The allocation's random source (default: the production CSPRNG). */
    random?: import('../../functions/core/ports').RandomSource;
    /** Wraps the bundled instrument catalogue (to add a test-only instrument or translation). */
    catalogue?: (real: InstrumentCatalogue) => InstrumentCatalogue;
    /**
     * `memory`: the in-memory storage adapter instead of tables on the emulator, for tests of
     * use-case logic (storage behaviour is the conformance suite's); `scan` is then unavailable.
     */
    storage?: 'dynamodb' | 'memory';
  } = {},
) {
  const suffix = randomBytes(4).toString('hex');
  // Each context seals its allocations with its own key (exposed, so a test can open a slot as only the key holder could).
  const allocationKey = randomBytes(32);
  const dynamoEndpoint = inject('dynamoEndpoint');
  const sesEndpoint = inject('sesEndpoint');
  const config = loadConfig({
    TIMEPOINT_BASE_URL: BASE_URL,
    RESEARCH_TABLE: `research-${suffix}`,
    CONTACTS_TABLE: `contacts-${suffix}`,
    AWS_REGION: 'eu-west-2',
    DYNAMODB_ENDPOINT: dynamoEndpoint,
    SES_ENDPOINT: sesEndpoint,
    TIMEPOINT_SYSTEM_SENDER: 'timepoint@example.org',
  });
  const db: Db = createDb({ endpoint: dynamoEndpoint, region: 'eu-west-2' }, { research: config.RESEARCH_TABLE, contacts: config.CONTACTS_TABLE });
  const memory = options.storage === 'memory';
  if (!memory) await ensureTables(db);
  const clock = fixedClock(options.now ?? '2026-03-02T10:00:00.000Z');
  const ses = { endpoint: sesEndpoint, region: 'eu-west-2' };
  // The mailer's and the repositories' clients are the ones exposed here (sesClient, db), so a test can inject faults into their middleware.
  const sesClient = createSesClient(ses);
  const realMailer = createSesMailer(ses, sesClient);
  // As the dispatcher's Lambda does at start: its paced sends never wait behind the client loading.
  await preloadSesClient();
  const deps: AppDeps = {
    ...buildDependencies(config, {
      clock,
      mailer: options.mailer ? options.mailer(realMailer) : realMailer,
      // No real waiting in tests: pacing is checked through the requested waits.
      dispatch: { sleep: async () => {}, ...options.dispatch },
      signInResponseMs: options.signInResponseMs ?? 0,
      sealer: envelopeSealer(localKeyWrapper(allocationKey)),
      ...(options.random ? { random: options.random } : {}),
    }),
    ...(memory ? createMemoryRepositories() : createRepositories(db)),
  };
  if (options.catalogue) deps.catalogue = options.catalogue(deps.catalogue);
  const app = createApp(deps);
  const study = options.study ?? demoStudy;
  await deps.studies.createIfAbsent(study);

  /** `token`: a staff bearer token; `link`: a participant link's token, in the header the participant page sends it in. */
  const request = (method: string, path: string, init: { body?: unknown; token?: string; raw?: string; link?: string } = {}) =>
    app.request(path, {
      method,
      headers: {
        ...(init.body !== undefined || init.raw !== undefined ? { 'content-type': 'application/json' } : {}),
        ...(init.token ? { authorization: `Bearer ${init.token}` } : {}),
        ...(init.link ? { [LINK_TOKEN_HEADER]: init.link } : {}),
      },
      ...(init.raw !== undefined ? { body: init.raw } : init.body !== undefined ? { body: JSON.stringify(init.body) } : {}),
    });

  /** Emails the SES emulator received for one recipient. */
  const inbox = async (to: string): Promise<InboxEmail[]> => {
    const response = await fetch(`${sesEndpoint}/store`);
    const { emails } = (await response.json()) as { emails: InboxEmail[] };
    return emails.filter((e) => e.destination.to.some((address) => address.includes(to)));
  };

  /** A staff member signed in through the real flow (login email → code → verify); returns the bearer token. */
  const signIn = async (member: Omit<StaffMember, 'name'> & { name?: string }): Promise<string> => {
    await deps.staff.put({ name: member.email, ...member });
    const before = (await inbox(member.email)).length;
    const login = await request('POST', '/api/auth/login', { body: { email: member.email } });
    if (login.status !== 202) throw new Error(`login failed: ${login.status}`);
    const mail = (await inbox(member.email)).slice(before).at(-1);
    const code = /#code=([A-Za-z0-9_-]+)/.exec(mail?.body.text ?? '')?.[1];
    if (!code) throw new Error('no sign-in code in the inbox');
    const verify = await request('POST', '/api/auth/verify', { body: { code } });
    return ((await verify.json()) as { token: string }).token;
  };

  /** Every item of a table, for assertions about what is (not) stored. */
  const scan = async (table: 'research' | 'contacts') => {
    if (memory) throw new Error('scan reads DynamoDB tables: this context stores in memory');
    return (await db.doc.send(new ScanCommand({ TableName: db.tables[table] }))).Items ?? [];
  };

  const uniqueEmail = (label: string) => `${label}-${randomBytes(4).toString('hex')}@participants.test`;

  let coordinatorToken: string | undefined;
  /** The bearer token of a coordinator of this study, signed in once per context. */
  const coordinator = async () =>
    (coordinatorToken ??= await signIn({ email: 'coordinator@staff.test', role: 'coordinator', studies: [study.id] }));

  /** Enrols a participant with a fresh address through the API. */
  const enrol = async (body: { arm: string; timezone?: string }, label = 'participant') => {
    const email = uniqueEmail(label);
    const response = await request('POST', `/api/studies/${study.id}/participants`, { token: await coordinator(), body: { email, ...body } });
    if (response.status !== 201) throw new Error(`enrolment failed: ${response.status} ${await response.text()}`);
    const { code } = (await response.json()) as { code: string };
    return { email, code };
  };

  /** Enrols a participant, runs the dispatcher and returns the link token from their invitation. */
  const invite = async (arm = 'mbpm') => {
    const participant = await enrol({ arm }, 'invited');
    await runDispatch(deps);
    const token = linkToken((await inbox(participant.email))[0]);
    if (!token) throw new Error('no invitation arrived');
    return { ...participant, token };
  };

  return { deps, app, db, sesClient, clock, study, request, inbox, signIn, scan, uniqueEmail, coordinator, enrol, invite, allocationKey };
}

export type TestContext = Awaited<ReturnType<typeof createTestContext>>;

/** The participant link token in an email, or undefined. */
export const linkToken = (email: InboxEmail | undefined): string | undefined =>
  /\/p\/#([A-Za-z0-9_-]+)/.exec(email?.body.text ?? '')?.[1];
