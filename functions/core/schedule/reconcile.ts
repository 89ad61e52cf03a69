import type { Participant } from '../study/study';
import type { Plan } from './plan';
import { openStatuses, plannedKinds, waitingStatuses, type Instance, type StoredMessage } from './records';

/** Why mail to a participant stops once their contact details are erased (ledger and dispatcher). */
export const CONTACT_ERASED = "contact details erased at the participant's request";

export interface Reconciliation {
  /** Planned messages the new plan no longer contains. */
  cancelMessages: Array<{ message: StoredMessage; reason: string }>;
  /** Open instances the new plan no longer contains. */
  cancelInstances: Array<{ instance: Instance; reason: string }>;
}

/**
 * What a new plan takes away from what is stored: every still-waiting (planned or held) invitation or reminder and
 * every open instance it no longer contains, each with the reason. Sent messages and finished
 * instances are history and are never touched.
 */
export function reconcile(plan: Plan, participant: Participant, stored: { messages: StoredMessage[]; instances: Instance[] }): Reconciliation {
  const wantedMessages = new Set(plan.messages.map((m) => `${m.timepoint}|${m.kind}|${m.n}`));
  const wantedInstances = new Set(plan.instances.map((i) => i.timepoint));
  const completed = new Set(stored.instances.filter((i) => i.status === 'completed').map((i) => i.timepoint));
  const reasonFor = (timepoint: string) =>
    participant.status !== 'active'
      ? `participant ${participant.status}`
      : participant.contactErasedAt !== undefined
        ? CONTACT_ERASED
        : completed.has(timepoint)
        ? 'instance completed'
        : 'no longer in the protocol for this participant';

  return {
    cancelMessages: stored.messages
      .filter((m) => plannedKinds.has(m.kind) && waitingStatuses.has(m.status) && !wantedMessages.has(`${m.timepoint}|${m.kind}|${m.n}`))
      .map((message) => ({ message, reason: reasonFor(message.timepoint) })),
    cancelInstances: stored.instances
      .filter((i) => openStatuses.has(i.status) && !wantedInstances.has(i.timepoint))
      .map((instance) => ({ instance, reason: reasonFor(instance.timepoint) })),
  };
}

/**
 * A re-plan (a new time zone, a protocol edit) never takes away time from a window that has
 * already opened: the participant may be holding a link to it. Such an instance keeps the
 * earlier of its two openings and the later of its two closings.
 */
export function keepOpenWindows(planned: Instance[], stored: Instance[], now: Date): Instance[] {
  const nowIso = now.toISOString();
  return planned.map((instance) => {
    const current = stored.find((s) => s.timepoint === instance.timepoint);
    if (current === undefined || !openStatuses.has(current.status) || current.opensAt > nowIso) return instance;
    return {
      ...instance,
      opensAt: current.opensAt < instance.opensAt ? current.opensAt : instance.opensAt,
      closesAt: current.closesAt > instance.closesAt ? current.closesAt : instance.closesAt,
    };
  });
}
