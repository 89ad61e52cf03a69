import { Command } from 'commander';
import { registerDispatchCommand } from './commands/dispatch';
import { fail } from './commands/fail';
import { registerExportCommand } from './commands/export';
import { registerImportCommand } from './commands/import';
import { registerInstrumentsCommand } from './commands/instruments';
import { registerScoreCommand } from './commands/score';
import { registerSimulateCommand } from './commands/simulate';
import { registerStaffCommand } from './commands/staff';
import { registerStartCommand } from './commands/start';
import { LocalSetupError } from './local/local-setup-error';

/** The `timepoint` command line: what `npm start`, tests, benchmarks and analysts use. Keep it stable. */
export async function main(argv: string[]): Promise<void> {
  const program = new Command()
    .name('npx timepoint')
    .description('Scheduled patient-reported-outcome questionnaires for clinical research.')
    .showHelpAfterError('(run with --help for usage)')
    .configureOutput({ writeErr: (s) => process.stderr.write(s) });
  registerStartCommand(program);
  registerInstrumentsCommand(program);
  registerScoreCommand(program);
  registerDispatchCommand(program);
  registerSimulateCommand(program);
  registerExportCommand(program);
  registerImportCommand(program);
  registerStaffCommand(program);
  try {
    await program.parseAsync(argv);
  } catch (error) {
    // A set-up problem the user can fix is one line, not a stack trace.
    if (error instanceof LocalSetupError) fail(error.message, 1);
    throw error;
  }
}
