import type { Command } from 'commander';
import { readFileSync } from 'node:fs';
import { checkLicensedText, licensedTextSchema } from '../../functions/core/instruments/licensed-text';
import { listInstruments } from '../../surveys/catalogue';
import { fail } from './fail';

export function registerInstrumentsCommand(program: Command): void {
  const instruments = program
    .command('instruments')
    .description('The instrument catalogue: ids, versions, scales, licences, and whether wording ships.')
    .option('--json', 'machine-readable output')
    .action((opts: { json?: boolean }) => {
      const rows = listInstruments().map(({ id, version, scoring }) => ({
        id,
        version,
        name: scoring.name,
        scoringVersion: scoring.scoringVersion,
        scales: scoring.scales.map((s) => s.id),
        items: scoring.items.length,
        licence: scoring.licence.category,
        holder: scoring.licence.holder,
        wording: scoring.licence.textIncluded ? 'shipped' : 'licensee file',
        missingRules: Object.keys(scoring.missingRules),
        citation: scoring.citation,
      }));
      if (opts.json) {
        process.stdout.write(`${JSON.stringify(rows, null, 2)}\n`);
        return;
      }
      const table = rows.map((r) => [r.id, r.version, r.licence, r.wording, String(r.items), r.scales.join(', ')]);
      const head = ['id', 'version', 'licence', 'wording', 'items', 'scales'];
      const widths = head.map((h, i) => Math.max(h.length, ...table.map((row) => row[i]!.length)));
      const line = (cells: string[]) => cells.map((c, i) => (i === cells.length - 1 ? c : c.padEnd(widths[i]!))).join('  ');
      process.stdout.write([line(head), line(widths.map((w) => '-'.repeat(w))), ...table.map(line)].join('\n') + '\n');
    });

  instruments
    .command('load-text')
    .description("Load a licensee's wording for a licensed instrument into this deployment's database (never into the repository).")
    .requiredOption('--file <path>', 'the wording file (format: docs/instruments.md, "Licensed wording")')
    .option('--data-dir <dir>', 'local data folder (env TIMEPOINT_DATA_DIR)', process.env.TIMEPOINT_DATA_DIR ?? '.data')
    .option('--dynamodb-port <n>', 'port of a running local platform (env DYNAMODB_PORT)', process.env.DYNAMODB_PORT ?? '4567')
    .addHelpText('after', '\nWith RESEARCH_TABLE (and AWS credentials) in the environment, loads into that deployment instead.')
    .action(async (opts: { file: string; dataDir: string; dynamodbPort: string }) => {
      let raw: unknown;
      try {
        raw = JSON.parse(readFileSync(opts.file, 'utf8'));
      } catch (error) {
        return fail(`${opts.file}: ${error instanceof Error ? error.message : String(error)}`);
      }
      const parsed = licensedTextSchema.safeParse(raw);
      if (!parsed.success) return fail(parsed.error.issues.map((i) => `${opts.file}: ${i.path.join('.') || '(top)'}: ${i.message}`).join('\n'));
      const text = parsed.data;
      const instrument = listInstruments().find((i) => i.id === text.instrument && i.version === text.version);
      if (!instrument) return fail(`${opts.file}: no instrument ${text.instrument}@${text.version} (see \`npx timepoint instruments\`)`);
      if (instrument.scoring.licence.textIncluded) return fail(`${text.instrument} already ships its wording; nothing to load`);
      const problems = checkLicensedText(instrument.scoring, text);
      if (problems.length > 0) return fail(problems.map((p) => `${opts.file}: ${p.field}: ${p.message}`).join('\n'));
      const { connectToData } = await import('../local/data-connection');
      const data = await connectToData({ dataDir: opts.dataDir, dynamoPort: Number(opts.dynamodbPort) });
      try {
        await data.deps.licensedTexts.put(text);
      } finally {
        await data.close();
      }
      process.stdout.write(`Loaded the wording of ${text.instrument}@${text.version} (${Object.keys(text.items).length} items).\n`);
    });
}
