import type { Command } from 'commander';

/** Where a command finds the platform's data: the local folder (or running platform), or a deployment. */
export interface DataOptions {
  dataDir: string;
  dynamodbPort: string;
  deployment?: string;
}

/** Adds the options every command that reads or writes the platform's data shares. */
export function addDataOptions(command: Command): Command {
  return command
    .option('--data-dir <dir>', 'local data folder (env TIMEPOINT_DATA_DIR)', process.env.TIMEPOINT_DATA_DIR ?? '.data')
    .option('--dynamodb-port <n>', 'DynamoDB port of a running local platform (env DYNAMODB_PORT)', process.env.DYNAMODB_PORT ?? '4567')
    .option('--deployment <file>', 'work on a deployment: the file `npx cdk deploy --all --outputs-file <file>` wrote (needs AWS credentials)');
}

/** The `connectToData` options for what the user gave. */
export const dataConnection = (opts: DataOptions, command: string) => ({
  dataDir: opts.dataDir,
  dynamoPort: Number(opts.dynamodbPort),
  command,
  ...(opts.deployment ? { deployment: opts.deployment } : {}),
});
