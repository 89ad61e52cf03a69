import type { ColumnSpec } from './columns';

/** The codebook's own columns (CSV), in order. */
export const codebookColumns = [
  'format',
  'column',
  'label',
  'type',
  'timepoint',
  'instrument',
  'instrument_version',
  'scale',
  'codes',
  'value_labels',
  'licence_category',
  'licence_holder',
] as const;

export type CodebookRow = Record<(typeof codebookColumns)[number], string | null>;

/** One codebook entry as JSON: the column spec, named `column`, with the format it belongs to. */
export type CodebookEntry = { format: string; column: string } & Omit<ColumnSpec, 'name'>;

export interface Codebook {
  study: string;
  formats: string[];
  /** How the CSV files are written: what a spreadsheet's import dialog asks. */
  csv: { encoding: 'UTF-8'; delimiters: { comma: ','; semicolon: ';' }; decimalMark: '.'; byteOrderMark: string };
  columns: CodebookEntry[];
}

/** Said of every number column: a semicolon-separated file (`delimiter=semicolon`) changes the separator only. */
export const DECIMAL_NOTE = '[decimal point "." also in semicolon-separated files]';

/** The codebook: every column of every tabular format, in each format's column order. */
export function codebook(study: string, formats: Array<{ format: string; columns: ColumnSpec[] }>): Codebook {
  return {
    study,
    formats: formats.map((f) => f.format),
    csv: {
      encoding: 'UTF-8',
      delimiters: { comma: ',', semicolon: ';' },
      decimalMark: '.',
      byteOrderMark: 'only with bom=1 (for Excel)',
    },
    columns: formats.flatMap(({ format, columns }) =>
      columns.map(({ name, label, ...rest }) => ({ format, column: name, label: rest.type === 'number' ? `${label} ${DECIMAL_NOTE}` : label, ...rest })),
    ),
  };
}

/**
 * A codebook entry as a CSV row. Codes are joined with `|` (`0|1|2|3`), a rating range is
 * `min..max`, value labels are `code=label` joined with ` | `.
 */
export function codebookRow(entry: CodebookEntry): CodebookRow {
  const codes = entry.codes ? entry.codes.join('|') : entry.range ? `${entry.range.min}..${entry.range.max}` : null;
  const labels = entry.valueLabels ? Object.entries(entry.valueLabels).map(([code, label]) => `${code}=${label}`).join(' | ') : null;
  return {
    format: entry.format,
    column: entry.column,
    label: entry.label,
    type: entry.type,
    timepoint: entry.timepoint ?? null,
    instrument: entry.instrument ?? null,
    instrument_version: entry.instrumentVersions?.join('|') ?? null,
    scale: entry.scale ?? null,
    codes,
    value_labels: labels,
    licence_category: entry.licence?.category ?? null,
    licence_holder: entry.licence?.holder ?? null,
  };
}
