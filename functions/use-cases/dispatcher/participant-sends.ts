import { SYNTHETIC_NEVER_EMAILED, decideSends } from '../../core/schedule/send-decision';
import { CONTACT_ERASED } from '../../core/schedule/reconcile';
import { sentStatuses, type StoredMessage } from '../../core/schedule/records';
import type { SendTargets } from '../../core/ports';
import type { Study } from '../../core/study/study';
import { messageKey, type ClaimedGroup, type Delivery, type SendingPass } from './deliver';

/** A delivery and the claimed group it belongs to. */
export type GroupDelivery = Delivery & { group: ClaimedGroup };

/** Settles a claimed message without sending it: skipped with the reason. */
async function skip(pass: SendingPass, group: ClaimedGroup, message: StoredMessage, reason: string) {
  await pass.deps.messages.markSkipped(message, pass.claimant, reason, pass.now());
  group.settled.add(messageKey(message));
  pass.count('skipped');
}

/**
 * A participant's due invitation or reminders for one instance, checked against the batch's
 * fresh reads: what is not wanted is held or skipped here, and the one to send (at most one) is
 * returned.
 */
export async function participantDelivery(pass: SendingPass, group: ClaimedGroup, study: Study | null, targets: SendTargets): Promise<GroupDelivery | null> {
  const { deps } = pass;
  const { studyId, code, timepoint } = group.messages[0]!;
  // The ledger's history only matters for a reminder (was an invitation sent?): an invitation or resend skips the read.
  const needsHistory = group.messages.every((m) => m.kind === 'reminder');
  const participant = targets.participant(studyId, code);
  const instance = targets.instance(studyId, code, timepoint);
  const contact = targets.contact(studyId, code);
  const history = needsHistory ? await deps.messages.listForParticipant(studyId, code) : [];
  const invitationSent = history.some((m) => m.timepoint === timepoint && (m.kind === 'invitation' || m.kind === 'resend') && sentStatuses.has(m.status));
  const missingWording = instance === null ? [] : await pass.wording(instance.instruments);
  let delivery: GroupDelivery | null = null;
  for (const decision of decideSends(group.messages, { participant, instance, contact, invitationSent, missingWording, now: pass.now() })) {
    const { message } = decision;
    if (!decision.send && 'hold' in decision) {
      const recheckAt = new Date(pass.now().getTime() + deps.dispatch.heldRecheckMs);
      await deps.messages.hold(message, pass.claimant, decision.reason, recheckAt);
      group.settled.add(messageKey(message));
      pass.count('held');
      continue;
    }
    if (!decision.send) {
      await skip(pass, group, message, decision.reason);
      continue;
    }
    // Links are minted under the participant's current generation, read just now with the address.
    const recipient = { to: contact!.email, timezone: participant!.timezone, closesAt: instance!.closesAt, language: participant!.language ?? 'en', linkEpoch: participant!.linkEpoch ?? 0, test: participant!.test === true };
    const afterSend = message.kind === 'invitation' ? () => deps.instances.markOpened(studyId, code, timepoint, pass.now()) : undefined;
    delivery = { group, message, study, recipient, ...(afterSend ? { afterSend } : {}) };
  }
  return delivery;
}

/**
 * A participant's copy of their signed consent, checked against the batch's fresh reads: not to an
 * erased, bounced or unsubscribed address (the record stays downloadable by the study team).
 */
export async function consentDelivery(pass: SendingPass, group: ClaimedGroup, message: StoredMessage, study: Study | null, targets: SendTargets): Promise<GroupDelivery | null> {
  const participant = targets.participant(message.studyId, message.code);
  const contact = targets.contact(message.studyId, message.code);
  const stop =
    participant === null ? 'participant not found'
    : participant.synthetic ? SYNTHETIC_NEVER_EMAILED
    : participant.contactErasedAt !== undefined ? CONTACT_ERASED
    : contact === null ? 'no contact email on file'
    : contact.suppressed ? `address suppressed: ${contact.suppressed.reason}`
    : contact.unsubscribedAt ? 'participant unsubscribed'
    : null;
  if (stop !== null) {
    await skip(pass, group, message, stop);
    return null;
  }
  const recipient = { to: contact!.email, timezone: participant!.timezone, closesAt: '', language: participant!.language ?? 'en', linkEpoch: participant!.linkEpoch ?? 0, test: participant!.test === true };
  return { group, message, study, recipient };
}
