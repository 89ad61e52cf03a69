import type { Command } from 'commander';
import { existsSync, readFileSync } from 'node:fs';
import { cliActor } from './cli-actor';
import { addDataOptions, dataConnection, type DataOptions } from './data-options';
import { fail } from './fail';

/** Progress lines while rows go: one every this many rows, and the last. */
const PROGRESS_EVERY = 500;

export function registerImportCommand(program: Command): void {
  addDataOptions(
    program
      .command('import')
      .description('Enrol participants from a CSV file into a study, in this process (the console and API run an import as a background job).')
      .requiredOption('--study <id>', 'the study to enrol into')
      .requiredOption('--input <file>', 'the participants CSV: a header with email and arm, optionally code, timezone, enrolment_date, language')
      .option('--dry-run', 'check every row and report, enrol nobody'),
  )
    .addHelpText(
      'after',
      `
Every row is checked first; if any row has a problem, nobody is enrolled, each problem is printed
as "row N, column: message", and the command exits with code 1. Progress is printed every
${PROGRESS_EVERY} rows. The schedules are planned by the dispatcher (the running platform's, or
npx timepoint dispatch).`,
    )
    .action(async (opts: DataOptions & { study: string; input: string; dryRun?: boolean }) => {
      if (!existsSync(opts.input)) fail(`--input: no such file ${opts.input}`);
      const csv = readFileSync(opts.input, 'utf8');
      const { connectToData } = await import('../local/data-connection');
      const { importParticipants } = await import('../../functions/use-cases/import-participants');
      const { isAppError } = await import('../../functions/core/errors');
      const data = await connectToData(dataConnection(opts, 'import'));
      let problem: string | undefined;
      try {
        const report = await importParticipants(data.deps, cliActor(), opts.study, csv, opts.dryRun === true, {
          onProgress: (done, total) => {
            if (done % PROGRESS_EVERY === 0 || done === total) process.stderr.write(`${done} of ${total} rows\n`);
          },
        });
        const failures = report.rows.flatMap((r) => r.problems.map((p) => `row ${r.row}, ${p.column}: ${p.message}`));
        if (report.dryRun) process.stdout.write(`Checked ${report.rows.length} rows against ${data.where}: ${report.valid} valid, ${report.invalid} with problems. Nobody was enrolled.\n`);
        else if (report.invalid === 0 || report.enrolled > 0) process.stdout.write(`Enrolled ${report.enrolled} of ${report.rows.length} participants into "${opts.study}" (${data.where}).\n`);
        for (const line of report.warnings ?? []) process.stdout.write(`${line}\n`);
        if (failures.length > 0) {
          process.stderr.write(`${failures.join('\n')}\n`);
          problem = report.enrolled > 0 ? `${report.invalid} rows were not enrolled` : `${report.invalid} of ${report.rows.length} rows have problems: nobody was enrolled`;
        }
      } catch (error) {
        if (!isAppError(error)) throw error;
        problem = error.message;
      } finally {
        await data.close();
      }
      if (problem !== undefined) fail(problem, 1);
    });
}
