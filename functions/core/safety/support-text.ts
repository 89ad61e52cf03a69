import type { Language } from '../i18n/language';
import type { ScoreResult } from '../scoring/engine';

/**
 * What the thank-you page tells a participant whose answers raised an urgent flag (PHQ-9 or
 * BDI-II item 9 ≥ 1), when the study has not written its own: get help now, from emergency
 * services or their own clinician, because the study team cannot answer at once.
 */
export const defaultSupportText: Record<Language, string> = {
  en:
    'If you are thinking about harming yourself, or you feel unsafe, please get help now: call your local emergency number ' +
    '(112 in Europe, 999 in the UK, 911 in North America) or go to the nearest emergency department. You can also contact ' +
    'your doctor or the clinician who looks after you. The study team cannot respond to your answers straight away.',
  fr:
    'Si vous pensez à vous faire du mal, ou si vous ne vous sentez pas en sécurité, demandez de l’aide dès maintenant : ' +
    'appelez le numéro d’urgence (112 en Europe, 15 en France ; 3114 pour la prévention du suicide en France) ou rendez-vous ' +
    'aux urgences les plus proches. Vous pouvez aussi contacter votre médecin ou le clinicien qui vous suit. L’équipe de ' +
    'l’étude ne peut pas répondre à vos réponses immédiatement.',
};

/** The study's support text in `language` (its own, else the default in that language). */
export const supportText = (support: Partial<Record<Language, string>> | undefined, language: Language): string =>
  support?.[language] ?? defaultSupportText[language];

/** The labels of the urgent flags a battery's scores raised: what a safety alert would report. */
export const urgentFlags = (scores: readonly ScoreResult[]): string[] => scores.flatMap((s) => s.flags.filter((f) => f.urgent).map((f) => f.label));
