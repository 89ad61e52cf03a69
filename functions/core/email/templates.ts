import type { MessageKind } from '../schedule/records';
import type { Study, Timepoint } from '../study/study';
import type { Language } from '../i18n/language';
import { formatClosingTime } from '../i18n/local-date-time';
import { emailLayout } from './html';
import { participantWording } from './participant-wording';

export interface RenderedEmail {
  subject: string;
  text: string;
  html: string;
}

/** The invitation or a reminder to complete one timepoint's questionnaires, in the participant's language. */
export function renderParticipantEmail(input: {
  study: Study;
  timepoint: Timepoint;
  kind: Extract<MessageKind, 'invitation' | 'reminder' | 'resend'>;
  link: string;
  /** One-click unsubscribe page for this participant in this study. */
  unsubscribeLink: string;
  closesAt: string;
  timezone: string;
  language?: Language;
  /** A test participant: the subject and the first paragraph say it is a test. */
  test?: boolean;
}): RenderedEmail {
  const { study, timepoint, kind, link } = input;
  const language = input.language ?? 'en';
  const words = participantWording[language];
  const contact = study.contacts[0];
  const values: Record<string, string> = {
    study: study.name,
    timepoint: timepoint.labels?.[language] ?? timepoint.label,
    closes: formatClosingTime(input.closesAt, input.timezone, language),
    name: contact?.name ?? '',
    email: contact?.email ?? '',
  };
  const fill = (template: string) => template.replace(/\{(\w+)\}/g, (whole, key: string) => values[key] ?? whole);
  // A study's own wording, in this language (the top level is English); a resend reads as the invitation.
  const custom = (language === 'en' ? study.emails : study.emails[language])?.[kind === 'resend' ? 'invitation' : kind];
  const subject =
    (input.test ? words.testSubject : '') +
    fill(custom?.subject ?? (kind === 'reminder' ? words.reminderSubject : words.invitationSubject)) +
    (kind === 'resend' ? words.resendSuffix : '');
  const paragraphs = [
    ...(input.test ? [fill(words.testNotice)] : []),
    fill(custom?.intro ?? (kind === 'reminder' ? words.reminderIntro : words.invitationIntro)),
    // A resend revoked every earlier link: say so, or the participant would try the old one first.
    ...(kind === 'resend' ? [words.replaces] : []),
    fill(words.deadline),
    words.personal,
  ];
  const footer = [contact ? fill(words.questions) : words.questionsNoContact, words.crisis];
  // The link follows the opening paragraph (after the test notice, when there is one).
  const lead = input.test ? 2 : 1;
  const opening = paragraphs.slice(0, lead).flatMap((p, i) => (i === 0 ? [p] : ['', p]));
  const text = [...opening, '', `${words.open} ${link}`, '', ...paragraphs.slice(lead), '', '—', ...footer, `${words.unsubscribe} ${input.unsubscribeLink}`].join('\n');
  return {
    subject,
    text,
    html: emailLayout({
      heading: subject,
      paragraphs,
      button: { label: words.button, href: link },
      footer,
      unsubscribe: { href: input.unsubscribeLink, label: words.unsubscribeLink },
      language,
    }),
  };
}

/** The staff sign-in email: a link and, for another device, the code itself. */
export function renderSignInEmail(input: { link: string; code: string; minutes: number }): RenderedEmail {
  const subject = 'Your Timepoint sign-in link';
  const paragraphs = [
    `Use this link to sign in to Timepoint. It works once, expires in ${input.minutes} minutes, and stops working if you ask for another one.`,
    `On another device, paste this code instead: ${input.code}`,
  ];
  const footer = ['If you did not ask to sign in, you can ignore this email: nobody can sign in without the link.'];
  const text = [paragraphs[0], '', input.link, '', paragraphs[1], '', '—', ...footer].join('\n');
  return { subject, text, html: emailLayout({ heading: subject, paragraphs, button: { label: 'Sign in to Timepoint', href: input.link }, footer }) };
}

/** To the study's safety contacts when a submission raised an urgent flag. Names the code and the flags, never the answers. */
export function renderAlertEmail(input: { study: Study; code: string; timepoint: string; flags: string[]; consoleLink: string }): RenderedEmail {
  const subject = `Safety alert — ${input.study.name}: participant ${input.code} (${input.timepoint})`;
  const paragraphs = [
    `Participant ${input.code} has just completed their ${input.timepoint} questionnaires, and an answer needs your attention under the study's safety procedure:`,
    ...input.flags.map((f) => `• ${f}`),
    'Open the participant in Timepoint to review and acknowledge this alert.',
  ];
  const footer = ['You receive this because you are a safety contact of this study in Timepoint.'];
  const text = [...paragraphs, '', input.consoleLink, '', '—', ...footer].join('\n');
  return { subject, text, html: emailLayout({ heading: subject, paragraphs, button: { label: 'Open in Timepoint', href: input.consoleLink }, footer }) };
}

/** To the study's contacts when a participant's address bounced or complained: mail to it has stopped. */
export function renderNoticeEmail(input: { study: Study; code: string; reason: string; consoleLink: string }): RenderedEmail {
  const subject = `${input.study.name}: emails to participant ${input.code} have stopped`;
  const paragraphs = [
    `Timepoint has stopped emailing participant ${input.code}: ${input.reason}.`,
    'Their questionnaires stay open; please check the address with the participant and update it in Timepoint.',
  ];
  const footer = ['You receive this because you are a contact of this study in Timepoint.'];
  const text = [...paragraphs, '', input.consoleLink, '', '—', ...footer].join('\n');
  return { subject, text, html: emailLayout({ heading: subject, paragraphs, button: { label: 'Open in Timepoint', href: input.consoleLink }, footer }) };
}
