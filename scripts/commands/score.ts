import { Option, type Command } from 'commander';
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { loadScoringPlugins } from '../../functions/adapters/bundled-catalogue/scoring-plugins';
import { listInstruments } from '../../functions/adapters/bundled-catalogue/bundled-catalogue';
import { fail } from './fail';
import { RowError, scoreCsv, scoreJsonLines } from './score-rows';

export function registerScoreCommand(program: Command): void {
  program
    .command('score')
    .description('Score item-level data with the same engine and rules as the server.')
    .requiredOption('--instrument <id>', 'instrument id (see `npx timepoint instruments`)')
    .option('--version <v>', 'instrument version (default: the bundled one)')
    .option('--input <file>', 'input file, or - for standard input', '-')
    .addOption(new Option('--format <format>', 'input and output format (default: from the file extension, else jsonl)').choices(['jsonl', 'csv']))
    .option('--missing <rule>', "a named missing-data rule of the instrument instead of each scale's default")
    .option('--plugins <module>', 'a licensed scoring plug-in module (e.g. for PAM-13)')
    .addHelpText(
      'after',
      `
Input: JSON Lines (one object of item id → code or null per line) or CSV (a header of item
ids; blank cells are unanswered; other columns pass through). Output, one result per input row
in the same order: JSON Lines of {"instrument","version","scales":{…},"flags":[…]}, or the CSV
with <scale> and <scale>_status columns (and flags) added.

A bad row stops everything with "row N, item X: …" on stderr and exit code 2; nothing is
written to stdout, so output is never half-written.

Examples:
  npx timepoint score --instrument phq9 --input answers.csv > scored.csv
  echo '{"PEG_1":7,"PEG_2":5,"PEG_3":6}' | npx timepoint score --instrument peg3
  npx timepoint score --instrument promis29 --missing promis_legacy_50 --input p29.jsonl`,
    )
    .action(async (opts: { instrument: string; version?: string; input: string; format?: 'jsonl' | 'csv'; missing?: string; plugins?: string }) => {
      const instrument = listInstruments().find((i) => i.id === opts.instrument && (opts.version === undefined || i.version === opts.version));
      if (!instrument) fail(`no instrument ${opts.instrument}${opts.version ? `@${opts.version}` : ''} (see \`npx timepoint instruments\`)`);
      if (opts.missing !== undefined && instrument.scoring.missingRules[opts.missing] === undefined) {
        fail(`${instrument.id} has no missing-data rule "${opts.missing}" (it has: ${Object.keys(instrument.scoring.missingRules).join(', ')})`);
      }
      const format = opts.format ?? (opts.input.toLowerCase().endsWith('.csv') ? 'csv' : 'jsonl');
      let input: string;
      try {
        input = readFileSync(opts.input === '-' ? 0 : opts.input, 'utf8');
      } catch (error) {
        fail(`cannot read ${opts.input}: ${error instanceof Error ? error.message : String(error)}`);
      }
      const options = {
        ...(opts.missing ? { missingRule: opts.missing } : {}),
        plugins: await loadScoringPlugins(opts.plugins ? resolve(opts.plugins) : undefined),
      };
      try {
        process.stdout.write(format === 'csv' ? scoreCsv(instrument.scoring, input, options) : scoreJsonLines(instrument.scoring, input, options));
      } catch (error) {
        if (error instanceof RowError) fail(error.message);
        fail(`${opts.input}: ${error instanceof Error ? error.message : String(error)}`);
      }
    });
}
