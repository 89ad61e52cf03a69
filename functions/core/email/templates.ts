import { DateTime } from 'luxon';
import type { MessageKind } from '../schedule/records';
import type { Study, Timepoint } from '../study/study';
import { emailLayout } from './html';

export interface RenderedEmail {
  subject: string;
  text: string;
  html: string;
}

const formatLocal = (iso: string, zone: string) =>
  DateTime.fromISO(iso, { zone }).setLocale('en-GB').toLocaleString({ weekday: 'long', day: 'numeric', month: 'long', hour: '2-digit', minute: '2-digit' });

/** The invitation or a reminder to complete one timepoint's questionnaires. */
export function renderParticipantEmail(input: {
  study: Study;
  timepoint: Timepoint;
  kind: Extract<MessageKind, 'invitation' | 'reminder' | 'resend'>;
  link: string;
  /** One-click unsubscribe page for this participant in this study. */
  unsubscribeLink: string;
  closesAt: string;
  timezone: string;
}): RenderedEmail {
  const { study, timepoint, kind, link } = input;
  const contact = study.contacts[0];
  const closes = formatLocal(input.closesAt, input.timezone);
  // A resend reads as the invitation, with its subject marked as a new link.
  const custom = study.emails[kind === 'resend' ? 'invitation' : kind];
  const fill = (template: string) => template.replaceAll('{study}', study.name).replaceAll('{timepoint}', timepoint.label).replaceAll('{closes}', closes);
  const baseSubject = custom?.subject
    ? fill(custom.subject)
    : kind === 'reminder'
      ? `Reminder — ${study.name}: your ${timepoint.label} questionnaires`
      : `${study.name}: your ${timepoint.label} questionnaires`;
  const subject = kind === 'resend' ? `${baseSubject} (your link again)` : baseSubject;
  const opening = custom?.intro
    ? fill(custom.intro)
    : kind === 'reminder'
      ? `This is a reminder that your ${timepoint.label} questionnaires for ${study.name} are still waiting for you.`
      : `Thank you for taking part in ${study.name}. Your ${timepoint.label} questionnaires are ready.`;
  const paragraphs = [
    opening,
    `Please complete them by ${closes}. Your answers are saved as you go, so you can stop and come back using the same link.`,
    'This link is personal to you: please do not forward this email.',
  ];
  const footer = [
    contact ? `Questions? Contact ${contact.name} at ${contact.email}.` : `Questions? Reply to this email.`,
    'If you are in crisis or worried about your safety, contact your local emergency services now.',
  ];
  const unsubscribe = `To stop receiving emails from this study: ${input.unsubscribeLink}`;
  const text = [...paragraphs.slice(0, 1), '', `Open your questionnaires: ${link}`, '', ...paragraphs.slice(1), '', '—', ...footer, unsubscribe].join('\n');
  return {
    subject,
    text,
    html: emailLayout({ heading: subject, paragraphs, button: { label: 'Open my questionnaires', href: link }, footer, unsubscribe: input.unsubscribeLink }),
  };
}

/** The staff sign-in email: a link and, for another device, the code itself. */
export function renderSignInEmail(input: { link: string; code: string; minutes: number }): RenderedEmail {
  const subject = 'Your Timepoint sign-in link';
  const paragraphs = [
    `Use this link to sign in to Timepoint. It works once and expires in ${input.minutes} minutes.`,
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
