import { notFound } from '../core/errors';
import { byTimepointOrder, scheduleOrderIds } from '../core/study/timepoint-order';
import type { Deps } from './deps';
import { previewSchedule } from './protocol-versions';

/**
 * A study's participants as coordinators list them: each pseudonymous record with its delivery
 * status (suppression, unsubscription) and each timepoint's state in schedule order, never the
 * address: the list is pseudonymous.
 */
export async function listParticipants(deps: Pick<Deps, 'participants' | 'contacts' | 'instances' | 'studies'>, studyId: string) {
  const [participants, statuses, instances, study] = await Promise.all([
    deps.participants.list(studyId),
    deps.contacts.listStatuses(studyId),
    deps.instances.listForStudy(studyId),
    deps.studies.get(studyId),
  ]);
  const statusOf = new Map(statuses.map((s) => [s.code, s]));
  const order = byTimepointOrder(scheduleOrderIds(study?.protocol.timepoints ?? []));
  const progressOf = new Map<string, Array<{ timepoint: string; status: string }>>();
  for (const i of instances) progressOf.set(i.code, [...(progressOf.get(i.code) ?? []), { timepoint: i.timepoint, status: i.status }]);
  return {
    participants: participants.map((p) => ({
      ...p,
      suppressed: statusOf.get(p.code)?.suppressed ?? null,
      unsubscribedAt: statusOf.get(p.code)?.unsubscribedAt ?? null,
      progress: (progressOf.get(p.code) ?? []).sort((a, b) => order(a.timepoint, b.timepoint)),
    })),
  };
}

/**
 * One participant's timeline for the coordinator who manages them: instances (without the
 * answers), messages with delivery status, contact details and consents (without the typed name,
 * which is only in the PDF). Only the participant-management capability reaches it: analysts never
 * see contact details.
 */
export async function participantTimeline(deps: Pick<Deps, 'participants' | 'instances' | 'messages' | 'contacts' | 'studies' | 'consents'>, studyId: string, code: string) {
  const participant = await deps.participants.get(studyId, code);
  if (participant === null) throw notFound(`participant ${code}`);
  const [instances, messages, contact, protocol, consents] = await Promise.all([
    deps.instances.listForParticipant(studyId, code),
    deps.messages.listForParticipant(studyId, code),
    deps.contacts.get(studyId, code),
    deps.studies.getProtocol(studyId, participant.protocolVersion),
    deps.consents.listRecords(studyId, code),
  ]);
  const order = byTimepointOrder(scheduleOrderIds(protocol?.timepoints ?? []));
  return {
    participant,
    contact: contact && { email: contact.email, suppressed: contact.suppressed ?? null, unsubscribedAt: contact.unsubscribedAt ?? null },
    // In schedule order (when they happen), as everywhere else.
    instances: instances.sort((a, b) => order(a.timepoint, b.timepoint)).map(({ answers: _answers, ...rest }) => rest),
    messages: messages.sort((a, b) => a.sendAt.localeCompare(b.sendAt)),
    consents: consents.map(({ version, language, textHash, agreedAt, via }) => ({ version, language, textHash, agreedAt, via })),
  };
}

/** A participant's plan under a protocol version (`version` omitted: their own), against what has happened so far. */
export async function participantPlan(deps: Pick<Deps, 'studies' | 'participants' | 'instances' | 'messages'>, studyId: string, code: string, version: string | undefined) {
  const protocol = version === undefined ? undefined : await deps.studies.getProtocol(studyId, Number(version));
  if (protocol === null) throw notFound(`protocol version ${version}`);
  return { messages: await previewSchedule(deps, studyId, code, protocol) };
}
