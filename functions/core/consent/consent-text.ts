import { createHash } from 'node:crypto';
import type { Language } from '../i18n/language';
import type { ConsentDefinition, Participant } from '../study/study';

/** SHA-256 (hex) of a consent text exactly as shown (its UTF-8 bytes): what a signed consent records. */
export const consentTextHash = (text: string): string => createHash('sha256').update(text, 'utf8').digest('hex');

/** The consent text a participant is shown: theirs if the study has it, else English, else the first language given. */
export function consentShown(consent: ConsentDefinition, language: Language | undefined): { version: string; language: Language; text: string; textHash: string } {
  const available = Object.keys(consent.text) as Language[];
  const chosen = language !== undefined && consent.text[language] !== undefined ? language : consent.text.en !== undefined ? 'en' : available[0]!;
  const text = consent.text[chosen]!;
  return { version: consent.version, language: chosen, text, textHash: consentTextHash(text) };
}

/** Whether a participant must (re-)consent before answering: the study asks for consent and they have not given the current version. */
export const needsConsent = (consent: ConsentDefinition | undefined, participant: Pick<Participant, 'consent'>): boolean =>
  consent !== undefined && participant.consent?.version !== consent.version;
