import { readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { listInstruments } from '../../functions/adapters/bundled-catalogue/bundled-catalogue';

const surveysDir = join(import.meta.dirname, '..', '..', 'surveys');

describe('the instrument catalogue', () => {
  it('registers every instrument folder in surveys/, once', () => {
    const folders = readdirSync(surveysDir).filter((f) => statSync(join(surveysDir, f)).isDirectory()).sort();
    const ids = listInstruments().map((i) => i.id);
    expect([...ids].sort()).toEqual(folders);
    expect(new Set(ids.map((id, n) => `${id}@${listInstruments()[n]!.version}`)).size).toBe(ids.length);
  });

  it('holds the 23 instruments design.md names', () => {
    expect(listInstruments().map((i) => i.id).sort()).toEqual(
      ['bdi2', 'bpisf', 'dass21', 'fabq', 'ffmq15', 'ffmq39', 'gad7', 'maas', 'maia1', 'maia2', 'pam13', 'pcs', 'peg3', 'phq9', 'promis29', 'pseq', 'sfmpq', 'sfmpq2', 'swemwbs', 'tsk11', 'tsk17', 'wemwbs', 'who5'],
    );
  });

  it('records a licence and citation for every instrument, and ships wording only where allowed', () => {
    for (const { id, scoring, survey } of listInstruments()) {
      expect(scoring.citation.length, id).toBeGreaterThan(20);
      const titles = JSON.stringify(survey);
      const itemTitlesAreIds = scoring.items.every((item) => titles.includes(`"title":"${item.id}"`) || titles.includes(`"title": "${item.id}"`));
      if (!scoring.licence.textIncluded) expect(itemTitlesAreIds, `${id} must not ship licensed wording`).toBe(true);
    }
  });
});
