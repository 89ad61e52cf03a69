import { Command } from 'commander';
import { registerStartCommand } from './commands/start';

/** The `timepoint` command line: what `npm start`, tests, benchmarks and analysts use. Keep it stable. */
export async function main(argv: string[]): Promise<void> {
  const program = new Command()
    .name('timepoint')
    .description('Scheduled patient-reported-outcome questionnaires for clinical research.')
    .showHelpAfterError('(run with --help for usage)')
    .configureOutput({ writeErr: (s) => process.stderr.write(s) });
  registerStartCommand(program);
  await program.parseAsync(argv);
}
