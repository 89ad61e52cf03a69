import { createConnection } from 'node:net';
import { resolve } from 'node:path';
import { createDb } from '../../functions/adapters/dynamodb/client';
import { ensureTables } from '../../functions/adapters/dynamodb/create-tables';
import { loadConfig, type Config } from '../../functions/config';
import { buildDependencies } from '../../functions/dependencies';
import type { Clock } from '../../functions/core/ports';
import type { AppDeps } from '../../functions/http/env';
import { deploymentSettings } from './deployment-outputs';
import { checkDatabaseFolder, claimDataFolder, dataFolderHolder } from './data-folder';
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
 * the running `npm start` that holds the data folder (whatever ports it was given), or one
 * listening on `dynamoPort`, else the data folder opened directly (and held while the command runs).
 */
export async function connectToData(options: {
  dataDir: string;
  dynamoPort: number;
  /** SES port of a running local platform (so emails land in its inbox). */
  sesPort?: number;
  clock?: Clock;
  /** The command, named to anyone who finds the data folder in use meanwhile. */
  command?: string;
  /** A deployment's `cdk deploy --outputs-file` file: its tables instead of the local data. */
  deployment?: string;
}): Promise<{ deps: AppDeps; config: Config; close(): Promise<void>; where: string }> {
  const overrides = options.clock ? { clock: options.clock } : {};
  if (options.deployment || process.env.RESEARCH_TABLE) {
    const deployment = options.deployment ? deploymentSettings(options.deployment) : {};
    const config = loadConfig({ TIMEPOINT_BASE_URL: 'http://localhost:3000', ...process.env, ...deployment });
    return { deps: buildDependencies(config, overrides), config, close: async () => {}, where: `the deployment's table ${config.RESEARCH_TABLE}` };
  }
  const holder = dataFolderHolder(options.dataDir);
  const ports = holder ? { dynamo: holder.dynamoPort, ses: holder.sesPort } : { dynamo: options.dynamoPort, ses: options.sesPort ?? 8005 };
  let endpoints = { dynamo: `http://127.0.0.1:${ports.dynamo}`, ses: `http://127.0.0.1:${ports.ses}` };
  let where = holder?.port ? `the running local platform (port ${holder.port})` : 'the running local platform';
  let stop = async () => {};
  if (!(await reachable(ports.dynamo))) {
    const claim = claimDataFolder(options.dataDir, { command: options.command ?? 'cli', dynamoPort: 0, sesPort: 0 });
    try {
      const databaseDir = resolve(options.dataDir, 'dynamodb');
      await checkDatabaseFolder(databaseDir, options.dataDir);
      const emulators = await startEmulators({ dataDir: databaseDir, dynamoPort: 0, sesPort: 0 });
      endpoints = { dynamo: emulators.dynamoEndpoint, ses: emulators.sesEndpoint };
      stop = async () => {
        await emulators.stop();
        claim.release();
      };
    } catch (error) {
      claim.release();
      throw error;
    }
    where = `the data in ${resolve(options.dataDir)} (the platform is not running: emails go to a temporary inbox)`;
  }
  const config = loadConfig({
    // Links in emails a command sends point where the running platform serves them.
    TIMEPOINT_BASE_URL: `http://localhost:${holder?.port ?? process.env.PORT ?? 3000}`,
    AWS_REGION: 'eu-west-2',
    DYNAMODB_ENDPOINT: endpoints.dynamo,
    SES_ENDPOINT: endpoints.ses,
    ...LOCAL_TABLES,
  });
  await ensureTables(createDb({ endpoint: endpoints.dynamo, region: config.AWS_REGION }, { research: config.RESEARCH_TABLE, contacts: config.CONTACTS_TABLE }));
  return { deps: buildDependencies(config, overrides), config, close: stop, where };
}
