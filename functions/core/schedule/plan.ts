import type { DateTime } from 'luxon';
import type { Participant, Study, Timepoint } from '../study/study';
import type { Instance, PlannedMessage } from './records';
import { localDateFromIsoDate, localDateOf, localToUtc, toIso } from './local-time';

export interface Plan {
  instances: Instance[];
  messages: PlannedMessage[];
}

/** Completion instants (ISO) by timepoint id: what `<timepoint>.completed` anchors wait for. */
export type Completions = Record<string, string>;

/** The local date a timepoint's offset counts from, or null while its anchor has not happened. */
function anchorDate(timepoint: Timepoint, participant: Participant, completions: Completions): DateTime | null {
  const zone = participant.timezone;
  if (timepoint.anchor === 'enrollment') return localDateOf(participant.enrolledAt, zone);
  if (timepoint.anchor.endsWith('.completed')) {
    const completedAt = completions[timepoint.anchor.slice(0, -'.completed'.length)];
    return completedAt === undefined ? null : localDateOf(completedAt, zone);
  }
  const date = participant.dates[timepoint.anchor.slice('date:'.length)];
  return date === undefined ? null : localDateFromIsoDate(date, zone);
}

/**
 * Everything a participant should receive under a study's protocol, as of the events so far:
 * one instance per timepoint of their arm whose anchor has happened, and its invitation and
 * reminders, each at its local wall-clock time converted to UTC. Pure: the caller persists it,
 * and persisting the same plan twice changes nothing.
 */
export function planParticipant(study: Study, participant: Participant, completions: Completions = {}): Plan {
  const plan: Plan = { instances: [], messages: [] };
  if (participant.status !== 'active') return plan;
  const zone = participant.timezone;

  for (const timepoint of study.protocol.timepoints) {
    if (!timepoint.arms.includes(participant.arm)) continue;
    const anchor = anchorDate(timepoint, participant, completions);
    if (anchor === null) continue;

    const dueDate = anchor.plus({ days: timepoint.offsetDays });
    const at = (date: DateTime) => toIso(localToUtc(date, timepoint.sendAt, zone));
    const key = { studyId: study.id, code: participant.code, timepoint: timepoint.id };

    plan.instances.push({
      ...key,
      arm: participant.arm,
      status: 'scheduled',
      dueAt: at(dueDate),
      opensAt: at(dueDate.minus({ days: timepoint.window.opensDaysBefore })),
      closesAt: at(dueDate.plus({ days: timepoint.window.closesDaysAfter })),
      instruments: timepoint.instruments,
    });
    plan.messages.push({ ...key, kind: 'invitation', n: 0, sendAt: at(dueDate) });
    timepoint.reminders.forEach((days, i) =>
      plan.messages.push({ ...key, kind: 'reminder', n: i + 1, sendAt: at(dueDate.plus({ days })) }),
    );
  }
  return plan;
}
