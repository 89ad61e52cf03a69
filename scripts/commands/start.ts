import type { Command } from 'commander';
import { resolve } from 'node:path';

const port = (value: string) => {
  const n = Number(value);
  if (!Number.isInteger(n) || n < 1 || n > 65535) throw new Error(`not a port number: ${value}`);
  return n;
};

export function registerStartCommand(program: Command): void {
  program
    .command('start')
    .description('Run the whole platform locally: DynamoDB and SES emulators, API, web app, dispatcher, demo study.')
    .option('--port <n>', 'web app and API port (env PORT)', process.env.PORT ?? '3000')
    .option('--dynamodb-port <n>', 'embedded DynamoDB port (env DYNAMODB_PORT)', process.env.DYNAMODB_PORT ?? '4567')
    .option('--ses-port <n>', 'embedded SES and inbox port (env SES_PORT)', process.env.SES_PORT ?? '8005')
    .option('--data-dir <dir>', 'where the local database lives (env TIMEPOINT_DATA_DIR)', process.env.TIMEPOINT_DATA_DIR ?? '.data')
    .option('--no-demo', 'do not create the demo studies (and the demo study\'s synthetic participants) on first start')
    .option('--log-requests', 'print a line per request: method, route, status, time (never tokens or request data)')
    .addHelpText(
      'after',
      '\nData persists in the data folder across restarts; delete it to start afresh.\nEverything listens on 127.0.0.1 only and answers only to localhost and loopback addresses.',
    )
    .action(async (opts: { port: string; dynamodbPort: string; sesPort: string; dataDir: string; demo: boolean; logRequests?: boolean }) => {
      const log = (line: string) => console.log(line);
      // Loaded on use, so other commands don't pay for the emulators, the server and Vite.
      const { startPlatform } = await import('../local/platform');
      const platform = await startPlatform({
        root: resolve(import.meta.dirname, '..', '..'),
        port: port(opts.port),
        dynamoPort: port(opts.dynamodbPort),
        sesPort: port(opts.sesPort),
        dataDir: opts.dataDir,
        dispatchEveryMs: 60_000,
        seedDemo: opts.demo,
        syntheticDemo: opts.demo,
        logRequests: opts.logRequests === true,
        log,
      });
      log('');
      // From the process's start, so Node, TypeScript compilation and the emulators are all counted.
      log(`Timepoint is running (ready in ${process.uptime().toFixed(1)} s).`);
      log(`  Staff console     ${platform.url}/            sign in as coordinator@example.org`);
      log(`  Email inbox       ${platform.inboxUrl}/       every email the platform sends`);
      log(`  API               ${platform.url}/api/health`);
      log(`  Data              ${resolve(opts.dataDir)}`);
      log('Press Ctrl+C to stop.');
      const stop = async () => {
        log('Stopping…');
        await platform.stop();
        log('Stopped.');
        process.exit(0);
      };
      process.once('SIGINT', () => void stop());
      process.once('SIGTERM', () => void stop());
    });
}
