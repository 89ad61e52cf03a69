import { describe, expect, it } from 'vitest';
import { wordingLanguages } from '../../functions/core/catalogue/wording-languages';
import { listInstruments } from '../../functions/adapters/bundled-catalogue/bundled-catalogue';

const item = (title: unknown, choices: unknown[]) => ({ pages: [{ elements: [{ type: 'radiogroup', name: 'X_1', title, choices }] }] });

describe('the languages a form ships wording in', () => {
  it('is English alone for a form of plain strings', () => {
    expect(wordingLanguages(item('Feeling down', [{ value: 0, text: 'Not at all' }]))).toEqual(['en']);
  });

  it('includes French when every wording value has a French translation', () => {
    const survey = {
      title: { default: 'Mood', fr: 'Humeur' },
      ...item({ default: 'Feeling down', fr: 'Se sentir triste' }, [{ value: 0, text: { default: 'Not at all', fr: 'Jamais' } }]),
    };
    expect(wordingLanguages(survey)).toEqual(['en', 'fr']);
  });

  it('does not count a translation that misses one string, or leaves one empty', () => {
    const partial = item({ default: 'Feeling down', fr: 'Se sentir triste' }, [{ value: 0, text: 'Not at all' }]);
    const empty = item({ default: 'Feeling down', fr: '' }, [{ value: 0, text: { default: 'Not at all', fr: 'Jamais' } }]);
    expect(wordingLanguages(partial)).toEqual(['en']);
    expect(wordingLanguages(empty)).toEqual(['en']);
  });

  it('reads every bundled form without failing', () => {
    for (const instrument of listInstruments()) expect(wordingLanguages(instrument.survey)).toContain('en');
  });
});
