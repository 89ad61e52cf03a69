import { parse } from 'csv-parse/sync';
import { stringify } from 'csv-stringify/sync';
import { spreadsheetSafeCast } from '../../functions/core/export/spreadsheet-safe';
import { checkAnswers } from '../../functions/core/scoring/check-answers';
import type { ScoringDefinition } from '../../functions/core/scoring/definition';
import { scoreInstrument, type ScoreOptions, type ScoreResult } from '../../functions/core/scoring/engine';
import { storedCodeOfPrinted } from '../../functions/core/scoring/printed-codes';

/** A row that cannot be scored: which row, which item, what is wrong. */
export class RowError extends Error {
  constructor(
    readonly row: number,
    readonly item: string | null,
    message: string,
  ) {
    super(`row ${row}${item ? `, item ${item}` : ''}: ${message}`);
  }
}

type Answers = Record<string, number | null>;

/**
 * Answers as given in data entered from paper, with each printed code (BDI-II "1b", PAM-13
 * "N/A") replaced by its stored code. Items that print their stored numbers pass unchanged.
 */
function fromPrintedCodes(definition: ScoringDefinition, row: number, answers: Record<string, unknown>): Record<string, unknown> {
  const out: Record<string, unknown> = { ...answers };
  for (const item of definition.items) {
    const given = answers[item.id];
    if (item.printedCodes === undefined || given === null || given === undefined) continue;
    if (typeof given !== 'string' && typeof given !== 'number') continue;
    const result = storedCodeOfPrinted(item, given);
    if ('problem' in result) throw new RowError(row, item.id, result.problem);
    out[item.id] = result.stored;
  }
  return out;
}

function checkRow(definition: ScoringDefinition, row: number, given: Record<string, unknown>): Answers {
  const answers = fromPrintedCodes(definition, row, given);
  const [problem] = checkAnswers([definition], answers);
  if (problem) throw new RowError(row, problem.item, problem.message);
  return answers as Answers;
}

/**
 * Scores JSON Lines: one object of item id → code (or null) per line; blank lines are skipped.
 * An item with printed codes takes its printed code, as a string ("1b") or, where the form
 * prints a number, that number.
 */
export function scoreJsonLines(definition: ScoringDefinition, input: string, options: ScoreOptions): string {
  const results: ScoreResult[] = [];
  input.split(/\r?\n/).forEach((line, index) => {
    if (line.trim() === '') return;
    let parsed: unknown;
    try {
      parsed = JSON.parse(line);
    } catch {
      throw new RowError(index + 1, null, 'not valid JSON');
    }
    if (parsed === null || typeof parsed !== 'object' || Array.isArray(parsed)) throw new RowError(index + 1, null, 'expected an object of item id → code');
    results.push(scoreInstrument(definition, checkRow(definition, index + 1, parsed as Record<string, unknown>), options));
  });
  return results.map((r) => JSON.stringify(r)).join('\n') + (results.length > 0 ? '\n' : '');
}

/**
 * Scores CSV whose header names item ids; other columns pass through unchanged and in place.
 * A blank cell is an unanswered item; an item with printed codes takes the printed code (1b, N/A). Adds `<scale>` and `<scale>_status` per scale, and a
 * `flags` column listing raised flag ids.
 */
export function scoreCsv(definition: ScoringDefinition, input: string, options: ScoreOptions): string {
  const records = parse(input, { columns: true, skip_empty_lines: true, bom: true, relax_column_count: false }) as Array<Record<string, string>>;
  const header = (parse(input, { to_line: 1, bom: true }) as string[][])[0] ?? [];
  const scored = new Set(definition.scales.flatMap((s) => s.items));
  const absent = [...scored].filter((id) => !header.includes(id));
  if (absent.length > 0) {
    throw new RowError(0, absent[0]!, `the header has no column for ${absent.join(', ')} (a blank cell means unanswered; a missing column is probably a mistake)`);
  }
  const added = definition.scales.flatMap((s) => [s.id, `${s.id}_status`]).concat('flags');
  const clash = added.find((c) => header.includes(c));
  if (clash) throw new RowError(0, null, `the input already has a column named "${clash}", which the scores would overwrite`);

  const out = records.map((record, index) => {
    const row = index + 1;
    const answers: Record<string, unknown> = {};
    for (const item of definition.items) {
      const id = item.id;
      const cell = record[id]?.trim();
      if (cell === undefined || cell === '') answers[id] = null;
      else if (item.printedCodes !== undefined) answers[id] = cell;
      else if (!/^-?\d+(\.\d+)?$/.test(cell)) throw new RowError(row, id, `"${cell}" is not a number`);
      else answers[id] = Number(cell);
    }
    const result = scoreInstrument(definition, checkRow(definition, row, answers), options);
    const columns: Record<string, string> = {};
    for (const scale of definition.scales) {
      const s = result.scales[scale.id]!;
      columns[scale.id] = s.value === null ? '' : String(s.value);
      columns[`${scale.id}_status`] = s.status;
    }
    columns.flags = result.flags.map((f) => f.id).join(' ');
    return [...header.map((h) => record[h] ?? ''), ...added.map((c) => columns[c]!)];
  });
  // Passed-through text is made spreadsheet-safe too: an input cell `=HYPERLINK(…)` must not become a live formula.
  return stringify([[...header, ...added], ...out], { cast: spreadsheetSafeCast });
}
