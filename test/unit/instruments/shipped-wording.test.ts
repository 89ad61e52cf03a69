import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { listInstruments } from '../../../functions/adapters/bundled-catalogue/bundled-catalogue';

// Every instrument whose wording ships must document it: its README states the source, licence and
// citation, and the shipped form's item ids, response labels and anchors are the ones the README
// states; NOTICE lists its terms. An instrument that does not ship its wording says why.
const root = join(import.meta.dirname, '..', '..', '..');
const readme = (id: string) => readFileSync(join(root, 'surveys', id, 'README.md'), 'utf8');
const notice = readFileSync(join(root, 'NOTICE'), 'utf8');

type Element = { name?: string; title?: unknown; choices?: Array<{ value: number; text: unknown }>; minRateDescription?: unknown; maxRateDescription?: unknown; elements?: Element[] };
const questions = (survey: Record<string, unknown>): Element[] =>
  ((survey.pages as Element[]) ?? []).flatMap(function flat(e: Element): Element[] {
    return e.elements ? e.elements.flatMap(flat) : e.name ? [e] : [];
  });
/** English text of a wording value (a plain string or a localisable string's default). */
const english = (value: unknown) => (typeof value === 'string' ? value : (value as { default?: string } | undefined)?.default);

const shipped = listInstruments().filter((i) => i.scoring.licence.textIncluded);

describe('instruments whose wording ships', () => {
  it('are PHQ-9, GAD-7 and PEG-3 (the rest could not be verified against the rights holder\'s publication)', () => {
    expect(shipped.map((i) => i.id)).toEqual(['phq9', 'gad7', 'peg3']);
  });

  for (const { id, scoring, survey } of shipped) {
    describe(id, () => {
      it('has a README naming the source, citation, licence and terms, modifications and how the wording was checked', () => {
        expect(existsSync(join(root, 'surveys', id, 'README.md'))).toBe(true);
        const text = readme(id);
        const doi = /doi:(\S+)$/.exec(scoring.citation)![1]!;
        expect(text).toContain(doi);
        expect(text).toContain(`**Category:** ${scoring.licence.category}`);
        expect(text).toContain(scoring.licence.holder.split(' (')[0]!);
        expect(text).toMatch(/## Licence and terms/);
        expect(text).toMatch(/## Verification/);
        expect(text).toMatch(/[Mm]odification/);
      });

      it('asks the items the README lists, with the response labels and anchors it states', () => {
        const text = readme(id);
        const asked = questions(survey);
        expect(asked.map((q) => q.name)).toEqual(scoring.items.map((i) => i.id));
        expect(text).toContain(`\`${scoring.items[0]!.id}\``);
        expect(text).toContain(scoring.items.at(-1)!.id);
        for (const question of asked) {
          for (const choice of question.choices ?? []) expect(text, `${question.name} ${choice.value}`).toContain(english(choice.text)!);
          for (const anchor of [question.minRateDescription, question.maxRateDescription].filter(Boolean)) expect(text).toContain(english(anchor)!);
        }
      });

      it('is listed in NOTICE with its holder and terms', () => {
        expect(notice).toContain(`surveys/${id}/`);
        expect(notice).toContain(scoring.licence.holder.split(' (')[0]!);
      });
    });
  }
});

describe('instruments whose wording does not ship', () => {
  it('say in their README why, and are not listed in NOTICE as shipped', () => {
    for (const { id, scoring } of listInstruments().filter((i) => !i.scoring.licence.textIncluded)) {
      expect(readme(id), id).toMatch(/textIncluded: false/);
      expect(notice, id).not.toContain(`surveys/${id}/`);
      expect(scoring.licence.textIncluded).toBe(false);
    }
  });
});
