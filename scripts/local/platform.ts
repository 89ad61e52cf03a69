import { serve, type ServerType } from '@hono/node-server';
import { getConnInfo } from '@hono/node-server/conninfo';
import { serveStatic } from '@hono/node-server/serve-static';
import { Hono } from 'hono';
import { randomBytes } from 'node:crypto';
import { relative, resolve } from 'node:path';
import { envelopeSealer, localKeyWrapper } from '../../functions/adapters/system/envelope-sealer';
import { createDb } from '../../functions/adapters/dynamodb/client';
import { ensureTables } from '../../functions/adapters/dynamodb/create-tables';
import { loadConfig } from '../../functions/config';
import { buildDependencies } from '../../functions/dependencies';
import type { Clock } from '../../functions/core/ports';
import { createApp } from '../../functions/http/app';
import { requireOwnHost } from '../../functions/http/host-check';
import { cacheControlFor, pageHeaders } from '../../functions/http/page-headers';
import { logRequests } from '../../functions/http/request-log';
import { runDispatch } from '../../functions/use-cases/dispatch';
import { demoStudy } from '../../functions/demo/demo-study';
import { seedDemo } from '../../functions/use-cases/seed-demo';
import { seedSyntheticDemo } from '../../functions/use-cases/seed-synthetic-demo';
import { LOCAL_TABLES } from './data-connection';
import { checkDatabaseFolder, claimDataFolder } from './data-folder';
import { startDispatcherLoop } from './dispatcher-loop';
import { passSummary } from './pass-summary';
import { startEmulators } from './emulators';
import { ensurePortsFree, portSetupError } from './ports';
import { ensureWebBuild } from './web-build';

export interface PlatformOptions {
  root: string;
  port: number;
  dynamoPort: number;
  sesPort: number;
  /** dynalite's on-disk folder; in memory when null (tests). */
  dataDir: string | null;
  /** Milliseconds between dispatcher passes. */
  dispatchEveryMs: number;
  seedDemo: boolean;
  /** On first start, give the `demo` study its synthetic participants (what `npm start` does; tests opt in). */
  syntheticDemo?: boolean;
  log: (line: string) => void;
  /** Replaces the system clock (tests, demos at a chosen local time). */
  clock?: Clock;
  /** Logs a line per request (method, route pattern, status, duration) through `log`. */
  logRequests?: boolean;
}

export interface Platform {
  url: string;
  inboxUrl: string;
  dynamoEndpoint: string;
  stop(): Promise<void>;
}

/**
 * The whole platform in one process: emulators, tables from the shared definitions, the demo
 * study, the API and web app on one port, and the dispatcher on a timer. The app and the
 * dispatcher are the same code the Lambdas run; only the adapters' endpoints differ.
 */
export async function startPlatform(options: PlatformOptions): Promise<Platform> {
  const { log } = options;
  // Settings named as `npx timepoint start --help` names them, for messages about a port in use.
  const ports = [
    { port: options.port, setting: '--port or PORT' },
    { port: options.dynamoPort, setting: '--dynamodb-port or DYNAMODB_PORT' },
    { port: options.sesPort, setting: '--ses-port or SES_PORT' },
  ];
  // The folder first: when another `npm start` holds it, that is the news, not its ports clashing.
  const claim = options.dataDir
    ? claimDataFolder(options.dataDir, { command: 'start', port: options.port, dynamoPort: options.dynamoPort, sesPort: options.sesPort })
    : null;
  const release = () => claim?.release();
  let emulators: Awaited<ReturnType<typeof startEmulators>>;
  /** The demo's synthetic history, written in the background on first start; stopping cuts it short. */
  let seeding: Promise<void> = Promise.resolve();
  let stopping = false;
  try {
    await ensurePortsFree(ports);
    const databaseDir = options.dataDir ? resolve(options.dataDir, 'dynamodb') : undefined;
    if (databaseDir && options.dataDir) await checkDatabaseFolder(databaseDir, options.dataDir);
    emulators = await startEmulators({ ...(databaseDir ? { dataDir: databaseDir } : {}), dynamoPort: options.dynamoPort, sesPort: options.sesPort }).catch(
      (error: unknown) => {
        throw portSetupError(error, ports) ?? error;
      },
    );
    claim?.update({ dynamoPort: portOf(emulators.dynamoEndpoint), sesPort: portOf(emulators.sesEndpoint) });
  } catch (error) {
    release();
    throw error;
  }
  try {
    const url = `http://localhost:${options.port}`;
    const config = loadConfig({
      TIMEPOINT_BASE_URL: url,
      ...LOCAL_TABLES,
      AWS_REGION: 'eu-west-2',
      DYNAMODB_ENDPOINT: emulators.dynamoEndpoint,
      SES_ENDPOINT: emulators.sesEndpoint,
      TIMEPOINT_SYSTEM_SENDER: 'timepoint@example.org',
      // The key that seals allocation sequences lives beside the database it protects (see docs/randomisation.md).
      ...(options.dataDir ? { TIMEPOINT_ALLOCATION_KEY_FILE: resolve(options.dataDir, 'allocation.key') } : {}),
    });
    await ensureTables(createDb({ endpoint: emulators.dynamoEndpoint, region: config.AWS_REGION }, { research: config.RESEARCH_TABLE, contacts: config.CONTACTS_TABLE }));

    let kick = () => {};
    const deps = buildDependencies(config, {
      onScheduleChanged: () => kick(),
      ...(options.clock ? { clock: options.clock } : {}),
      // In memory (tests): a throwaway key that dies with the process, like the data it seals.
      ...(options.dataDir ? {} : { sealer: envelopeSealer(localKeyWrapper(randomBytes(32))) }),
    });
    if (options.seedDemo) {
      const { created } = await seedDemo(deps);
      if (created.length > 0) log(`Created the demo studies ${new Intl.ListFormat('en', { type: 'conjunction' }).format(created.map((id) => `"${id}"`))}, and staff accounts coordinator@, analyst@ and admin@example.org.`);
      if (options.syntheticDemo && created.includes(demoStudy.id)) {
        // Written while the platform starts serving (it takes a while): the dispatcher waits for it (below).
        const started = Date.now();
        seeding = seedSyntheticDemo(deps, demoStudy, { shouldStop: () => stopping }).then(
          ({ participants, stopped }) => {
            if (!stopped) log(`Gave "demo" ${participants} synthetic participants (codes SYN-…, never emailed) in ${Math.round((Date.now() - started) / 1000)} s, so its dashboard, summary and exports have data.`);
          },
          (error: unknown) => log(`The demo's synthetic participants could not all be written: ${error instanceof Error ? error.message : String(error)}`),
        );
      }
    }
    const dist = await ensureWebBuild(options.root, log);
    const web = relative(process.cwd(), dist) || '.';

    const site = new Hono();
    if (options.logRequests) site.use('*', logRequests((e) => log(`${e.method} ${e.route} ${e.status} ${e.ms} ms`)));
    // DNS rebinding: a page elsewhere whose name resolves to 127.0.0.1 must not be able to drive this server.
    site.use('*', requireOwnHost(url));
    // Pages and assets: the same headers CloudFront adds in AWS (the API sets its own).
    site.use('*', async (c, next) => {
      await next();
      if (c.req.path.startsWith('/api/')) return;
      for (const [name, value] of Object.entries(pageHeaders)) c.header(name, value);
      c.header('Strict-Transport-Security', 'max-age=31536000; includeSubDomains');
      c.header('Cache-Control', cacheControlFor(c.req.path));
    });
    site.route('/', createApp({ ...deps, clientAddress: (c) => getConnInfo(c).remote.address }));
    // Client-side routes: participant and unsubscribe links (/p/#<token>, and the older /p/<token>) get the lean participant page, everything else the staff console.
    site.get('/p/*', serveStatic({ path: `${web}/participant.html` }));
    site.get('/u/*', serveStatic({ path: `${web}/participant.html` }));
    site.get('/join/*', serveStatic({ path: `${web}/participant.html` }));
    // A staff preview of a timepoint is the participant page itself (under a banner).
    site.get('/preview/*', serveStatic({ path: `${web}/participant.html` }));
    site.use('/*', serveStatic({ root: web }));
    site.get('*', serveStatic({ path: `${web}/index.html` }));

    const loop = startDispatcherLoop(
      async () => {
        // The synthetic history is written on its own virtual clock: the first real pass waits for it.
        await seeding;
        const report = await runDispatch(deps);
        const summary = passSummary(report);
        if (summary !== null) log(`dispatcher: ${summary}`);
        // An import job may have more chunks than one pass's budget: go on at once rather than in a minute.
        if (report.imported > 0) kick();
      },
      options.dispatchEveryMs,
      (error) => log(`dispatcher error: ${error instanceof Error ? error.message : String(error)}`),
    );
    kick = loop.kick;
    loop.kick();

    const server: ServerType = await new Promise((resolveServer, reject) => {
      const s = serve({ fetch: site.fetch, port: options.port, hostname: '127.0.0.1' }, () => resolveServer(s));
      s.once('error', (error) => reject(portSetupError(error, ports) ?? error));
    });

    return {
      url,
      inboxUrl: emulators.sesEndpoint,
      dynamoEndpoint: emulators.dynamoEndpoint,
      async stop() {
        stopping = true;
        await seeding;
        await loop.stop();
        await new Promise<void>((r) => server.close(() => r()));
        await emulators.stop();
        release();
      },
    };
  } catch (error) {
    stopping = true;
    await seeding;
    await emulators.stop();
    release();
    throw error;
  }
}

const portOf = (endpoint: string) => Number(new URL(endpoint).port);
