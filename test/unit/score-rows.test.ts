import { describe, expect, it } from 'vitest';
import { RowError, scoreCsv, scoreJsonLines } from '../../scripts/commands/score-rows';
import { findInstrument } from '../../functions/adapters/bundled-catalogue/bundled-catalogue';

const peg3 = findInstrument('peg3')!.scoring;
const error = (run: () => unknown) => {
  try {
    run();
  } catch (e) {
    return e instanceof RowError ? e.message : `not a RowError: ${String(e)}`;
  }
  return 'no error';
};

describe('the score command reading rows', () => {
  it.each([
    ['a non-number in a CSV cell', () => scoreCsv(peg3, 'PEG_1,PEG_2,PEG_3\n1,2,3\n1,x,3\n', {}), 'row 2, item PEG_2: "x" is not a number'],
    ['a code outside the range', () => scoreCsv(peg3, 'PEG_1,PEG_2,PEG_3\n1,11,3\n', {}), 'row 1, item PEG_2: 11 is outside 0–10'],
    ['a header without an item column', () => scoreCsv(peg3, 'PEG_1,PEG_2\n1,2\n', {}), 'item PEG_3: the header has no column for PEG_3'],
    ['a column the scores would overwrite', () => scoreCsv(peg3, 'PEG_1,PEG_2,PEG_3,peg\n1,2,3,x\n', {}), 'already has a column named "peg"'],
    ['an unknown key in JSON Lines', () => scoreJsonLines(peg3, '{"PEG_1":1,"PEG_9":2}', {}), 'row 1, item PEG_9: is not an item of this questionnaire'],
    ['a line that is not JSON', () => scoreJsonLines(peg3, '\n\nnot json', {}), 'row 3: not valid JSON'],
    ['a line that is not an object', () => scoreJsonLines(peg3, '[1,2,3]', {}), 'row 1: expected an object of item id → code'],
    ['a string code in JSON Lines', () => scoreJsonLines(peg3, '{"PEG_1":"1"}', {}), 'row 1, item PEG_1: expected a number, got the string "1"'],
  ])('names the row and item for %s', (_label, run, message) => {
    expect(error(run)).toContain(message);
  });

  it('keeps row order and pass-through columns, quoting as CSV needs', () => {
    expect(scoreCsv(peg3, 'id,PEG_1,PEG_2,PEG_3\n"x,1",0,0,0\ny,10,10,10\n', {})).toBe(
      'id,PEG_1,PEG_2,PEG_3,peg,peg_status,flags\n"x,1",0,0,0,0,complete,\ny,10,10,10,10,complete,\n',
    );
  });
});
