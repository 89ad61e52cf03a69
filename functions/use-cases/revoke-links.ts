import type { AuditEntry } from '../core/audit';
import type { Instance } from '../core/schedule/records';
import type { Participant } from '../core/study/study';
import type { Deps } from './deps';

/**
 * Carries a participant's link generation to their instances, where the answer writes check it:
 * after this, a save or submission through a revoked link changes nothing, even one already in
 * flight. Idempotent; the dispatcher's re-plan (which every revocation requests) runs it too, so a
 * crash between the revocation and this step heals on the next pass.
 */
export async function carryLinkEpoch(deps: Pick<Deps, 'instances'>, participant: Participant, instances: Instance[]): Promise<void> {
  const epoch = participant.linkEpoch ?? 0;
  for (const instance of instances) if ((instance.linkEpoch ?? 0) < epoch) await deps.instances.revokeLinks(instance, epoch);
}

/**
 * Revokes every link a participant was sent, in one conditional write on their record (with its
 * audit entry), then carries the new generation to their instances at once.
 */
export async function revokeParticipantLinks(
  deps: Pick<Deps, 'participants' | 'instances' | 'clock'>,
  studyId: string,
  code: string,
  audit: AuditEntry,
): Promise<void> {
  await deps.participants.revokeLinks(studyId, code, deps.clock.now(), audit);
  await carryFromStore(deps, studyId, code);
}

/** `carryLinkEpoch` with fresh reads. */
export async function carryFromStore(deps: Pick<Deps, 'participants' | 'instances'>, studyId: string, code: string): Promise<void> {
  const [participant, instances] = await Promise.all([deps.participants.get(studyId, code), deps.instances.listForParticipant(studyId, code)]);
  if (participant !== null) await carryLinkEpoch(deps, participant, instances);
}

/**
 * The timepoints whose questionnaires a participant could answer now and had been sent a link
 * for: after a revocation each needs a fresh link, or the participant would be left with none.
 */
export function reachableTimepoints(instances: Instance[], now: Date): string[] {
  return instances
    .filter((i) => (i.status === 'open' || i.status === 'started') && Date.parse(i.opensAt) <= now.getTime() && now.getTime() < Date.parse(i.closesAt))
    .map((i) => i.timepoint);
}

/** Queues a fresh link (a resend, through the ledger like any email) to each of `timepoints`; returns each one's resend number. */
export async function queueFreshLinks(
  deps: Pick<Deps, 'messages' | 'clock'>,
  studyId: string,
  code: string,
  timepoints: string[],
): Promise<Array<{ timepoint: string; n: number }>> {
  if (timepoints.length === 0) return [];
  const messages = await deps.messages.listForParticipant(studyId, code);
  const sendAt = deps.clock.now().toISOString();
  const queued = [];
  for (const timepoint of timepoints) {
    const n = messages.filter((m) => m.timepoint === timepoint && m.kind === 'resend').length + 1;
    await deps.messages.createOnce({ studyId, code, timepoint, kind: 'resend', n, sendAt });
    queued.push({ timepoint, n });
  }
  return queued;
}
