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
 * Every participant (in code order) with their instances, joining the participant list with
 * the grouped instances as both stream by: a participant without instances yet gets an empty
 * group; instances without a participant record still come out, with `participant` undefined.
 */
export async function* participantGroups(participants: Participant[], pages: AsyncIterable<Instance[]>): AsyncGenerator<ParticipantGroup> {
  const sorted = [...participants].sort((a, b) => byCode(a.code, b.code));
  let next = 0;
  for await (const group of instanceGroups(pages)) {
    while (next < sorted.length && byCode(sorted[next]!.code, group.code) < 0) {
      const participant = sorted[next++]!;
      yield { code: participant.code, participant, instances: [] };
    }
    const participant = next < sorted.length && sorted[next]!.code === group.code ? sorted[next++] : undefined;
    yield { code: group.code, participant, instances: group.instances };
  }
  while (next < sorted.length) {
    const participant = sorted[next++]!;
    yield { code: participant.code, participant, instances: [] };
  }
}
