import { planParticipant, type Completions, type Plan } from '../core/schedule/plan';
import { keepOpenWindows, reconcile } from '../core/schedule/reconcile';
import type { Deps } from './deps';
import { carryLinkEpoch } from './revoke-links';

/**
 * Brings a participant's stored schedule (and their instances' link generation) in line with
 * their protocol version and the events so far: writes the plan (idempotent: instances and messages are keyed by what they are, and only
 * unsent messages move), then cancels what the plan no longer contains. Running it again after a
 * crash, or after any change, converges on the same ledger; nothing sent is ever touched.
 */
export async function planAndStore(
  deps: Pick<Deps, 'studies' | 'participants' | 'instances' | 'messages' | 'clock'>,
  studyId: string,
  code: string,
): Promise<Plan> {
  const participant = await deps.participants.get(studyId, code);
  if (participant === null) return { instances: [], messages: [] };
  const protocol = await deps.studies.getProtocol(studyId, participant.protocolVersion);
  if (protocol === null) throw new Error(`study ${studyId} has no protocol version ${participant.protocolVersion}`);
  const [instances, messages] = await Promise.all([deps.instances.listForParticipant(studyId, code), deps.messages.listForParticipant(studyId, code)]);
  const completions: Completions = Object.fromEntries(
    instances.filter((i) => i.completedAt !== undefined).map((i) => [i.timepoint, i.completedAt!]),
  );
  const plan = planParticipant(protocol, participant, completions);
  const now = deps.clock.now();
  for (const instance of keepOpenWindows(plan.instances, instances, now)) await deps.instances.upsertPlanned(instance);
  for (const message of plan.messages) await deps.messages.upsertPlanned(message);

  const { cancelMessages, cancelInstances } = reconcile(plan, participant, { messages, instances });
  for (const { message, reason } of cancelMessages) await deps.messages.cancel(message, reason, now);
  for (const { instance, reason } of cancelInstances) await deps.instances.end(instance, 'cancelled', reason, now);
  // Links revoked on the participant record are refused by the answer writes too (the revoking request does this as well).
  await carryLinkEpoch(deps, participant, instances);
  return plan;
}
