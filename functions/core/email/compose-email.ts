import { createHash } from 'node:crypto';
import type { Language } from '../i18n/language';
import type { OutgoingEmail } from '../ports';
import type { StoredMessage } from '../schedule/records';
import type { Study, Timepoint } from '../study/study';
import { renderConsentCopyEmail } from './enrolment-emails';
import { formatMailbox } from './html';
import { oneClickUnsubscribeUrl, participantLink, unsubscribePageLink } from './links';
import { renderAlertEmail, renderNoticeEmail, renderParticipantEmail } from './templates';

/** Where and how a participant's email goes: what rendering needs of the fresh reads made at send time. */
export interface EmailRecipient {
  to: string;
  timezone: string;
  /** When the instance's window closes (empty for a consent copy, which has none). */
  closesAt: string;
  language: Language;
  test: boolean;
}

/**
 * What a message's email is made of beyond the study, gathered by the dispatcher beforehand:
 * staff emails need nothing more; a participant's invitation, reminder or resend needs the tokens
 * its links carry (already stored by then); a consent copy needs the signed record as a PDF.
 */
export type EmailMaterial =
  | { for: 'staff' }
  | { for: 'participant'; recipient: EmailRecipient; timepoint: Timepoint; token: string; unsubscribeToken: string }
  | { for: 'consent'; recipient: EmailRecipient; version: string; agreedAt: string; language: Language; file: { filename: string; contentType: string; content: Uint8Array } };

/** The timepoint a participant message is for, or null once the protocol no longer has it. */
export const timepointOf = (study: Study, message: Pick<StoredMessage, 'timepoint'>): Timepoint | null => study.protocol.timepoints.find((t) => t.id === message.timepoint) ?? null;

/** A consent copy's `timepoint` is `consent@<version>`. */
export const consentVersionOf = (message: Pick<StoredMessage, 'timepoint'>): string => message.timepoint.replace(/^consent@/, '');

/**
 * A stable Message-ID per ledger message: a resend after a crash carries the same one, which mail
 * systems use to fold duplicates.
 */
export function stableMessageId(message: Pick<StoredMessage, 'studyId' | 'code' | 'timepoint' | 'kind' | 'n'>, senderEmail: string): string {
  const key = `${message.studyId}|${message.code}|${message.timepoint}|${message.kind}|${message.n}`;
  return `<${createHash('sha256').update(key).digest('hex').slice(0, 32)}@${senderEmail.split('@')[1]}>`;
}

/**
 * The email for one ledger message, from what the dispatcher gathered: no reads, no writes, no
 * tokens minted. Null when it has no recipient (a study without safety contacts, say).
 */
export function composeEmail(message: StoredMessage, study: Study, baseUrl: string, material: EmailMaterial): OutgoingEmail | null {
  const from = formatMailbox(study.sender.name, study.sender.email);
  const messageId = stableMessageId(message, study.sender.email);
  const consoleLink = `${baseUrl}/`;

  if (material.for === 'staff') {
    if (message.kind === 'alert') {
      const to = study.contacts.filter((c) => c.safety).map((c) => c.email);
      if (to.length === 0) return null;
      return { from, to, messageId, ...renderAlertEmail({ study, code: message.code, timepoint: message.timepoint, flags: message.flags ?? [], consoleLink }) };
    }
    if (message.kind === 'notice') {
      const to = study.contacts.map((c) => c.email);
      if (to.length === 0) return null;
      return { from, to, messageId, ...renderNoticeEmail({ study, code: message.code, reason: message.reason ?? 'delivery failed', consoleLink }) };
    }
    return null;
  }
  if (material.for === 'consent') {
    if (message.kind !== 'consent') return null;
    const { recipient, version, agreedAt, language, file } = material;
    const content = renderConsentCopyEmail({ study, version, agreedAt, timezone: recipient.timezone, language });
    return { from, to: [recipient.to], messageId, attachments: [file], ...content };
  }
  if (message.kind !== 'invitation' && message.kind !== 'reminder' && message.kind !== 'resend') return null;
  const { recipient, timepoint, token, unsubscribeToken } = material;
  const content = renderParticipantEmail({
    study,
    timepoint,
    kind: message.kind,
    link: participantLink(baseUrl, token),
    unsubscribeLink: unsubscribePageLink(baseUrl, unsubscribeToken),
    closesAt: recipient.closesAt,
    timezone: recipient.timezone,
    language: recipient.language,
    test: recipient.test,
  });
  return {
    from,
    to: [recipient.to],
    messageId,
    // RFC 8058 one-click unsubscribe: mail providers POST to this URL.
    headers: { 'List-Unsubscribe': `<${oneClickUnsubscribeUrl(baseUrl, unsubscribeToken)}>`, 'List-Unsubscribe-Post': 'List-Unsubscribe=One-Click' },
    ...content,
  };
}
