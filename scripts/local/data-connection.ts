import { createConnection } from 'node:net';
import { resolve } from 'node:path';
import { createDb } from '../../functions/adapters/dynamodb/client';
import { ensureTables } from '../../functions/adapters/dynamodb/create-tables';
import { loadConfig, type Config } from '../../functions/config';
import { buildDependencies } from '../../functions/dependencies';
import type { Clock } from '../../functions/core/ports';
import type { AppDeps } from '../../functions/http/env';
import { startEmulators } from './emulators';

export const LOCAL_TABLES = { RESEARCH_TABLE: 'timepoint-research', CONTACTS_TABLE: 'timepoint-contacts' } as const;

const reachable = (port: number) =>
  new Promise<boolean>((done) => {
    const socket = createConnection({ port, host: '127.0.0.1' });
    socket.once('connect', () => {
      socket.end();
      done(true);
    });
    socket.once('error', () => done(false));
  });

/**
 * The platform's data for a CLI command. With RESEARCH_TABLE set in the environment, that
 * deployment (AWS, or any endpoint given by DYNAMODB_ENDPOINT). Otherwise the local platform:
 * its running DynamoDB if `npm start` is up, else the data folder opened directly.
 */
export async function connectToData(options: {
  dataDir: string;
  dynamoPort: number;
  /** SES port of a running local platform (so emails land in its inbox). */
  sesPort?: number;
  clock?: Clock;
}): Promise<{ deps: AppDeps; config: Config; close(): Promise<void>; where: string }> {
  const overrides = options.clock ? { clock: options.clock } : {};
  if (process.env.RESEARCH_TABLE) {
    const config = loadConfig({ TIMEPOINT_BASE_URL: 'http://localhost:3000', ...process.env });
    return { deps: buildDependencies(config, overrides), config, close: async () => {}, where: `the deployment's table ${config.RESEARCH_TABLE}` };
  }
  let endpoints = { dynamo: `http://127.0.0.1:${options.dynamoPort}`, ses: `http://127.0.0.1:${options.sesPort ?? 8005}` };
  let where = 'the running local platform';
  let stop = async () => {};
  if (!(await reachable(options.dynamoPort))) {
    const emulators = await startEmulators({ dataDir: resolve(options.dataDir, 'dynamodb'), dynamoPort: 0, sesPort: 0 });
    endpoints = { dynamo: emulators.dynamoEndpoint, ses: emulators.sesEndpoint };
    where = `the data in ${resolve(options.dataDir)} (the platform is not running: emails go to a temporary inbox)`;
    stop = emulators.stop;
  }
  const config = loadConfig({
    TIMEPOINT_BASE_URL: 'http://localhost:3000',
    AWS_REGION: 'eu-west-2',
    DYNAMODB_ENDPOINT: endpoints.dynamo,
    SES_ENDPOINT: endpoints.ses,
    ...LOCAL_TABLES,
  });
  await ensureTables(createDb({ endpoint: endpoints.dynamo, region: config.AWS_REGION }, { research: config.RESEARCH_TABLE, contacts: config.CONTACTS_TABLE }));
  return { deps: buildDependencies(config, overrides), config, close: stop, where };
}
