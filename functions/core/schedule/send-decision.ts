import type { Participant } from '../study/study';
import type { Instance, StoredMessage } from './records';
import { openStatuses } from './records';

export type SendDecision = { message: StoredMessage; send: true } | { message: StoredMessage; send: false; reason: string };

/**
 * Decides, at send time, which of an instance's due messages still go out. At most one
 * message per instance is sent in a pass: the invitation if it has not gone yet, otherwise the
 * latest due reminder; earlier ones (a dispatcher that was down, a back-dated enrolment) are
 * skipped as superseded rather than sent in a burst. Nothing goes to a withdrawn participant,
 * for a finished instance, or after the window has closed.
 */
export function decideSends(
  due: StoredMessage[],
  context: { participant: Participant | null; instance: Instance | null; invitationSent: boolean; now: Date },
): SendDecision[] {
  const { participant, instance, now } = context;
  const stop = ((): string | null => {
    if (participant === null) return 'participant not found';
    if (participant.status !== 'active') return `participant ${participant.status}`;
    if (instance === null) return 'instance not planned';
    if (!openStatuses.has(instance.status)) return `instance ${instance.status}`;
    if (now.getTime() >= Date.parse(instance.closesAt)) return 'window closed';
    return null;
  })();
  if (stop !== null) return due.map((message) => ({ message, send: false, reason: stop }));

  const ordered = [...due].sort((a, b) => a.n - b.n);
  const invitation = ordered.find((m) => m.kind === 'invitation');
  const chosen = invitation ?? ordered.at(-1);
  return ordered.map((message) => {
    if (message === chosen) {
      if (message.kind === 'reminder' && !context.invitationSent) {
        return { message, send: false, reason: 'no invitation was sent for this instance' };
      }
      return { message, send: true };
    }
    return { message, send: false, reason: 'superseded by a later message' };
  });
}
