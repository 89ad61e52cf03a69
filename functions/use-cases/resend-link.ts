import { z } from 'zod';
import { conflict, notFound } from '../core/errors';
import { openStatuses } from '../core/schedule/records';
import { recordAudit } from './audit';
import type { Actor, Deps } from './deps';
import { parseInput } from './parse-input';

export const resendSchema = z.strictObject({ timepoint: z.string().min(1).max(40) });

/**
 * Sends a participant a fresh link to an open timepoint now (they lost the email, or it went to
 * spam). It goes through the ledger like any message, so the usual checks apply at send time.
 */
export async function resendLink(
  deps: Pick<Deps, 'participants' | 'instances' | 'messages' | 'audit' | 'clock' | 'secrets' | 'onScheduleChanged'>,
  actor: Actor,
  studyId: string,
  code: string,
  body: unknown,
): Promise<{ queued: true; n: number }> {
  const { timepoint } = parseInput(resendSchema, body);
  const [participant, instance] = await Promise.all([deps.participants.get(studyId, code), deps.instances.get(studyId, code, timepoint)]);
  if (participant === null) throw notFound(`participant ${code}`);
  if (instance === null) throw notFound(`timepoint ${timepoint} for ${code}`);
  if (participant.contactErasedAt !== undefined) throw conflict("this participant's contact details were erased at their request: nothing can be sent to them");
  const now = deps.clock.now();
  if (!openStatuses.has(instance.status) || now.getTime() >= Date.parse(instance.closesAt)) {
    throw conflict(`the ${timepoint} questionnaires are ${instance.status === 'completed' ? 'already completed' : 'closed'}: there is nothing to resend`);
  }
  const n = (await deps.messages.listForParticipant(studyId, code)).filter((m) => m.timepoint === timepoint && m.kind === 'resend').length + 1;
  await deps.messages.createOnce({ studyId, code, timepoint, kind: 'resend', n, sendAt: now.toISOString() });
  await recordAudit(deps, { scope: `study:${studyId}`, actor, action: 'link.resent', target: `instance:${code}/${timepoint}`, after: { n } });
  deps.onScheduleChanged?.();
  return { queued: true, n };
}
