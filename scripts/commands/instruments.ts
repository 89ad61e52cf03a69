import type { Command } from 'commander';
import { readFileSync } from 'node:fs';
import { byConstruct, catalogueEntry } from '../../functions/core/catalogue/catalogue-entry';
import { constructLabels } from '../../functions/core/catalogue/constructs';
import { checkLicensedText, licensedTextSchema } from '../../functions/core/catalogue/licensed-text';
import { listInstruments } from '../../functions/adapters/bundled-catalogue/bundled-catalogue';
import { fail } from './fail';

/** The note on non-commercial licences, naming the instruments it applies to (none: no note). */
function nonCommercial(rows: Array<{ id: string; nonCommercial: boolean }>): string[] {
  const ids = rows.filter((r) => r.nonCommercial).map((r) => r.id);
  if (ids.length === 0) return [];
  return ['', `Non-commercial licence (${ids.join(', ')}): a commercial deployment must replace it or obtain the holder's permission.`];
}

export function registerInstrumentsCommand(program: Command): void {
  const instruments = program
    .command('instruments')
    .description('The instrument catalogue: ids, versions, constructs, scales, licences (non-commercial flagged), whether wording ships and in which languages.')
    .option('--json', 'machine-readable output')
    .action((opts: { json?: boolean }) => {
      const instruments = listInstruments();
      const entries = instruments.map(catalogueEntry);
      const rows = instruments.map(({ scoring }, n) => ({
        ...entries[n]!,
        scoringVersion: scoring.scoringVersion,
        scales: scoring.scales.map((s) => s.id),
        items: scoring.items.length,
        missingRules: Object.keys(scoring.missingRules),
        citation: scoring.citation,
      }));
      if (opts.json) {
        process.stdout.write(`${JSON.stringify(rows, null, 2)}\n`);
        return;
      }
      const table = rows.map((r) => [
        r.id,
        r.version,
        r.constructs.join(', '),
        r.licence.name ?? r.licence.category,
        r.nonCommercial ? 'yes' : '',
        r.wording,
        r.languages.includes('fr') ? 'yes' : r.wording === 'shipped' ? 'no' : '',
        String(r.items),
        r.scales.join(', '),
      ]);
      const head = ['id', 'version', 'constructs', 'licence', 'non-commercial', 'wording', 'French', 'items', 'scales'];
      const widths = head.map((h, i) => Math.max(h.length, ...table.map((row) => row[i]!.length)));
      const line = (cells: string[]) => cells.map((c, i) => (i === cells.length - 1 ? c : c.padEnd(widths[i]!))).join('  ');
      const list = (ids: string[]) => (ids.length > 0 ? ids.join(', ') : 'none');
      const constructLines = byConstruct(entries).map(
        ({ construct, shipped, licenseeFile }) => `  ${constructLabels[construct].padEnd(28)} shipped: ${list(shipped)}; licensee file: ${list(licenseeFile)}`,
      );
      const notes = [
        '',
        'By construct:',
        ...constructLines,
        ...nonCommercial(rows),
        'Licensee file: load the licensed wording with `npx timepoint instruments load-text --file <wording.json>` (docs/instruments.md).',
      ];
      process.stdout.write([line(head), line(widths.map((w) => '-'.repeat(w))), ...table.map(line), ...notes].join('\n') + '\n');
    });

  instruments
    .command('load-text')
    .description("Load a licensee's wording for a licensed instrument into this deployment's database (never into the repository).")
    .requiredOption('--file <path>', 'the wording file (format: docs/instruments.md, "Licensed wording")')
    .option('--check', 'only check the file against the instrument (every item and code covered); load nothing')
    .option('--data-dir <dir>', 'local data folder (env TIMEPOINT_DATA_DIR)', process.env.TIMEPOINT_DATA_DIR ?? '.data')
    .option('--dynamodb-port <n>', 'port of a running local platform (env DYNAMODB_PORT)', process.env.DYNAMODB_PORT ?? '4567')
    .addHelpText('after', '\nWith RESEARCH_TABLE (and AWS credentials) in the environment, loads into that deployment instead.')
    .action(async (opts: { file: string; check?: boolean; dataDir: string; dynamodbPort: string }) => {
      let raw: unknown;
      try {
        raw = JSON.parse(readFileSync(opts.file, 'utf8'));
      } catch (error) {
        return fail(`${opts.file}: ${error instanceof Error ? error.message : String(error)}`);
      }
      const parsed = licensedTextSchema().safeParse(raw);
      if (!parsed.success) return fail(parsed.error.issues.map((i) => `${opts.file}: ${i.path.join('.') || '(top)'}: ${i.message}`).join('\n'));
      const text = parsed.data;
      const instrument = listInstruments().find((i) => i.id === text.instrument && i.version === text.version);
      if (!instrument) return fail(`${opts.file}: no instrument ${text.instrument}@${text.version} (see \`npx timepoint instruments\`)`);
      if (instrument.scoring.licence.textIncluded) return fail(`${text.instrument} already ships its wording; nothing to load`);
      const problems = checkLicensedText(instrument.scoring, text);
      if (problems.length > 0) return fail(problems.map((p) => `${opts.file}: ${p.field}: ${p.message}`).join('\n'));
      if (opts.check) {
        process.stdout.write(`${opts.file} covers every item and code of ${text.instrument}@${text.version} (${Object.keys(text.items).length} items); nothing loaded.\n`);
        return;
      }
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
