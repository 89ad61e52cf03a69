import type { DateTime } from 'luxon';
import type { Participant, Protocol, Timepoint } from '../study/study';
import type { Instance, PlannedMessage } from './records';
import { localDateFromIsoDate, localDateOf, localToUtc, toIso } from './local-time';

export interface Plan {
  instances: Instance[];
  messages: PlannedMessage[];
}

/** Completion instants (ISO) by timepoint id: what `<timepoint>.completed` anchors wait for. */
export type Completions = Record<string, string>;

interface Anchor {
  /** The local calendar date the offset counts from. */
  date: DateTime;
  /** No email for this timepoint may go out before this instant (the anchoring event). */
  notBefore: string;
}

function anchorOf(timepoint: Timepoint, participant: Participant, completions: Completions): Anchor | null {
  const zone = participant.timezone;
  if (timepoint.anchor === 'enrollment') return { date: localDateOf(participant.enrolledAt, zone), notBefore: participant.enrolledAt };
  if (timepoint.anchor.endsWith('.completed')) {
    const completedAt = completions[timepoint.anchor.slice(0, -'.completed'.length)];
    return completedAt === undefined ? null : { date: localDateOf(completedAt, zone), notBefore: completedAt };
  }
  const date = participant.dates[timepoint.anchor.slice('date:'.length)];
  return date === undefined ? null : { date: localDateFromIsoDate(date, zone), notBefore: participant.enrolledAt };
}

const later = (a: string, b: string) => (a > b ? a : b);

/**
 * Everything a participant should receive under a protocol, as of the events so far: one
 * instance per timepoint of their arm whose anchor has happened, and its invitation and
 * reminders, each at its local wall-clock time converted to UTC.
 *
 * - Nothing is sent before the anchoring event (enrolment, or the completion it waits for): an
 *   invitation whose local time has passed goes out at that instant; reminders already in the
 *   past are not planned at all.
 * - A completed timepoint keeps only the messages due before its completion.
 * - A withdrawn participant gets nothing.
 * - A participant whose contact details were erased keeps their instances (links they hold still
 *   work) but is sent nothing more.
 *
 * Pure: the caller persists it; persisting the same plan twice changes nothing, and whatever
 * unsent message a new plan no longer contains is cancelled by the caller.
 */
export function planParticipant(protocol: Protocol, participant: Participant, completions: Completions = {}): Plan {
  const plan: Plan = { instances: [], messages: [] };
  if (participant.status !== 'active') return plan;
  const zone = participant.timezone;

  for (const timepoint of protocol.timepoints) {
    if (!timepoint.arms.includes(participant.arm)) continue;
    const anchor = anchorOf(timepoint, participant, completions);
    if (anchor === null) continue;

    const dueDate = anchor.date.plus({ days: timepoint.offsetDays });
    const at = (date: DateTime) => toIso(localToUtc(date, timepoint.sendAt, zone));
    // A synthetic demo participant's records say so, so the dispatcher can tell without another read.
    const key = { studyId: participant.studyId, code: participant.code, timepoint: timepoint.id, ...(participant.synthetic ? { synthetic: true } : {}) };
    const completedAt = completions[timepoint.id];
    const wanted = (sendAt: string) => completedAt === undefined || sendAt < completedAt;

    plan.instances.push({
      ...key,
      arm: participant.arm,
      status: 'scheduled',
      dueAt: at(dueDate),
      opensAt: at(dueDate.minus({ days: timepoint.window.opensDaysBefore })),
      closesAt: at(dueDate.plus({ days: timepoint.window.closesDaysAfter })),
      instruments: timepoint.instruments,
    });
    const invitationAt = later(at(dueDate), anchor.notBefore);
    if (wanted(invitationAt)) plan.messages.push({ ...key, kind: 'invitation', n: 0, sendAt: invitationAt });
    timepoint.reminders.forEach((days, i) => {
      const sendAt = at(dueDate.plus({ days }));
      if (sendAt > anchor.notBefore && wanted(sendAt)) plan.messages.push({ ...key, kind: 'reminder', n: i + 1, sendAt });
    });
  }
  // No address any more: nothing may be planned to go to one (a re-plan must not revive cancelled mail).
  if (participant.contactErasedAt !== undefined) plan.messages = [];
  return plan;
}
