import { describe, expect, it } from 'vitest';
import { applyLicensedText } from '../../functions/core/catalogue/apply-licensed-text';
import { checkLicensedText } from '../../functions/core/catalogue/licensed-text';
import { findInstrument } from '../../functions/adapters/bundled-catalogue/bundled-catalogue';
import { fakeLicensedText } from '../helpers/licensed-fixtures';

const bdi2 = findInstrument('bdi2')!;

describe('licensed wording files', () => {
  it('are accepted when they cover every item and every code exactly', () => {
    expect(checkLicensedText(bdi2.scoring, fakeLicensedText(bdi2.scoring))).toEqual([]);
  });

  it('are refused item by item when something is missing, extra or for another instrument', () => {
    const text = fakeLicensedText(bdi2.scoring);
    delete text.items.BDI2_3;
    text.items.BDI2_99 = { title: 'x' };
    delete text.items.BDI2_16!.choices!['6'];
    text.items.BDI2_1!.choices!['9'] = 'nine';
    expect(checkLicensedText(bdi2.scoring, { ...text, version: '9.9' })).toEqual([
      { field: 'instrument', message: 'is for bdi2@9.9, not bdi2@1.0' },
      { field: 'items.BDI2_99', message: 'is not an item of bdi2' },
      { field: 'items.BDI2_1.choices', message: 'code 9 is not allowed (allowed: 0, 1, 2, 3)' },
      { field: 'items.BDI2_3', message: 'has no wording' },
      { field: 'items.BDI2_16.choices', message: 'no label for code 6' },
    ]);
  });

  it('replace item ids and bare codes in the form, leaving names, values and the original untouched', () => {
    const before = JSON.stringify(bdi2.survey);
    const survey = applyLicensedText(bdi2.survey, fakeLicensedText(bdi2.scoring));
    expect(JSON.stringify(bdi2.survey)).toBe(before);
    const json = JSON.stringify(survey);
    expect(json).toContain('"name":"BDI2_1","title":"Licensed question BDI2_1"');
    expect(json).toContain('{"value":2,"text":"Licensed option 2"}');
    expect(json).not.toMatch(/"title":"BDI2_\d+"/);
    expect(survey.title).toBe('Beck Depression Inventory-II (licensed wording)');
  });
});
