import { notFound } from '../core/errors';
import { CONTACT_ERASED } from '../core/schedule/reconcile';
import { participantKinds } from '../core/schedule/records';
import { participantCodeSchema } from '../core/study/study';
import { recordAudit } from './audit';
import type { Actor, Deps } from './deps';

export interface Erasure {
  code: string;
  /** When the contact details were erased (the first request, if asked again). */
  contactErasedAt: string;
  /** Planned emails this request cancelled. */
  cancelledMessages: number;
}

/**
 * Erases a participant's contact details at their request: the contact item and the reservation
 * of its address go, nothing more is planned or sent to them, and pending mail is cancelled. The
 * pseudonymous research record (instances, answers, scores, ledger) is untouched and still
 * exports. Idempotent: asking again changes nothing and answers the same.
 *
 * Ordered so that a crash at any point leaves nothing that could still email them: the
 * participant is marked first (the dispatcher checks the mark before every send), then the
 * address is deleted, then planned mail is cancelled (the re-plan the mark requested would also
 * cancel it).
 */
export async function eraseContact(
  deps: Pick<Deps, 'participants' | 'contacts' | 'messages' | 'audit' | 'clock' | 'secrets' | 'onScheduleChanged'>,
  actor: Actor,
  studyId: string,
  code: string,
): Promise<Erasure> {
  if (!participantCodeSchema.safeParse(code).success) throw notFound(`participant ${code}`);
  const participant = await deps.participants.get(studyId, code);
  if (participant === null) throw notFound(`participant ${code}`);
  const now = deps.clock.now();

  const { erasedAt, first } = await deps.participants.markContactErased(studyId, code, now);
  const erased = await deps.contacts.erase(studyId, code);
  const pending = (await deps.messages.listForParticipant(studyId, code)).filter((m) => participantKinds.has(m.kind) && m.status === 'planned');
  for (const message of pending) await deps.messages.cancel(message, CONTACT_ERASED, now);

  if (first || erased) {
    // That the address was erased, never the address itself.
    await recordAudit(deps, {
      scope: `study:${studyId}`,
      actor,
      action: 'participant.contact-erased',
      target: `participant:${code}`,
      after: { contactErasedAt: erasedAt, cancelledMessages: pending.length },
    });
  }
  deps.onScheduleChanged?.();
  return { code, contactErasedAt: erasedAt, cancelledMessages: pending.length };
}
