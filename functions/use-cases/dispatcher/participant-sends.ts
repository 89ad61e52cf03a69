import { SYNTHETIC_NEVER_EMAILED, decideSends } from '../../core/schedule/send-decision';
import { CONTACT_ERASED } from '../../core/schedule/reconcile';
import { sentStatuses, type StoredMessage } from '../../core/schedule/records';
import type { Study } from '../../core/study/study';
import { deliver, messageKey, type ClaimedGroup, type SendingPass } from './deliver';

/** Settles a claimed message without sending it: skipped with the reason. */
async function skip(pass: SendingPass, group: ClaimedGroup, message: StoredMessage, reason: string) {
  await pass.deps.messages.markSkipped(message, pass.claimant, reason, pass.now());
  group.settled.add(messageKey(message));
  pass.count('skipped');
}

/** A participant's due invitation or reminders for one instance: re-checked with fresh reads, at most one sent. */
export async function sendToParticipant(pass: SendingPass, group: ClaimedGroup, study: Study | null): Promise<void> {
  const { deps } = pass;
  const { studyId, code, timepoint } = group.messages[0]!;
  // The ledger's history only matters for a reminder (was an invitation sent?): an invitation or resend skips the read.
  const needsHistory = group.messages.every((m) => m.kind === 'reminder');
  const [participant, instance, contact, history] = await Promise.all([
    deps.participants.get(studyId, code),
    deps.instances.get(studyId, code, timepoint),
    deps.contacts.get(studyId, code),
    needsHistory ? deps.messages.listForParticipant(studyId, code) : Promise.resolve([]),
  ]);
  const invitationSent = history.some((m) => m.timepoint === timepoint && (m.kind === 'invitation' || m.kind === 'resend') && sentStatuses.has(m.status));
  const missingWording = instance === null ? [] : await pass.wording(instance.instruments);
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
    await deliver(pass, group, { message, study, recipient, afterSend });
  }
}

/**
 * A participant's copy of their signed consent, checked with fresh reads: not to an erased,
 * bounced or unsubscribed address (the record stays downloadable by the study team).
 */
export async function sendConsentCopy(pass: SendingPass, group: ClaimedGroup, message: StoredMessage, study: Study | null): Promise<void> {
  const { deps } = pass;
  const [participant, contact] = await Promise.all([deps.participants.get(message.studyId, message.code), deps.contacts.get(message.studyId, message.code)]);
  const stop =
    participant === null ? 'participant not found'
    : participant.synthetic ? SYNTHETIC_NEVER_EMAILED
    : participant.contactErasedAt !== undefined ? CONTACT_ERASED
    : contact === null ? 'no contact email on file'
    : contact.suppressed ? `address suppressed: ${contact.suppressed.reason}`
    : contact.unsubscribedAt ? 'participant unsubscribed'
    : null;
  if (stop !== null) return skip(pass, group, message, stop);
  const recipient = { to: contact!.email, timezone: participant!.timezone, closesAt: '', language: participant!.language ?? 'en', linkEpoch: participant!.linkEpoch ?? 0, test: participant!.test === true };
  await deliver(pass, group, { message, study, recipient });
}
