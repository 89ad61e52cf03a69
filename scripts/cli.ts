import { Command } from 'commander';
import { registerDispatchCommand } from './commands/dispatch';
import { registerExportCommand } from './commands/export';
import { registerInstrumentsCommand } from './commands/instruments';
import { registerScoreCommand } from './commands/score';
import { registerSimulateCommand } from './commands/simulate';
import { registerStartCommand } from './commands/start';

/** The `timepoint` command line: what `npm start`, tests, benchmarks and analysts use. Keep it stable. */
export async function main(argv: string[]): Promise<void> {
  const program = new Command()
    .name('timepoint')
    .description('Scheduled patient-reported-outcome questionnaires for clinical research.')
    .showHelpAfterError('(run with --help for usage)')
    .configureOutput({ writeErr: (s) => process.stderr.write(s) });
  registerStartCommand(program);
  registerInstrumentsCommand(program);
  registerScoreCommand(program);
  registerDispatchCommand(program);
  registerSimulateCommand(program);
  registerExportCommand(program);
  await program.parseAsync(argv);
}
