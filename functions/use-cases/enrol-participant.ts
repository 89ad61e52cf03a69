import { isDeepStrictEqual } from 'node:util';
import { DateTime } from 'luxon';
import { z } from 'zod';
import { badRequest, conflict, notFound } from '../core/errors';
import { languageSchema } from '../core/i18n/language';
import { participantCodeSchema, timezoneSchema, type Participant, type Study } from '../core/study/study';
import { auditEntry } from './audit';
import { missingWording } from './battery';
import type { Actor, Deps } from './deps';
import { parseInput } from './parse-input';
import { planAndStore } from './plan-participant';

export const enrolmentSchema = z.strictObject({
  email: z.email().max(254),
  arm: z.string().min(1).max(40),
  timezone: timezoneSchema.optional(),
  code: participantCodeSchema.optional(),
  /** Language of their emails and pages (default English). */
  language: languageSchema.optional(),
  /** The day of enrolment when it was not today (YYYY-MM-DD, within a year): the schedule counts from it. */
  enrolledOn: z.iso.date('a date as YYYY-MM-DD').optional(),
  /**
   * A test participant (e.g. a coordinator's own address, to try the study out): emails say it is a
   * test, exports and summaries leave them out unless asked, and time travel may act on them.
   */
  test: z.boolean().optional(),
});

/** How long an email reservation may sit without its participant before another enrolment may take it over. */
const ABANDONED_RESERVATION_MS = 60_000;

/**
 * Enrols a participant: the pseudonymous research record and, apart from it, the contact
 * email. Without transactions the writes are ordered so that a crash leaves nothing a retry
 * cannot repair: reserve the email, store it, then create the participant (which carries its
 * own plan request for the dispatcher). A refused write is undone at once; after a crash, the
 * abandoned reservation is taken over by the retry, which erases the contact left behind.
 */
export async function enrolParticipant(
  deps: Pick<Deps, 'studies' | 'participants' | 'contacts' | 'instances' | 'messages' | 'audit' | 'clock' | 'secrets' | 'catalogue' | 'licensedTexts'>,
  actor: Actor,
  studyId: string,
  body: unknown,
  /** Not part of the API: the local demo seeding enrols its synthetic participants with `synthetic`. */
  internal: { synthetic?: boolean } = {},
): Promise<{ code: string; firstInvitationAt: string | null; warnings: string[] }> {
  const input = parseInput(enrolmentSchema, body);
  const study = await deps.studies.get(studyId);
  if (study === null) throw notFound(`study ${studyId}`);
  // Refused before a counter code is spent on it.
  checkArm(study, input.arm);
  if (input.enrolledOn !== undefined) enrolmentInstant(input.enrolledOn, input.timezone ?? study.timezone, deps.clock.now());
  if (input.code !== undefined && (await deps.participants.get(studyId, input.code)) !== null) {
    throw conflict(`participant code ${input.code} is already in use in this study`, 'code');
  }
  // A duplicate address is refused before a code is allocated too, so a refused enrolment burns no code.
  const holder = await deps.contacts.heldBy(studyId, input.email.trim().toLowerCase());
  if (holder !== null && (await deps.participants.get(studyId, holder)) !== null) {
    throw conflict('a participant with this email is already enrolled in this study', 'email');
  }
  const code = input.code ?? (await allocateFreeCode(deps, studyId));
  const participant = await enrolOne(deps, actor, study, input, { code, counterCode: input.code === undefined, ...(internal.synthetic ? { synthetic: true } : {}) });

  // Plan now so the schedule exists at once; if this fails, the plan request left on the participant lets the dispatcher finish it.
  const plan = await planAndStore(deps, studyId, code);
  await deps.participants.clearPlanRequest(studyId, code, participant.enrolledAt);
  const invitations = plan.messages.filter((m) => m.kind === 'invitation').map((m) => m.sendAt).sort();
  // An invitation already due goes out on the dispatcher's next pass: report it as now.
  const first = invitations[0];
  const nowIso = deps.clock.now().toISOString();
  return { code, firstInvitationAt: first === undefined ? null : first < nowIso ? nowIso : first, warnings: await enrolmentWarnings(deps, study, [input.arm]) };
}

/**
 * What a coordinator should know when enrolling into these arms: never a link to a page that
 * cannot be completed, so invitations to questionnaires whose licensed wording is missing wait.
 */
export async function enrolmentWarnings(deps: Pick<Deps, 'catalogue' | 'licensedTexts'>, study: Study, arms: string[]): Promise<string[]> {
  const missing = await missingWording(deps, study.protocol.timepoints.filter((t) => t.arms.some((a) => arms.includes(a))).flatMap((t) => t.instruments));
  return missing.length === 0
    ? []
    : [`The licensed wording of ${missing.join(', ')} is not installed: invitations are held (not emailed) until it is loaded with npx timepoint instruments load-text, and go out then if their window is still open.`];
}

/**
 * The writes of one enrolment, for an input already checked against the schema and a code already
 * chosen: reserve the email, store it, create the participant (with its plan request, so the
 * dispatcher plans it if nobody else does), audit. `counterCode`: the code came from the study's
 * counter (so a reservation already holding it is this enrolment's own, repeated by the SDK).
 * Bulk import calls this per row and leaves the planning to the dispatcher.
 */
export async function enrolOne(
  deps: Pick<Deps, 'participants' | 'contacts' | 'audit' | 'clock' | 'secrets'>,
  actor: Actor,
  study: Study,
  input: z.infer<typeof enrolmentSchema>,
  /** `synthetic`: not part of the API (the local demo seeding's participants). */
  chosen: { code: string; counterCode: boolean; synthetic?: boolean },
): Promise<Participant> {
  const { code } = chosen;
  const studyId = study.id;
  checkArm(study, input.arm);
  const email = input.email.trim().toLowerCase();
  const now = deps.clock.now();
  const timezone = input.timezone ?? study.timezone;
  const enrolledAt = input.enrolledOn === undefined ? now : enrolmentInstant(input.enrolledOn, timezone, now);

  const reservation = await deps.contacts.reserveEmail(studyId, email, code, now);
  // A counter code is this call's alone: held by it, the reservation is our own (the SDK repeated a write whose answer was lost).
  const ours = !reservation.ok && chosen.counterCode && reservation.heldBy === code;
  if (!reservation.ok && !ours) {
    if ((await deps.participants.get(studyId, reservation.heldBy)) !== null) {
      throw conflict('a participant with this email is already enrolled in this study', 'email');
    }
    // Held by a code that is no participant: an enrolment under way, or one that died half-way.
    if (now.getTime() - Date.parse(reservation.reservedAt) <= ABANDONED_RESERVATION_MS) {
      throw conflict('an enrolment with this email address is under way or was interrupted a moment ago: try again in a minute', 'email');
    }
    if (!(await deps.contacts.takeOverEmail(studyId, email, reservation.heldBy, code, now))) {
      throw conflict('a participant with this email is already enrolled in this study', 'email');
    }
    // The interrupted enrolment may have stored the address under its code, which never became a participant.
    await deps.contacts.erase(studyId, reservation.heldBy);
  }

  const participant: Participant = {
    studyId,
    code,
    arm: input.arm,
    timezone,
    status: 'active',
    enrolledAt: enrolledAt.toISOString(),
    protocolVersion: study.protocol.version,
    dates: {},
    ...(input.language ? { language: input.language } : {}),
    ...(input.test ? { test: true } : {}),
    ...(chosen.synthetic ? { synthetic: true } : {}),
  };
  const audit = auditEntry(deps, {
    scope: `study:${studyId}`,
    actor,
    action: 'participant.enrolled',
    target: `participant:${code}`,
    after: { arm: participant.arm, timezone: participant.timezone, protocolVersion: participant.protocolVersion, ...(participant.test ? { test: true } : {}) },
  });
  try {
    await deps.contacts.putContact(studyId, code, email);
    // The audit entry is part of the creating write: an enrolment is never left unaudited.
    await deps.participants.create(participant, audit);
  } catch (error) {
    if (!(await undoEnrolment(deps, participant, email))) throw error;
  }
  return participant;
}

function checkArm(study: Study, arm: string): void {
  if (!study.arms.some((a) => a.id === arm)) throw badRequest('arm', `unknown arm "${arm}" (this study has: ${study.arms.map((a) => a.id).join(', ')})`);
}

/**
 * After a failed contact or participant write: true if the participant was created after all (the
 * write's answer was lost and the SDK's repeat found it done), else removes the address and its
 * reservation so no contact is left without a participant. Best effort: if this fails too, the
 * reservation is taken over by the next enrolment of the address (and its contact erased then).
 */
async function undoEnrolment(deps: Pick<Deps, 'participants' | 'contacts'>, participant: Participant, email: string): Promise<boolean> {
  try {
    const stored = await deps.participants.get(participant.studyId, participant.code);
    if (stored !== null) {
      const { revision: _r, linkEpoch: _l, ...fields } = stored;
      if (isDeepStrictEqual(fields, participant)) return true;
    }
    // Someone else's participant under this code (a code chosen by hand, taken meanwhile): leave their contact alone.
    if (stored === null) await deps.contacts.erase(participant.studyId, participant.code);
    // Under their code, this address never got a participant of its own.
    await deps.contacts.releaseEmail(participant.studyId, email, participant.code);
  } catch {
    // The original error is the one to report.
  }
  return false;
}

/** The next counter code not already taken by a code a coordinator chose by hand. */
async function allocateFreeCode(deps: Pick<Deps, 'participants'>, studyId: string): Promise<string> {
  for (let attempt = 0; attempt < 20; attempt++) {
    const code = await deps.participants.allocateCode(studyId);
    if ((await deps.participants.get(studyId, code)) === null) return code;
  }
  throw conflict('could not allocate a free participant code: give one explicitly', 'code');
}

/** The start of a local enrolment day; refused outside a year either side of today. */
export function enrolmentInstant(date: string, zone: string, now: Date): Date {
  const start = DateTime.fromISO(date, { zone }).startOf('day');
  if (!start.isValid) throw badRequest('enrolledOn', `${date} is not a date`);
  if (Math.abs(start.toMillis() - now.getTime()) > 366 * 86_400_000) throw badRequest('enrolledOn', `${date} is more than a year from today`);
  return start.toJSDate();
}
