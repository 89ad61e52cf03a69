import { linkRevoked, notFound } from '../core/errors';
import { auditEntry } from './audit';
import type { Deps } from './deps';
import { isRevoked } from './participant-link';

type UnsubscribeDeps = Pick<Deps, 'links' | 'contacts' | 'participants' | 'studies' | 'secrets' | 'clock' | 'audit'>;

/**
 * Resolves an unsubscribe token. Like a questionnaire link, it stops working when the participant's
 * links are revoked (an email correction, a resend, a withdrawal, an erasure): whoever held an old
 * address must not be able to stop the emails going to the new one.
 */
async function resolve(deps: UnsubscribeDeps, token: string) {
  if (!/^[A-Za-z0-9_-]{32,64}$/.test(token)) throw notFound('link');
  const target = await deps.links.getUnsubscribe(deps.secrets.hash(token));
  if (target === null) throw notFound('link');
  const [study, participant, contact] = await Promise.all([
    deps.studies.get(target.studyId),
    deps.participants.get(target.studyId, target.code),
    deps.contacts.get(target.studyId, target.code),
  ]);
  if (study === null) throw notFound('link');
  if (participant !== null && isRevoked(target.epoch, participant)) throw linkRevoked(study.name, participant.language ?? 'en');
  return { target, study, contact };
}

/** Whether this participant still receives the study's emails (for the unsubscribe page). */
export async function unsubscribeStatus(deps: UnsubscribeDeps, token: string) {
  const { study, contact } = await resolve(deps, token);
  // No contact item (erased at their request): nothing is sent to them, which is what the page must say.
  return { study: { name: study.name }, unsubscribed: contact === null || Boolean(contact.unsubscribedAt) };
}

/**
 * Stops the study's emails to a participant (one-click, RFC 8058). Their open questionnaires
 * stay answerable with the links they already have; the coordinator sees the unsubscription.
 */
export async function unsubscribe(deps: UnsubscribeDeps, token: string) {
  const { target, study, contact } = await resolve(deps, token);
  // Without a contact item (erased) there is nothing to unsubscribe and nothing to record.
  if (contact !== null && !contact.unsubscribedAt) {
    const audit = auditEntry(deps, { scope: `study:${target.studyId}`, actor: `participant:${target.code}`, action: 'participant.unsubscribed', target: `participant:${target.code}` });
    await deps.contacts.unsubscribe(target.studyId, target.code, deps.clock.now(), audit);
  }
  return { study: { name: study.name }, unsubscribed: true };
}
