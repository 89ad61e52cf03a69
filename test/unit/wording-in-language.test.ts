import { describe, expect, it } from 'vitest';
import { wordingInLanguage } from '../../functions/core/catalogue/wording-in-language';

const form = (title: unknown, choice: unknown) => ({ pages: [{ elements: [{ type: 'radiogroup', name: 'X_1', title, choices: [{ value: 0, text: choice }] }] }] });

describe('a form’s wording in one language', () => {
  it('is the translation when every wording string has one', () => {
    const { survey, language } = wordingInLanguage(form({ default: 'Feeling down', fr: 'Se sentir triste' }, { default: 'Never', fr: 'Jamais' }), 'fr');
    expect(language).toBe('fr');
    expect(survey).toEqual(form('Se sentir triste', 'Jamais'));
  });

  it('is wholly English when the translation misses a string, never a mix', () => {
    const { survey, language } = wordingInLanguage(form({ default: 'Feeling down', fr: 'Se sentir triste' }, 'Never'), 'fr');
    expect(language).toBe('en');
    expect(survey).toEqual(form('Feeling down', 'Never'));
  });

  it('is English for English, and leaves codes and names alone', () => {
    const { survey, language } = wordingInLanguage(form({ default: 'Feeling down', fr: 'Se sentir triste' }, { default: 'Never', fr: 'Jamais' }), 'en');
    expect(language).toBe('en');
    expect(survey).toEqual(form('Feeling down', 'Never'));
  });
});
