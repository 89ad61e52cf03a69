import type { Contact } from '../ports';
import type { Participant } from '../study/study';
import type { Instance, StoredMessage } from './records';
import { openStatuses } from './records';
import { CONTACT_ERASED } from './reconcile';

/** Why the dispatcher sends nothing to a synthetic demo participant. */
export const SYNTHETIC_NEVER_EMAILED = 'synthetic demo participant: never emailed';

export type SendDecision =
  | { message: StoredMessage; send: true }
  | { message: StoredMessage; send: false; reason: string }
  /** Not now, and not skipped: held until its questionnaires can be completed (the reason says why). */
  | { message: StoredMessage; send: false; hold: true; reason: string };

export interface SendContext {
  participant: Participant | null;
  instance: Instance | null;
  contact: Contact | null;
  /** Whether this instance's invitation has already gone out. */
  invitationSent: boolean;
  /**
   * Instruments of the instance's battery whose licensed wording this deployment lacks
   * (`id@version`): a link to them would open a page that cannot be completed.
   */
  missingWording?: string[];
  now: Date;
}

/** Why a message is held while an instrument's licensed wording is missing; names the instruments. */
export const heldReason = (missing: string[]) =>
  `held: the licensed wording of ${missing.join(', ')} is not installed (load it with npx timepoint instruments load-text); it goes out once loaded, if the window is still open`;

/** Why nothing may go to this participant for this instance now, or null when mail may go. */
function stopReason({ participant, instance, contact, now }: SendContext): string | null {
  if (participant === null) return 'participant not found';
  if (participant.status !== 'active') return `participant ${participant.status}`;
  if (participant.contactErasedAt !== undefined) return CONTACT_ERASED;
  if (contact === null) return 'no contact email on file';
  if (contact.suppressed) return `address suppressed: ${contact.suppressed.reason}`;
  if (contact.unsubscribedAt) return 'participant unsubscribed';
  if (instance === null) return 'instance not planned';
  if (!openStatuses.has(instance.status)) return `instance ${instance.status}`;
  if (now.getTime() >= Date.parse(instance.closesAt)) return 'window closed';
  return null;
}

/**
 * Decides, at send time, which of an instance's due participant messages still go out. At most
 * one is sent in a pass: the invitation if it has not gone yet, otherwise the latest due
 * reminder; earlier ones (a dispatcher that was down) are skipped as superseded rather than sent
 * in a burst. Nothing goes to a withdrawn, unsubscribed or bounced participant, for a finished
 * instance, or after the window has closed; and nothing while an instrument's licensed wording is
 * missing (the message is held instead, and goes out once the wording is loaded).
 */
export function decideSends(due: StoredMessage[], context: SendContext): SendDecision[] {
  const stop = stopReason(context);
  if (stop !== null) return due.map((message) => ({ message, send: false, reason: stop }));
  // A synthetic demo participant gets only the seeding's own messages (sent nowhere): nothing a
  // coordinator queues for them (a resend, a fresh link) ever goes out.
  if (context.participant?.synthetic) {
    const foreign = due.filter((m) => !m.synthetic);
    if (foreign.length > 0) {
      const rest = decideSends(due.filter((m) => m.synthetic), context);
      return [...foreign.map((message) => ({ message, send: false as const, reason: SYNTHETIC_NEVER_EMAILED })), ...rest];
    }
  }

  const ordered = [...due].sort((a, b) => a.n - b.n);
  // An unsent invitation first; then a coordinator's resend (it carries a fresh link); then the latest reminder.
  const chosen = ordered.find((m) => m.kind === 'invitation') ?? ordered.filter((m) => m.kind === 'resend').at(-1) ?? ordered.at(-1);
  return ordered.map((message) => {
    if (message !== chosen) return { message, send: false, reason: 'superseded by a later message' };
    if (message.kind === 'reminder' && !context.invitationSent) {
      return { message, send: false, reason: 'no invitation was sent for this instance' };
    }
    // Never email a link to a page that cannot be completed.
    if (context.missingWording !== undefined && context.missingWording.length > 0) {
      return { message, send: false, hold: true, reason: heldReason(context.missingWording) };
    }
    return { message, send: true };
  });
}
