import { DateTime } from 'luxon';
import { localeOf, type Language } from '../i18n/language';
import type { Study } from '../study/study';
import { emailLayout } from './html';
import type { RenderedEmail } from './templates';

const longDate = (iso: string, zone: string, language: Language) =>
  DateTime.fromISO(iso, { zone }).setLocale(localeOf[language]).toLocaleString(DateTime.DATETIME_FULL);

const contactLine = (study: Pick<Study, 'contacts'>, language: Language) => {
  const contact = study.contacts[0];
  if (contact === undefined) return language === 'fr' ? 'Des questions ? Répondez à ce message.' : 'Questions? Reply to this email.';
  return language === 'fr' ? `Des questions ? Contactez ${contact.name} à l’adresse ${contact.email}.` : `Questions? Contact ${contact.name} at ${contact.email}.`;
};

/** The participant's copy of the consent they gave; the signed record is attached as a PDF. */
export function renderConsentCopyEmail(input: { study: Pick<Study, 'name' | 'contacts'>; version: string; agreedAt: string; timezone: string; language: Language }): RenderedEmail {
  const { study, language } = input;
  const when = longDate(input.agreedAt, input.timezone, language);
  const subject = language === 'fr' ? `${study.name} : votre consentement` : `${study.name}: your consent`;
  const paragraphs =
    language === 'fr'
      ? [
          `Merci d’avoir accepté de participer à ${study.name}.`,
          `Vous trouverez en pièce jointe une copie du consentement que vous avez donné le ${when} (version ${input.version}) : le texte que vous avez lu, son empreinte et le nom que vous avez saisi. Gardez-la pour vos dossiers.`,
          'Vous pouvez vous retirer de l’étude à tout moment, sans avoir à vous justifier, depuis le lien de n’importe lequel de nos messages ou en écrivant à l’équipe de l’étude.',
        ]
      : [
          `Thank you for agreeing to take part in ${study.name}.`,
          `Attached is a copy of the consent you gave on ${when} (version ${input.version}): the text you read, its fingerprint and the name you typed. Please keep it for your records.`,
          'You can withdraw from the study at any time, without giving a reason, from the link in any of our emails or by writing to the study team.',
        ];
  const footer = [contactLine(study, language)];
  return { subject, text: [...paragraphs, '', '—', ...footer].join('\n'), html: emailLayout({ heading: subject, paragraphs, footer, language }) };
}

/** Self-enrolment: the link that verifies the address and continues to consent. */
export function renderJoinVerificationEmail(input: { study: Pick<Study, 'name' | 'contacts'>; link: string; hours: number; language: Language }): RenderedEmail {
  const { study, language } = input;
  const subject = language === 'fr' ? `${study.name} : confirmez votre adresse e-mail` : `${study.name}: confirm your email address`;
  const paragraphs =
    language === 'fr'
      ? [
          `Merci de votre intérêt pour ${study.name}. Pour continuer votre inscription, confirmez votre adresse avec ce lien.`,
          `Il fonctionne pendant ${input.hours} heures. Vous lirez ensuite la note d’information et le formulaire de consentement avant de décider.`,
          'Si vous n’avez pas demandé à participer, ignorez ce message : rien ne se passera.',
        ]
      : [
          `Thank you for your interest in ${study.name}. To continue, confirm your email address with this link.`,
          `It works for ${input.hours} hours. You will then read the information and consent form before you decide.`,
          'If you did not ask to take part, ignore this email: nothing will happen.',
        ];
  const button = { label: language === 'fr' ? 'Confirmer mon adresse' : 'Confirm my address', href: input.link };
  const footer = [contactLine(study, language)];
  return {
    subject,
    text: [paragraphs[0], '', input.link, '', ...paragraphs.slice(1), '', '—', ...footer].join('\n'),
    html: emailLayout({ heading: subject, paragraphs, button, footer, language }),
  };
}

/** Self-enrolment by an address already in the study: no second enrolment, and nothing said to whoever asked. */
export function renderAlreadyEnrolledEmail(input: { study: Pick<Study, 'name' | 'contacts'>; language: Language }): RenderedEmail {
  const { study, language } = input;
  const subject = language === 'fr' ? `${study.name} : vous participez déjà` : `${study.name}: you are already taking part`;
  const paragraphs =
    language === 'fr'
      ? [
          `Quelqu’un (sans doute vous) a demandé à s’inscrire à ${study.name} avec cette adresse, qui participe déjà à l’étude.`,
          'Vos questionnaires vous sont envoyés par e-mail quand ils sont prêts : utilisez le lien du dernier message reçu. Aucune nouvelle inscription n’a été faite.',
        ]
      : [
          `Someone (probably you) asked to join ${study.name} with this address, which is already taking part.`,
          'Your questionnaires are emailed to you when they are due: use the link in the latest one. No new enrolment was made.',
        ];
  const footer = [contactLine(study, language)];
  return { subject, text: [...paragraphs, '', '—', ...footer].join('\n'), html: emailLayout({ heading: subject, paragraphs, footer, language }) };
}
