import { languages, type Language } from '../i18n/language';

/**
 * The SurveyJS properties that carry wording a participant reads. A translation ships when every
 * one of them in the form is a SurveyJS localisable string (`{"default": "…", "fr": "…"}`) with
 * that language: a form translated only in part must not be shown as if it were translated.
 */
const WORDING_PROPERTIES = new Set([
  'title',
  'description',
  'text',
  'html',
  'placeholder',
  'minRateDescription',
  'maxRateDescription',
  'labelTrue',
  'labelFalse',
  'otherText',
  'noneText',
  'completedHtml',
]);

/** Every wording value of a form, in document order (strings, or localisable-string objects). */
function wordingValues(node: unknown, out: unknown[] = []): unknown[] {
  if (Array.isArray(node)) {
    for (const child of node) wordingValues(child, out);
  } else if (node !== null && typeof node === 'object') {
    for (const [key, value] of Object.entries(node)) {
      if (WORDING_PROPERTIES.has(key) && (typeof value === 'string' || isLocalisable(value))) out.push(value);
      else wordingValues(value, out);
    }
  }
  return out;
}

const isLocalisable = (value: unknown): value is Record<string, string> =>
  value !== null && typeof value === 'object' && !Array.isArray(value) && typeof (value as Record<string, unknown>).default === 'string';

/**
 * The languages a form's own wording is in. English is the SurveyJS default locale (a plain string
 * or a localisable string's `default`); another language counts only when every wording value
 * has it. Says nothing about licensed wording, which is installed separately.
 */
export function wordingLanguages(survey: Record<string, unknown>): Language[] {
  const values = wordingValues(survey);
  return languages.filter(
    (language) => language === 'en' || (values.length > 0 && values.every((v) => isLocalisable(v) && typeof v[language] === 'string' && v[language] !== '')),
  );
}
