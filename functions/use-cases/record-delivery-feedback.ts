import * as z from 'zod';
import { participantKinds } from '../core/schedule/records';
import { recordAudit } from './audit';
import type { Deps } from './deps';

/**
 * The parts of an SES notification we use. SES sends `notificationType` (identity
 * notifications) or `eventType` (configuration-set event publishing); both carry `mail.messageId`.
 */
const notificationSchema = z.object({
  notificationType: z.string().optional(),
  eventType: z.string().optional(),
  mail: z.object({ messageId: z.string().min(1) }),
  bounce: z.object({ bounceType: z.string(), bounceSubType: z.string().optional() }).optional(),
  complaint: z.object({ complaintFeedbackType: z.string().optional() }).optional(),
});

export type FeedbackOutcome = 'delivered' | 'bounced' | 'complained' | 'transient-bounce' | 'ignored' | 'unknown-message';

/**
 * Feeds one SES notification into the ledger. A hard bounce or a complaint about a participant
 * email stops all further mail to that address and tells the study's contacts (a notice in the
 * ledger, sent by the next dispatcher pass). Idempotent: SNS may deliver a notification twice.
 */
export async function recordDeliveryFeedback(
  deps: Pick<Deps, 'messages' | 'contacts' | 'audit' | 'clock' | 'secrets' | 'onScheduleChanged'>,
  notification: unknown,
): Promise<FeedbackOutcome> {
  const parsed = notificationSchema.safeParse(notification);
  if (!parsed.success) return 'ignored';
  const { mail, bounce, complaint } = parsed.data;
  const type = parsed.data.eventType ?? parsed.data.notificationType;
  const now = deps.clock.now();

  if (type === 'Delivery') return (await deps.messages.recordFeedback(mail.messageId, 'delivered', 'delivered', now)) ? 'delivered' : 'unknown-message';
  if (type === 'Bounce' && bounce?.bounceType !== 'Permanent') {
    // Soft bounces (mailbox full, greylisting) are SES's to retry; nothing stops.
    return 'transient-bounce';
  }
  if (type !== 'Bounce' && type !== 'Complaint') return 'ignored';

  const status = type === 'Bounce' ? 'bounced' : 'complained';
  const detail = type === 'Bounce' ? `hard bounce (${bounce?.bounceSubType ?? 'unspecified'})` : `spam complaint (${complaint?.complaintFeedbackType ?? 'unspecified'})`;
  const message = await deps.messages.recordFeedback(mail.messageId, status, detail, now);
  if (message === null) return 'unknown-message';
  if (participantKinds.has(message.kind)) {
    await deps.contacts.suppress(message.studyId, message.code, detail, now);
    await deps.messages.createOnce({
      studyId: message.studyId,
      code: message.code,
      timepoint: '-',
      kind: 'notice',
      n: 0,
      sendAt: now.toISOString(),
      reason: type === 'Bounce' ? 'their email address bounced' : 'they marked a study email as spam',
      // About a synthetic demo participant: only the demo seeding's passes handle it.
      ...(message.synthetic ? { synthetic: true } : {}),
    });
    // Planned reminders stay in the ledger and are skipped at send time with the suppression as reason.
    deps.onScheduleChanged?.();
  }
  // Keyed by the message and the event, at the time first recorded: SNS redelivers a notification
  // whose handling failed (or died) part-way, and the redelivery writes this same entry, once.
  const recordedAt = (message as { feedbackAt?: string }).feedbackAt ?? now.toISOString();
  await recordAudit(
    deps,
    {
      scope: `study:${message.studyId}`,
      actor: 'system:ses',
      action: `message.${status}`,
      target: `participant:${message.code}`,
      after: { message: `${message.timepoint}/${message.kind}/${message.n}`, detail },
    },
    { id: `message.${status}:${message.code}/${message.timepoint}/${message.kind}/${message.n}`, at: recordedAt },
  );
  return status;
}
