import { conflict, notFound } from '../core/errors';
import { openStatuses } from '../core/schedule/records';
import { auditEntry } from './audit';
import type { Actor, Deps } from './deps';
import { parseInput } from './parse-input';
import { queueFreshLinks, reachableTimepoints, revokeParticipantLinks } from './revoke-links';
import { staffInput } from './staff-input-loader';

/**
 * Sends a participant a fresh link to an open timepoint now (they lost the email, it went to
 * spam, or someone else may have it). Every link they were sent before stops working at once, so
 * any other questionnaire they could answer now gets a fresh link too. The emails go through the
 * ledger like any message, so the usual checks apply at send time, and they say that they replace
 * the earlier links.
 */
export async function resendLink(
  deps: Pick<Deps, 'participants' | 'instances' | 'messages' | 'audit' | 'clock' | 'secrets' | 'onScheduleChanged'>,
  actor: Actor,
  studyId: string,
  code: string,
  body: unknown,
): Promise<{ queued: true; n: number; timepoints: string[] }> {
  const { timepoint } = parseInput((await staffInput()).resendSchema, body);
  const [participant, instances] = await Promise.all([deps.participants.get(studyId, code), deps.instances.listForParticipant(studyId, code)]);
  if (participant === null) throw notFound(`participant ${code}`);
  const instance = instances.find((i) => i.timepoint === timepoint);
  if (instance === undefined) throw notFound(`timepoint ${timepoint} for ${code}`);
  if (participant.contactErasedAt !== undefined) throw conflict("this participant's contact details were erased at their request: nothing can be sent to them");
  if (participant.status === 'withdrawn') throw conflict('this participant has withdrawn: nothing more is sent to them');
  const now = deps.clock.now();
  if (!openStatuses.has(instance.status) || now.getTime() >= Date.parse(instance.closesAt)) {
    throw conflict(`the ${timepoint} questionnaires are ${instance.status === 'completed' ? 'already completed' : 'closed'}: there is nothing to resend`);
  }
  const others = reachableTimepoints(instances, now).filter((t) => t !== timepoint);
  const resendNumber = (await deps.messages.listForParticipant(studyId, code)).filter((m) => m.timepoint === timepoint && m.kind === 'resend').length + 1;
  await revokeParticipantLinks(
    deps,
    studyId,
    code,
    auditEntry(deps, { scope: `study:${studyId}`, actor, action: 'link.resent', target: `instance:${code}/${timepoint}`, after: { n: resendNumber, linksRevoked: true, ...(others.length > 0 ? { alsoResent: others } : {}) } }),
  );
  const queued = await queueFreshLinks(deps, studyId, code, [timepoint, ...others]);
  deps.onScheduleChanged?.();
  return { queued: true, n: queued[0]!.n, timepoints: queued.map((q) => q.timepoint) };
}
