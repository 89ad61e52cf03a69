import { describe, expect, it } from 'vitest';
import { byConstruct, catalogueEntry } from '../../functions/core/catalogue/catalogue-entry';
import type { CatalogueInstrument } from '../../functions/core/ports';
import { findInstrument, listInstruments } from '../../functions/adapters/bundled-catalogue/bundled-catalogue';

const localised = (en: string, fr: string) => ({ default: en, fr });

describe('a catalogue entry', () => {
  it('says whether the wording ships, and in which languages the form itself is written', () => {
    const phq9 = findInstrument('phq9')!;
    expect(catalogueEntry(phq9)).toMatchObject({ id: 'phq9', wording: 'shipped', languages: ['en'], nonCommercial: false, constructs: ['mood'] });
    const french: CatalogueInstrument = {
      ...phq9,
      survey: { title: localised('T', 'T fr'), pages: [{ elements: [{ name: 'PHQ9_1', title: localised('Q', 'Q fr'), choices: [{ value: 0, text: localised('No', 'Non') }] }] }] },
    };
    expect(catalogueEntry(french).languages).toEqual(['en', 'fr']);
  });

  it('lists no languages for a licensee file: the wording is not ours to describe', () => {
    expect(catalogueEntry(findInstrument('bdi2')!)).toMatchObject({ wording: 'licensee file', languages: [] });
  });

  it('flags a non-commercial licence and shows its name', () => {
    expect(catalogueEntry(findInstrument('who5')!)).toMatchObject({ nonCommercial: true, licence: { category: 'CC-NC', name: 'CC BY-NC-SA 3.0 IGO' } });
  });
});

describe('the catalogue by construct', () => {
  const table = byConstruct(listInstruments().map(catalogueEntry));

  it('covers the five constructs of the design (and patient activation), each instrument under what it measures', () => {
    expect(table.map((c) => c.construct)).toEqual(['pain', 'fear_avoidance', 'mindfulness_interoception', 'mood', 'well_being', 'activation']);
    const all = table.flatMap((c) => [...c.shipped, ...c.licenseeFile]);
    for (const { id } of listInstruments()) expect(all, id).toContain(id);
  });

  it('separates shipped wording from licensee files', () => {
    expect(table.find((c) => c.construct === 'fear_avoidance')).toEqual({ construct: 'fear_avoidance', shipped: [], licenseeFile: ['fabq', 'tsk17', 'tsk11'] });
    expect(table.find((c) => c.construct === 'pain')).toEqual({
      construct: 'pain', shipped: ['peg3'], licenseeFile: ['promis29', 'sfmpq', 'sfmpq2', 'pcs', 'bpisf', 'pseq'],
    });
  });
});
