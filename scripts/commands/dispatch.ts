import type { Command } from 'commander';
import { fixedClock } from '../../functions/adapters/system/system-clock';
import { fail } from './fail';

export function registerDispatchCommand(program: Command): void {
  program
    .command('dispatch')
    .description('Run one dispatcher pass now: plan, follow up completions, expire, and send what is due.')
    .option('--now <ISO>', 'act as if it were this instant (e.g. 2026-03-04T09:00:00Z), for test participants only; their emails really go out')
    .option('--data-dir <dir>', 'local data folder (env TIMEPOINT_DATA_DIR)', process.env.TIMEPOINT_DATA_DIR ?? '.data')
    .option('--dynamodb-port <n>', 'DynamoDB port of a running local platform (env DYNAMODB_PORT)', process.env.DYNAMODB_PORT ?? '4567')
    .option('--ses-port <n>', 'SES port of a running local platform (env SES_PORT)', process.env.SES_PORT ?? '8005')
    .option('--json', 'print the report as JSON')
    .addHelpText(
      'after',
      `
With --now (time travel) the pass acts only on test participants (enrolled with "test": true, or
"Test participant" in the console): everyone else's due work is left alone, whatever the study, so
real participants never get early mail or lose a questionnaire. A study with any participant who is
not a test participant is live; time travel there touches only its test participants.

With RESEARCH_TABLE (and AWS credentials) in the environment, runs against that deployment.`,
    )
    .action(async (opts: { now?: string; dataDir: string; dynamodbPort: string; sesPort: string; json?: boolean }) => {
      if (opts.now !== undefined && Number.isNaN(Date.parse(opts.now))) fail(`--now: not an ISO 8601 instant: ${opts.now}`);
      const { connectToData } = await import('../local/data-connection');
      const { runDispatch } = await import('../../functions/use-cases/dispatch');
      const data = await connectToData({
        dataDir: opts.dataDir,
        dynamoPort: Number(opts.dynamodbPort),
        sesPort: Number(opts.sesPort),
        ...(opts.now ? { clock: fixedClock(opts.now) } : {}),
      });
      try {
        const report = await runDispatch(data.deps, { onlyTestParticipants: opts.now !== undefined });
        if (opts.json) process.stdout.write(`${JSON.stringify(report)}\n`);
        else {
          process.stdout.write(`Dispatched against ${data.where}${opts.now ? ` as of ${opts.now}, for test participants only` : ''}:\n`);
          const width = Math.max(...Object.keys(report).map((what) => what.length));
          for (const [what, n] of Object.entries(report)) process.stdout.write(`  ${what.padEnd(width)} ${n}\n`);
          if (report.leftAlone > 0) {
            process.stdout.write(`Left alone: ${report.leftAlone} due item${report.leftAlone === 1 ? '' : 's'} of participants who are not test participants (time travel never acts on them).\n`);
          }
        }
      } finally {
        await data.close();
      }
    });
}
