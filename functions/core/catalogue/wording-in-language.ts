import type { Language } from '../i18n/language';
import { wordingLanguages } from './wording-languages';

const isLocalisable = (value: unknown): value is Record<string, unknown> & { default: string } =>
  value !== null && typeof value === 'object' && !Array.isArray(value) && typeof (value as Record<string, unknown>).default === 'string';

/**
 * A form with its wording in one language: `language` when the form ships a complete translation
 * into it (`wordingLanguages`), otherwise English (the SurveyJS default locale). Every localisable
 * string (`{"default": "…", "fr": "…"}`) becomes the plain string of that language, so a form
 * translated only in part is shown wholly in English rather than in a mix. Pure.
 */
export function wordingInLanguage(survey: Record<string, unknown>, language: Language): { survey: Record<string, unknown>; language: Language } {
  const shown: Language = wordingLanguages(survey).includes(language) ? language : 'en';
  const resolve = (node: unknown): unknown => {
    if (Array.isArray(node)) return node.map(resolve);
    if (node === null || typeof node !== 'object') return node;
    if (isLocalisable(node)) {
      const text = shown === 'en' ? undefined : node[shown];
      return typeof text === 'string' && text !== '' ? text : node.default;
    }
    return Object.fromEntries(Object.entries(node).map(([key, value]) => [key, resolve(value)]));
  };
  return { survey: resolve(survey) as Record<string, unknown>, language: shown };
}
