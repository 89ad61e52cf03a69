import { notFound } from '../core/errors';
import { CONTACT_ERASED } from '../core/schedule/reconcile';
import { participantKinds } from '../core/schedule/records';
import { isParticipantCode } from '../core/study/participant-code';
import { auditEntry } from './audit';
import type { Actor, Deps } from './deps';
import { carryFromStore } from './revoke-links';

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
 * participant is marked first (the dispatcher checks the mark before every send; the same write
 * revokes every link they were sent, and carries the audit entry), then the address is deleted,
 * then planned mail is cancelled (the re-plan the mark requested would also cancel it).
 */
export async function eraseContact(
  deps: Pick<Deps, 'participants' | 'contacts' | 'messages' | 'instances' | 'audit' | 'clock' | 'secrets' | 'onScheduleChanged'>,
  actor: Actor,
  studyId: string,
  code: string,
): Promise<Erasure> {
  if (!isParticipantCode(code)) throw notFound(`participant ${code}`);
  const participant = await deps.participants.get(studyId, code);
  if (participant === null) throw notFound(`participant ${code}`);
  const now = deps.clock.now();
  const planned = () => deps.messages.listForParticipant(studyId, code).then((all) => all.filter((m) => participantKinds.has(m.kind) && m.status === 'planned'));

  // Asked again once done (marked, and no address left): nothing to change, nothing to record.
  if (participant.contactErasedAt !== undefined && (await deps.contacts.get(studyId, code)) === null) {
    const pending = await planned();
    for (const message of pending) await deps.messages.cancel(message, CONTACT_ERASED, now);
    return { code, contactErasedAt: participant.contactErasedAt, cancelledMessages: pending.length };
  }
  const toCancel = await planned();
  // That the address was erased, never the address itself.
  const audit = auditEntry(deps, {
    scope: `study:${studyId}`,
    actor,
    action: 'participant.contact-erased',
    target: `participant:${code}`,
    after: { contactErasedAt: participant.contactErasedAt ?? now.toISOString(), cancelledMessages: toCancel.length, linksRevoked: true },
  });
  const { erasedAt } = await deps.participants.markContactErased(studyId, code, now, audit);
  await carryFromStore(deps, studyId, code);
  await deps.contacts.erase(studyId, code);
  const pending = await planned();
  for (const message of pending) await deps.messages.cancel(message, CONTACT_ERASED, now);
  deps.onScheduleChanged?.();
  return { code, contactErasedAt: erasedAt, cancelledMessages: pending.length };
}
