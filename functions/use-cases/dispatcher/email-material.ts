import { consentVersionOf, timepointOf, type EmailMaterial, type EmailRecipient } from '../../core/email/compose-email';
import type { LinkPair } from '../../core/ports';
import type { StoredMessage } from '../../core/schedule/records';
import type { Study } from '../../core/study/study';
import { signedConsentPdf } from '../consent-record';
import type { DispatchDeps } from './pass-context';

/** A participant's email address and details, read fresh at send time, and the link generation to mint under. */
export interface Recipient extends EmailRecipient {
  /** The participant's link generation: a revocation after this read makes these links dead on arrival, never the reverse. */
  linkEpoch: number;
}

/** What a message's email needs beyond the study, and the links to store before it may leave (a questionnaire's). */
export interface Material {
  material: EmailMaterial;
  links?: LinkPair;
}

/**
 * Gathers what a message's email needs beyond the study. A participant's links are minted here,
 * fresh for every email, and returned to be stored (only their hashes: no link can be rebuilt
 * from the database) with the rest of the batch's before any of its emails is sent. Null when
 * there is nothing to send to.
 */
export async function gatherMaterial(
  deps: Pick<DispatchDeps, 'secrets' | 'clock' | 'consents'>,
  message: StoredMessage,
  study: Study,
  recipient: Recipient | null,
): Promise<Material | null> {
  if (message.kind === 'alert' || message.kind === 'notice') return { material: { for: 'staff' } };
  if (recipient === null) return null;
  if (message.kind === 'consent') {
    const version = consentVersionOf(message);
    const record = await deps.consents.getRecord(study.id, message.code, version);
    if (record === null) return null;
    const pdf = await signedConsentPdf(deps, study, record, recipient.timezone);
    return { material: { for: 'consent', recipient, version, agreedAt: record.agreedAt, language: record.language, file: { filename: pdf.filename, contentType: 'application/pdf', content: pdf.bytes } } };
  }
  const timepoint = timepointOf(study, message);
  if (timepoint === null) return null;
  const token = deps.secrets.token();
  const unsubscribeToken = deps.secrets.token();
  const createdAt = deps.clock.now().toISOString();
  const epoch = recipient.linkEpoch;
  return {
    material: { for: 'participant', recipient, timepoint, token, unsubscribeToken },
    links: {
      hash: deps.secrets.hash(token),
      link: { studyId: message.studyId, code: message.code, timepoint: message.timepoint, createdAt, epoch },
      unsubscribeHash: deps.secrets.hash(unsubscribeToken),
      unsubscribe: { studyId: message.studyId, code: message.code, createdAt, epoch },
    },
  };
}
