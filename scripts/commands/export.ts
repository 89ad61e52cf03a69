import type { Command } from 'commander';
import { randomBytes } from 'node:crypto';
import { createWriteStream, existsSync, statSync } from 'node:fs';
import { rename, rm } from 'node:fs/promises';
import { basename, dirname, join, resolve } from 'node:path';
import { pipeline } from 'node:stream/promises';
import { cliActor } from './cli-actor';
import { addDataOptions, dataConnection, type DataOptions } from './data-options';
import { fail } from './fail';

/** Kept here (not imported from the use case) so `--help` and a bad --format answer without loading the platform. */
const FORMATS = ['long', 'wide', 'items', 'codebook', 'codebook-json', 'fhir'] as const;

export interface ProgressState {
  participants: number;
  participantsTotal: number;
  rows: number;
}

/** One line of the progress bar: participants done of total, rows written, rows per second. */
export function progressLine(p: ProgressState, elapsedMs: number, width = 24): string {
  const fraction = p.participantsTotal > 0 ? Math.min(1, p.participants / p.participantsTotal) : 1;
  const filled = Math.round(fraction * width);
  const rate = elapsedMs > 0 ? Math.round((p.rows * 1000) / elapsedMs) : 0;
  return `[${'#'.repeat(filled)}${'-'.repeat(width - filled)}] ${p.participants}/${p.participantsTotal} participants · ${p.rows} rows · ${rate} rows/s`;
}

/** A progress bar redrawn in place on stderr at most ten times a second. */
function progressBar(stream: NodeJS.WriteStream) {
  const started = Date.now();
  let last = 0;
  let latest: ProgressState = { participants: 0, participantsTotal: 0, rows: 0 };
  const draw = () => stream.write(`\r\x1b[K${progressLine(latest, Date.now() - started)}`);
  return {
    update(progress: ProgressState) {
      latest = progress;
      if (Date.now() - last >= 100) {
        last = Date.now();
        draw();
      }
    },
    done() {
      draw();
      stream.write('\n');
    },
  };
}

export function registerExportCommand(program: Command): void {
  const command = program
    .command('export')
    .description("Export a study's data for analysis: scores (long or wide), item answers, the codebook, or FHIR R4.")
    .requiredOption('--study <id>', 'the study')
    .requiredOption('--format <format>', `one of ${FORMATS.join(', ')}`)
    .option('--out <file>', 'write to this file (written whole or not at all) instead of standard output')
    .option('--include-test', 'include test participants, with a test column (1/0) last')
    .option('--bom', 'CSV: start with a UTF-8 byte-order mark (Excel)')
    .option('--delimiter <comma|semicolon>', 'CSV field separator; the decimal point stays "."', 'comma');
  addDataOptions(command)
    .addHelpText(
      'after',
      `
Formats (columns: docs/exports.md):
  long           CSV, one row per participant × timepoint × instrument × scale
  wide           CSV, one row per participant; <timepoint>_<instrument>_<scale> columns (SPSS/Stata names)
  items          CSV, one row per participant × timepoint; one column per item, the codes as answered
  codebook       CSV, every column of long, wide and items: label, type, codes, instrument, licence
  codebook-json  the codebook as JSON
  fhir           HL7 FHIR R4 NDJSON: Questionnaire, QuestionnaireResponse, Observation resources

No format contains contact details: exports read only the research table. Reads the running
local platform, else the data folder; with --deployment (and AWS credentials), that deployment's
table, streamed to the file: the way to export a study too large for the console's download
(the console's download streams up to 200 MB in AWS). With --out, the file appears only once complete, and a progress
bar shows on stderr when it is a terminal.

Examples:
  npx timepoint export --study demo --format long --out demo-long.csv
  npx timepoint export --study demo --format wide > demo-wide.csv
  npx timepoint export --study aygun2024 --format codebook-json --out codebook.json
  npx timepoint export --study demo --format fhir --out demo.ndjson
  npx timepoint export --study demo --format wide --bom --delimiter semicolon --out demo-excel.csv
  npx timepoint export --study demo --format long --deployment cdk-outputs.json --out demo-long.csv`,
    )
    .action(async (opts: DataOptions & { study: string; format: string; out?: string; includeTest?: boolean; bom?: boolean; delimiter: string }) => {
      if (!(FORMATS as readonly string[]).includes(opts.format)) fail(`--format: unknown format "${opts.format}" (available: ${FORMATS.join(', ')})`);
      if (opts.delimiter !== 'comma' && opts.delimiter !== 'semicolon') fail(`--delimiter: "${opts.delimiter}" is not comma or semicolon`);
      const delimiter: 'comma' | 'semicolon' = opts.delimiter;
      const out = opts.out === undefined ? undefined : resolve(opts.out);
      if (out !== undefined && !(existsSync(dirname(out)) && statSync(dirname(out)).isDirectory())) fail(`--out: no such folder ${dirname(out)}`);

      const { connectToData } = await import('../local/data-connection');
      const { exportStudy } = await import('../../functions/use-cases/export-study');
      const { AppError } = await import('../../functions/core/errors');
      const data = await connectToData(dataConnection(opts, 'export'));
      const bar = out !== undefined && process.stderr.isTTY ? progressBar(process.stderr) : undefined;
      let problem: string | undefined;
      try {
        const file = await exportStudy(data.deps, cliActor(), opts.study, opts.format, {
          ...(bar ? { onProgress: (p) => bar.update(p) } : {}),
          includeTest: opts.includeTest === true,
          bom: opts.bom === true,
          delimiter,
        });
        if (out === undefined) {
          await pipeline(file.body, process.stdout, { end: false });
        } else {
          // Written beside the target and renamed into place: a failure leaves no half file.
          const temporary = join(dirname(out), `.${basename(out)}.${randomBytes(4).toString('hex')}.tmp`);
          try {
            await pipeline(file.body, createWriteStream(temporary, { flags: 'wx' }));
            await rename(temporary, out);
          } catch (error) {
            await rm(temporary, { force: true });
            throw error;
          }
          bar?.done();
        }
      } catch (error) {
        if (error instanceof AppError && error.kind === 'bad_request') problem = `--${error.field === 'bom' ? 'bom' : error.field ?? 'format'}: ${error.message.replace(/^\w+: /, '')}`;
        else if (error instanceof AppError && error.kind === 'not_found') problem = `--study: no study "${opts.study}" in ${data.where.replace(/ \(.*\)$/, "")}`;
        // A reader that stopped early (`| head`) is not a failure.
        else if ((error as NodeJS.ErrnoException).code !== 'EPIPE') problem = `export failed: ${error instanceof Error ? error.message : String(error)}`;
        if (bar !== undefined) process.stderr.write('\n');
      } finally {
        await data.close();
      }
      if (problem !== undefined) fail(problem);
    });
}
