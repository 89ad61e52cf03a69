import * as z from 'zod';
import { badRequest, conflict, notFound } from '../core/errors';
import { planParticipant } from '../core/schedule/plan';
import { plannedKinds, waitingStatuses } from '../core/schedule/records';
import type { Protocol } from '../core/study/study';
import { auditEntry } from './audit';
import { validateStudy } from './create-study';
import type { Actor, Deps } from './deps';
import { checkProtocolDraft } from './manage-study';
import { parseInput } from './parse-input';

/** The edited protocol; its version is assigned on publishing. The full check happens with the study. */
export const publishSchema = z.strictObject({ protocol: z.looseObject({ timepoints: z.array(z.unknown()).min(1) }) });

/**
 * Publishes an edited protocol as the next version. Published versions never change:
 * participants stay on the version they were enrolled under until a coordinator migrates them.
 */
export async function publishProtocol(
  deps: Pick<Deps, 'studies' | 'catalogue' | 'audit' | 'clock' | 'secrets'>,
  actor: Actor,
  studyId: string,
  body: unknown,
): Promise<Protocol> {
  const study = await deps.studies.get(studyId);
  if (study === null) throw notFound(`study ${studyId}`);
  const { protocol: draft } = parseInput(publishSchema, body);
  // Checked as part of the whole study (arms, installed instruments, shared item ids, anchors), so
  // errors name fields as the body does: protocol.timepoints.0.sendAt …
  const { protocol } = await validateStudy(deps, { ...study, protocol: { ...draft, version: study.protocol.version + 1 } });
  const audit = auditEntry(deps, { scope: `study:${studyId}`, actor, action: 'protocol.published', target: `study:${studyId}`, before: { version: study.protocol.version }, after: protocol });
  if (!(await deps.studies.publishProtocol(studyId, protocol, deps.clock.now(), audit))) {
    throw conflict(`protocol version ${protocol.version} was published by someone else meanwhile: reload and try again`);
  }
  return protocol;
}

export const migrationSchema = z.strictObject({
  version: z.number().int().min(1),
  /** Only these participants; all participants on older versions when omitted. */
  codes: z.array(z.string()).max(10_000).optional(),
});

/**
 * Moves participants to a protocol version; each is re-planned, so their unsent messages move.
 * Each move is its own conditional write carrying its own audit entry (a participant changed
 * meanwhile is left unchanged and reported so), so a crash part-way leaves every move that
 * happened audited and the rest untouched.
 */
export async function migrateParticipants(
  deps: Pick<Deps, 'studies' | 'participants' | 'audit' | 'clock' | 'secrets' | 'onScheduleChanged'>,
  actor: Actor,
  studyId: string,
  body: unknown,
): Promise<{ migrated: string[]; unchanged: string[] }> {
  const { version, codes } = parseInput(migrationSchema, body);
  if ((await deps.studies.getProtocol(studyId, version)) === null) throw badRequest('version', `study ${studyId} has no protocol version ${version}`);
  const participants = await deps.participants.list(studyId);
  const known = new Set(participants.map((p) => p.code));
  const unknown = (codes ?? []).filter((c) => !known.has(c));
  if (unknown.length > 0) throw badRequest('codes', `no participant ${unknown.slice(0, 5).join(', ')} in this study`);
  const targets = participants.filter((p) => (codes ? codes.includes(p.code) : true));
  const migrated: string[] = [];
  const unchanged: string[] = [];
  for (const participant of targets) {
    if (participant.protocolVersion === version || participant.status !== 'active') {
      unchanged.push(participant.code);
      continue;
    }
    const audit = auditEntry(deps, {
      scope: `study:${studyId}`,
      actor,
      action: 'participant.migrated',
      target: `participant:${participant.code}`,
      before: { protocolVersion: participant.protocolVersion },
      after: { protocolVersion: version },
    });
    if (await deps.participants.update(participant, { ...participant, protocolVersion: version }, deps.clock.now(), { audit })) migrated.push(participant.code);
    else unchanged.push(participant.code);
  }
  if (migrated.length > 0) deps.onScheduleChanged?.();
  return { migrated, unchanged };
}

/**
 * What a participant's schedule would become under a protocol, against what is planned now:
 * the planner's output, for a coordinator to check before publishing or migrating.
 */
export async function previewSchedule(
  deps: Pick<Deps, 'studies' | 'participants' | 'instances' | 'messages'>,
  studyId: string,
  code: string,
  protocol?: Protocol,
) {
  const participant = await deps.participants.get(studyId, code);
  if (participant === null) throw notFound(`participant ${code}`);
  const target = protocol ?? (await deps.studies.getProtocol(studyId, participant.protocolVersion));
  if (target === null) throw notFound(`protocol version ${participant.protocolVersion}`);
  const [instances, messages] = await Promise.all([deps.instances.listForParticipant(studyId, code), deps.messages.listForParticipant(studyId, code)]);
  const completions = Object.fromEntries(instances.filter((i) => i.completedAt).map((i) => [i.timepoint, i.completedAt!]));
  const plan = planParticipant(target, participant, completions);
  const current = new Map(messages.map((m) => [`${m.timepoint}|${m.kind}|${m.n}`, m]));
  const wanted = new Set(plan.messages.map((m) => `${m.timepoint}|${m.kind}|${m.n}`));
  // Waiting invitations and reminders the plan no longer has would be cancelled.
  const dropped = messages
    .filter((m) => plannedKinds.has(m.kind) && waitingStatuses.has(m.status) && !wanted.has(`${m.timepoint}|${m.kind}|${m.n}`))
    .map((m) => ({ timepoint: m.timepoint, kind: m.kind, n: m.n, sendAt: m.sendAt, change: 'cancelled' as const, was: m.sendAt }));
  return [...plan.messages.map((m) => {
    const stored = current.get(`${m.timepoint}|${m.kind}|${m.n}`);
    const waiting = stored !== undefined && (stored.status === 'planned' || stored.status === 'held');
    const change = stored === undefined ? 'new' : !waiting ? 'already handled' : stored.sendAt === m.sendAt ? 'unchanged' : 'moved';
    return { timepoint: m.timepoint, kind: m.kind, n: m.n, sendAt: m.sendAt, change, ...(stored && stored.sendAt !== m.sendAt ? { was: stored.sendAt } : {}) };
  }), ...dropped];
}

/**
 * What publishing a draft and migrating everyone on the current version would send or move,
 * participant by participant: the planner's output against the ledger, before anything changes.
 */
export async function previewProtocolDraft(deps: Pick<Deps, 'studies' | 'participants' | 'instances' | 'messages' | 'catalogue'>, studyId: string, body: unknown) {
  const report = await checkProtocolDraft(deps, studyId, body);
  if (!report.ok) return { ...report, changes: [] };
  const study = (await deps.studies.get(studyId))!;
  const protocol = { ...(body as { protocol: object }).protocol, version: report.version } as Protocol;
  const participants = (await deps.participants.list(studyId)).filter((p) => p.status === 'active' && p.protocolVersion === study.protocol.version);
  const changes = [];
  for (const participant of participants) {
    for (const change of await previewSchedule(deps, studyId, participant.code, protocol)) {
      if (change.change === 'new' || change.change === 'moved' || change.change === 'cancelled') changes.push({ participant: participant.code, ...change });
    }
  }
  return { ...report, participants: participants.length, changes };
}

/**
 * What migrating participants to a protocol version would add, move or cancel, participant by
 * participant, before anything changes: the same preview as before publishing, for any version
 * and at any later time. Takes the body `migrateParticipants` takes.
 */
export async function previewMigration(deps: Pick<Deps, 'studies' | 'participants' | 'instances' | 'messages'>, studyId: string, body: unknown) {
  const { version, codes } = parseInput(migrationSchema, body);
  const protocol = await deps.studies.getProtocol(studyId, version);
  if (protocol === null) throw badRequest('version', `study ${studyId} has no protocol version ${version}`);
  const participants = await deps.participants.list(studyId);
  const known = new Set(participants.map((p) => p.code));
  const unknown = (codes ?? []).filter((c) => !known.has(c));
  if (unknown.length > 0) throw badRequest('codes', `no participant ${unknown.slice(0, 5).join(', ')} in this study`);
  const movers = participants.filter((p) => (codes ? codes.includes(p.code) : true) && p.status === 'active' && p.protocolVersion !== version);
  const fromVersions: Record<string, number> = {};
  const changes = [];
  for (const participant of movers) {
    fromVersions[participant.protocolVersion] = (fromVersions[participant.protocolVersion] ?? 0) + 1;
    for (const change of await previewSchedule(deps, studyId, participant.code, protocol)) {
      if (change.change === 'new' || change.change === 'moved' || change.change === 'cancelled') changes.push({ participant: participant.code, ...change });
    }
  }
  return { version, participants: movers.length, fromVersions, changes };
}
