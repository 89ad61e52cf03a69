import { consentVersionOf, timepointOf, type EmailMaterial, type EmailRecipient } from '../../core/email/compose-email';
import type { StoredMessage } from '../../core/schedule/records';
import type { Study } from '../../core/study/study';
import { signedConsentPdf } from '../consent-record';
import type { DispatchDeps } from './pass-context';

/** A participant's email address and details, read fresh at send time, and the link generation to mint under. */
export interface Recipient extends EmailRecipient {
  /** The participant's link generation: a revocation after this read makes these links dead on arrival, never the reverse. */
  linkEpoch: number;
}

/**
 * Gathers what a message's email needs beyond the study, doing the writes that must precede it:
 * a participant's links are minted here and their hashes stored (only hashes: no link can be
 * rebuilt from the database), fresh for every email. Null when there is nothing to send to.
 */
export async function gatherMaterial(
  deps: Pick<DispatchDeps, 'secrets' | 'links' | 'clock' | 'consents'>,
  message: StoredMessage,
  study: Study,
  recipient: Recipient | null,
): Promise<EmailMaterial | null> {
  if (message.kind === 'alert' || message.kind === 'notice') return { for: 'staff' };
  if (recipient === null) return null;
  if (message.kind === 'consent') {
    const version = consentVersionOf(message);
    const record = await deps.consents.getRecord(study.id, message.code, version);
    if (record === null) return null;
    const pdf = await signedConsentPdf(deps, study, record, recipient.timezone);
    return { for: 'consent', recipient, version, agreedAt: record.agreedAt, language: record.language, file: { filename: pdf.filename, contentType: 'application/pdf', content: pdf.bytes } };
  }
  const timepoint = timepointOf(study, message);
  if (timepoint === null) return null;
  const token = deps.secrets.token();
  const unsubscribeToken = deps.secrets.token();
  const createdAt = deps.clock.now().toISOString();
  const epoch = recipient.linkEpoch;
  await Promise.all([
    deps.links.put(deps.secrets.hash(token), { studyId: message.studyId, code: message.code, timepoint: message.timepoint, createdAt, epoch }),
    deps.links.putUnsubscribe(deps.secrets.hash(unsubscribeToken), { studyId: message.studyId, code: message.code, createdAt, epoch }),
  ]);
  return { for: 'participant', recipient, timepoint, token, unsubscribeToken };
}
