import { isDeepStrictEqual } from 'node:util';
import { badRequest, conflict, forbidden, isAppError, notFound } from '../core/errors';
import { canAccessStudy, type StaffRole, type StaffSession } from '../core/auth/staff';
import { renderParticipantEmail } from '../core/email/templates';
import { participantLink, unsubscribePageLink } from '../core/email/links';
import type { Study } from '../core/study/study';
import { auditEntry, recordAudit } from './audit';
import { publishConsentVersion, validateStudy } from './create-study';
import type { Actor, Deps } from './deps';
import { parseInput } from './parse-input';
import { can } from '../core/auth/permissions';
import { concealBlockSizes } from '../core/allocation/allocation-config';
import { staffInput } from './staff-input-loader';

/**
 * Creates a study from a full definition. A coordinator who creates one becomes its
 * coordinator; admins see every study anyway. Answers the study as the creator's role may see it.
 */
export async function createStudy(
  deps: Pick<Deps, 'studies' | 'staff' | 'catalogue' | 'audit' | 'clock' | 'secrets' | 'consents'>,
  session: StaffSession,
  body: unknown,
): Promise<Study> {
  const study = await validateStudy(deps, { missingRules: {}, emails: {}, support: {}, ...(body as object), protocol: { version: 1, ...((body as { protocol?: object })?.protocol ?? {}) } });
  if (study.allocation !== undefined && !can(session.role, 'allocation.manage')) throw forbidden('allocation: only an admin may set a study’s allocation (its block sizes are kept from other staff)');
  if ((await deps.studies.get(study.id)) !== null) throw conflict(`a study with id "${study.id}" already exists`, 'id');
  // The consent text first: a study must never point at a version whose text is not stored.
  if (study.consent !== undefined) await publishConsentVersion(deps, study.id, study.consent);
  const actor = `staff:${session.email}` as const;
  const created = auditEntry(deps, { scope: `study:${study.id}`, actor, action: 'study.created', target: `study:${study.id}`, after: study });
  if (!(await deps.studies.createIfAbsent(study, created))) throw conflict(`a study with id "${study.id}" already exists`, 'id');
  if (session.role === 'coordinator') {
    // One attribute-level write that adds the study and touches nothing else: a demotion or a
    // removal of this account at the same moment stays as it was (and a demoted or removed
    // account gets nothing). An account change like any other, so the staff trail shows it.
    await deps.staff.addStudy(
      session.email,
      study.id,
      auditEntry(deps, { scope: 'staff', actor, action: 'staff.changed', target: `staff:${session.email}`, after: { studiesAdded: [study.id] } }),
    );
  }
  return concealBlockSizes(study, session.role);
}

/**
 * Changes a study's settings; an arm that still has participants can't be removed. The
 * allocation is an admin's to set, and is frozen once anyone has been allocated; a changed
 * consent text must come with a new version. Answers the study as the actor's role may see it.
 */
export async function updateStudySettings(
  deps: Pick<Deps, 'studies' | 'participants' | 'catalogue' | 'audit' | 'clock' | 'secrets' | 'allocations' | 'consents'>,
  actor: Actor,
  studyId: string,
  body: unknown,
  options: { role?: StaffRole } = {},
): Promise<Study> {
  const changes = parseInput((await staffInput()).settingsSchema, body);
  const read = await deps.studies.read(studyId);
  if (read === null) throw notFound(`study ${studyId}`);
  const { study, revision } = read;
  const given = Object.entries(changes).filter(([, v]) => v !== undefined);
  const merged: Record<string, unknown> = { ...study, ...Object.fromEntries(given) };
  // null removes an optional section.
  for (const key of ['allocation', 'consent', 'join'] as const) if (merged[key] === null) delete merged[key];
  const next = await validateStudy(deps, merged);
  if (!isDeepStrictEqual(next.allocation, study.allocation)) {
    if (!can(options.role ?? 'coordinator', 'allocation.manage')) throw forbidden('allocation: only an admin may change a study’s allocation');
    const first = await deps.allocations.latest(studyId);
    if (first !== null) throw conflict(`allocation: frozen after the first allocation (${first.sequence} so far): it can no longer change`, 'allocation');
  }
  if (next.consent !== undefined && !isDeepStrictEqual(next.consent, study.consent)) {
    if (study.consent !== undefined && next.consent.version === study.consent.version) {
      throw badRequest('consent.version', `the text changed: publish it as a new version (the current one is "${study.consent.version}")`);
    }
    await publishConsentVersion(deps, studyId, next.consent);
  }
  const removed = study.arms.filter((a) => !next.arms.some((b) => b.id === a.id)).map((a) => a.id);
  if (removed.length > 0) {
    const inUse = (await deps.participants.list(studyId)).filter((p) => removed.includes(p.arm)).map((p) => p.arm);
    if (inUse.length > 0) throw conflict(`arm ${[...new Set(inUse)].join(', ')} still has participants: move them first`, 'arms');
  }
  const audit = auditEntry(deps, { scope: `study:${studyId}`, actor, action: 'study.settings-changed', target: `study:${studyId}`, before: { ...study, protocol: undefined }, after: { ...next, protocol: undefined } });
  // Conditioned on the revision read: a concurrent settings change or publish makes this one fail, never undone by it.
  if (!(await deps.studies.updateSettings(next, revision, audit))) {
    throw conflict("the study's settings or protocol were changed by someone else meanwhile: reload and try again");
  }
  if (next.consent !== undefined && next.consent.version !== study.consent?.version) {
    await recordAudit(deps, { scope: `study:${studyId}`, actor, action: 'consent.published', target: `study:${studyId}`, before: study.consent ? { version: study.consent.version } : undefined, after: { version: next.consent.version, languages: Object.keys(next.consent.text) } });
  }
  return concealBlockSizes(next, options.role ?? 'coordinator');
}

/** The validation report of a draft protocol: every problem, each naming its field; nothing is saved. */
export async function checkProtocolDraft(deps: Pick<Deps, 'studies' | 'catalogue'>, studyId: string, body: unknown) {
  const study = await deps.studies.get(studyId);
  if (study === null) throw notFound(`study ${studyId}`);
  const draft = (body as { protocol?: object } | null)?.protocol ?? {};
  try {
    const { protocol } = await validateStudy(deps, { ...study, protocol: { ...draft, version: study.protocol.version + 1 } });
    return { ok: true as const, version: protocol.version, problems: [] };
  } catch (error) {
    if (isAppError(error) && error.kind === 'bad_request') {
      return { ok: false as const, problems: error.details ?? [{ field: error.field ?? 'protocol', message: error.message }] };
    }
    throw error;
  }
}

/** An invitation or reminder as a participant would get it, with sample values. */
export async function previewEmail(deps: Pick<Deps, 'studies' | 'catalogue' | 'baseUrl' | 'clock'>, studyId: string, body: unknown) {
  const { kind, emails } = parseInput((await staffInput()).emailPreviewSchema, body);
  const saved = await deps.studies.get(studyId);
  if (saved === null) throw notFound(`study ${studyId}`);
  const study = emails === undefined ? saved : await validateStudy(deps, { ...saved, emails });
  const timepoint = study.protocol.timepoints[0]!;
  const closesAt = new Date(deps.clock.now().getTime() + timepoint.window.closesDaysAfter * 86_400_000).toISOString();
  return renderParticipantEmail({
    study,
    timepoint,
    kind,
    link: participantLink(deps.baseUrl, 'example-link-token'),
    unsubscribeLink: unsubscribePageLink(deps.baseUrl, 'example-unsubscribe-token'),
    closesAt,
    timezone: study.timezone,
  });
}

/** A study with its current protocol, as `session`'s role may see it (block sizes are an admin's). */
export async function studyView(deps: Pick<Deps, 'studies'>, session: Pick<StaffSession, 'role'>, studyId: string): Promise<Study> {
  const study = await deps.studies.get(studyId);
  if (study === null) throw notFound('study');
  return concealBlockSizes(study, session.role);
}

/** Studies a staff member may see. */
export async function listStudies(deps: Pick<Deps, 'studies'>, session: StaffSession) {
  const all = await deps.studies.list();
  return all.filter((s) => canAccessStudy(session, s.id)).map(({ id, name, timezone, arms }) => ({ id, name, timezone, arms }));
}
