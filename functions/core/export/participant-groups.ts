import type { Instance } from '../schedule/records';
import type { Participant } from '../study/study';
import { byCode } from './layout';

/** One participant's instances, read together. */
export interface ParticipantGroup {
  code: string;
  /** Undefined only for instances whose participant record is missing. */
  participant: Participant | undefined;
  instances: Instance[];
}

/**
 * Groups pages of a study's instances, in key order (`INSTANCE#<code>#<timepoint>`, so each
 * participant's instances are adjacent), into one group per participant, holding only one
 * participant's instances at a time. Throws if the pages are not in that order, which would
 * otherwise split a participant silently.
 */
export async function* instanceGroups(pages: AsyncIterable<Instance[]>): AsyncGenerator<{ code: string; instances: Instance[] }> {
  let current: { code: string; instances: Instance[] } | undefined;
  for await (const page of pages) {
    for (const instance of page) {
      if (current !== undefined && current.code === instance.code) {
        current.instances.push(instance);
        continue;
      }
      if (current !== undefined) {
        if (byCode(instance.code, current.code) < 0) throw new Error(`instances out of order: ${instance.code} after ${current.code}`);
        yield current;
      }
      current = { code: instance.code, instances: [instance] };
    }
  }
  if (current !== undefined) yield current;
}

/**
 * Every participant (in code order) with their instances, joining the participants with the
 * grouped instances as both stream by: a participant without instances yet gets an empty group;
 * instances without a participant record still come out, with `participant` undefined.
 * Participants come either as a list (sorted here) or as pages already in code order (the order
 * of their keys, checked as they arrive), so that neither side is ever held whole.
 */
export async function* participantGroups(
  participants: readonly Participant[] | AsyncIterable<Participant[]>,
  pages: AsyncIterable<Instance[]>,
): AsyncGenerator<ParticipantGroup> {
  const cursor = (isList(participants) ? sorted(participants) : inCodeOrder(participants))[Symbol.asyncIterator]();
  let next = await cursor.next();
  const empty = (participant: Participant): ParticipantGroup => ({ code: participant.code, participant, instances: [] });
  for await (const group of instanceGroups(pages)) {
    while (!next.done && byCode(next.value.code, group.code) < 0) {
      yield empty(next.value);
      next = await cursor.next();
    }
    let participant: Participant | undefined;
    if (!next.done && next.value.code === group.code) {
      participant = next.value;
      next = await cursor.next();
    }
    yield { code: group.code, participant, instances: group.instances };
  }
  while (!next.done) {
    yield empty(next.value);
    next = await cursor.next();
  }
}

const isList = (participants: readonly Participant[] | AsyncIterable<Participant[]>): participants is readonly Participant[] => Array.isArray(participants);

async function* sorted(participants: readonly Participant[]): AsyncGenerator<Participant> {
  yield* [...participants].sort((a, b) => byCode(a.code, b.code));
}

/** Throws if the pages are not in code order, which would otherwise drop participants silently. */
async function* inCodeOrder(pages: AsyncIterable<Participant[]>): AsyncGenerator<Participant> {
  let previous: string | undefined;
  for await (const page of pages) {
    for (const participant of page) {
      if (previous !== undefined && byCode(participant.code, previous) <= 0) throw new Error(`participants out of order: ${participant.code} after ${previous}`);
      previous = participant.code;
      yield participant;
    }
  }
}
