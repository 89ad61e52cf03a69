/** Languages participants can receive their emails and pages in. */
export const languages = ['en', 'fr'] as const;
export type Language = (typeof languages)[number];

/** The locale dates are written in, per language. */
export const localeOf: Record<Language, string> = { en: 'en-GB', fr: 'fr-FR' };
