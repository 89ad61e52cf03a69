import { mkdirSync } from 'node:fs';
import { createRequire } from 'node:module';
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { guardLoopback } from './loopback-guard';

const require = createRequire(import.meta.url);

export interface EmulatorOptions {
  /** Folder for dynalite's LevelDB files; in memory when unset. */
  dataDir?: string;
  /** 0 picks a free port. */
  dynamoPort: number;
  sesPort: number;
  host?: string;
}

export interface Emulators {
  dynamoEndpoint: string;
  sesEndpoint: string;
  stop(): Promise<void>;
}

const listen = (server: Server, port: number, host: string) =>
  new Promise<number>((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, host, () => resolve((server.address() as AddressInfo).port));
  });

const close = (server: Server) => new Promise<void>((resolve) => server.close(() => resolve()));

/**
 * Starts the embedded DynamoDB (dynalite) and SES (aws-ses-v2-local) on loopback. `npm start`
 * and the test setup both use this, so local runs and tests share one bootstrap. Each answers
 * only to loopback Host names and refuses other web pages (see loopback-guard.ts).
 */
export async function startEmulators(options: EmulatorOptions): Promise<Emulators> {
  const host = options.host ?? '127.0.0.1';
  if (options.dataDir) mkdirSync(options.dataDir, { recursive: true });
  // dynalite ships no types; tables are usable at once with the CREATING delay off.
  const dynalite = require('dynalite') as (opts: Record<string, unknown>) => Server;
  const dynamo = dynalite({ createTableMs: 0, deleteTableMs: 0, updateTableMs: 0, ...(options.dataDir ? { path: options.dataDir } : {}) });
  guardLoopback(dynamo, { name: 'embedded DynamoDB', browsers: 'never' });
  const dynamoPort = await listen(dynamo, options.dynamoPort, host);

  const sesModule = (await import('aws-ses-v2-local')) as unknown as { default: unknown };
  const startSes = ((sesModule.default as { default?: unknown }).default ?? sesModule.default) as (config: { host: string; port: number }) => Promise<Server>;
  let ses: Server;
  try {
    ses = await startSes({ host, port: options.sesPort });
  } catch (error) {
    await close(dynamo);
    throw error;
  }
  guardLoopback(ses, { name: 'email inbox', browsers: 'own-origin' });
  const sesPort = (ses.address() as AddressInfo).port;

  return {
    dynamoEndpoint: `http://${host}:${dynamoPort}`,
    sesEndpoint: `http://${host}:${sesPort}`,
    async stop() {
      ses.closeAllConnections?.();
      await Promise.all([close(dynamo), close(ses)]);
    },
  };
}
