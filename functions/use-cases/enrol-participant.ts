import { isDeepStrictEqual } from 'node:util';
import { DateTime } from 'luxon';
import * as z from 'zod';
import { randomisedArms } from '../core/allocation/allocation-config';
import { strataProblems, type StrataValues } from '../core/allocation/strata';
import type { StaffRole } from '../core/auth/staff';
import { badRequest, conflict, forbidden, invalidFields, notFound } from '../core/errors';
import { languageSchema } from '../core/i18n/language-schema';
import type { AllocationRecord } from '../core/ports';
import { participantCodeSchema, timezoneSchema, type Participant, type Study } from '../core/study/study';
import { AllocationClaimed, allocateAndCreate, createFromSlot } from './allocate-participant';
import { missingWording } from './battery';
import { enrolledAudit } from './enrolment-audit';
import type { Actor, Deps } from './deps';
import { parseInput } from './parse-input';
import { planAndStore } from './plan-participant';
import { can } from '../core/auth/permissions';

export const enrolmentSchema = z.strictObject({
  email: z.email().max(254),
  /** The arm; leave it out in a study that allocates, and the participant is randomised. */
  arm: z.string().min(1).max(40).optional(),
  /** The participant's level of each allocation factor, e.g. {"site": "lyon", "sex": "f"}. */
  strata: z.record(z.string().max(40), z.string().max(40)).optional(),
  /** Admins only: why a randomised arm is chosen by hand instead of allocated (audited). */
  armReason: z.string().trim().min(1).max(500).optional(),
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
export type EnrolDeps = Pick<Deps, 'studies' | 'participants' | 'contacts' | 'instances' | 'messages' | 'audit' | 'clock' | 'secrets' | 'allocations' | 'sealer' | 'random'>;

export interface Enrolled {
  code: string;
  arm: string;
  /** Set when the arm was allocated (or an admin chose a randomised arm by hand). */
  allocation: { sequence: number; stratum: string } | null;
  firstInvitationAt: string | null;
  /** What the coordinator should know (e.g. invitations held for missing licensed wording). */
  warnings: string[];
}

/** How the arm is decided: given as is, allocated, or a randomised arm chosen by an admin with a reason. */
type ArmChoice = { kind: 'given'; arm: string } | { kind: 'allocate' } | { kind: 'manual'; arm: string; reason: string };

/**
 * Which arm, and whether to allocate: a study's randomised arms are never chosen by hand except
 * by an admin who gives a reason; other arms (healthy controls) are chosen as always. A test
 * participant is never allocated: their arm is chosen, randomised or not, and takes no slot.
 */
export function armChoice(
  study: Study,
  input: { arm?: string | undefined; strata?: StrataValues | undefined; armReason?: string | undefined; test?: boolean | undefined },
  role: StaffRole | 'participant',
): { choice: ArmChoice; strata: StrataValues | undefined } {
  const allocation = study.allocation;
  if (input.arm !== undefined && !study.arms.some((a) => a.id === input.arm)) {
    throw badRequest('arm', `unknown arm "${input.arm}" (this study has: ${study.arms.map((a) => a.id).join(', ')})`);
  }
  if (allocation === undefined) {
    if (input.arm === undefined) throw badRequest('arm', `required (this study has: ${study.arms.map((a) => a.id).join(', ')})`);
    if (input.strata !== undefined) throw badRequest('strata', 'this study does not allocate, so it takes no strata');
    if (input.armReason !== undefined) throw badRequest('armReason', 'this study does not allocate: there is nothing to override');
    return { choice: { kind: 'given', arm: input.arm }, strata: undefined };
  }
  if (input.test === true) {
    // A test participant never takes a place in the allocation sequence: that would shift every real participant's arm.
    if (input.arm === undefined) throw badRequest('arm', `a test participant is not randomised: choose the arm to try (this study has: ${study.arms.map((a) => a.id).join(', ')})`);
    if (input.armReason !== undefined) throw badRequest('armReason', 'a test participant is not randomised: their arm needs no reason');
    if (input.strata !== undefined) {
      const problems = strataProblems(allocation, input.strata);
      if (problems.length > 0) throw invalidFields(problems);
    }
    return { choice: { kind: 'given', arm: input.arm }, strata: input.strata };
  }
  const randomised = randomisedArms(allocation);
  const isRandomised = input.arm === undefined || randomised.includes(input.arm);
  // Strata are required wherever a randomised arm is involved; optional (but checked) for other arms.
  if (isRandomised || input.strata !== undefined) {
    const problems = strataProblems(allocation, input.strata);
    if (problems.length > 0) throw invalidFields(problems);
  }
  if (input.arm === undefined) {
    if (input.armReason !== undefined) throw badRequest('armReason', 'only with an arm chosen by hand');
    return { choice: { kind: 'allocate' }, strata: input.strata ?? {} };
  }
  if (!isRandomised) {
    if (input.armReason !== undefined) throw badRequest('armReason', `"${input.arm}" is not randomised: it needs no reason`);
    return { choice: { kind: 'given', arm: input.arm }, strata: input.strata };
  }
  if (input.armReason === undefined) {
    throw badRequest('arm', `"${input.arm}" is a randomised arm: leave arm out and the participant is allocated (an admin may choose it by hand with armReason)`);
  }
  if (role === 'participant' || !can(role, 'allocation.manage')) throw forbidden('only an admin may choose a randomised arm by hand');
  return { choice: { kind: 'manual', arm: input.arm, reason: input.armReason }, strata: input.strata ?? {} };
}

export async function enrolParticipant(
  deps: EnrolDeps & Pick<Deps, 'catalogue' | 'licensedTexts'>,
  actor: Actor,
  studyId: string,
  body: unknown,
  /** `synthetic` is not part of the API: the local demo seeding enrols its synthetic participants with it. */
  options: { role?: StaffRole; synthetic?: boolean } = {},
): Promise<Enrolled> {
  const input = parseInput(enrolmentSchema, body);
  const study = await deps.studies.get(studyId);
  if (study === null) throw notFound(`study ${studyId}`);
  // Refused before a counter code is spent on it.
  const arm = armChoice(study, input, options.role ?? 'coordinator');
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
  const { participant, slot } = await enrolOne(deps, actor, study, input, { code, counterCode: input.code === undefined, ...(options.synthetic ? { synthetic: true } : {}) }, arm);

  // Plan now so the schedule exists at once; if this fails, the plan request left on the participant lets the dispatcher finish it.
  const plan = await planAndStore(deps, studyId, code);
  await deps.participants.clearPlanRequest(studyId, code, participant.enrolledAt);
  const invitations = plan.messages.filter((m) => m.kind === 'invitation').map((m) => m.sendAt).sort();
  // An invitation already due goes out on the dispatcher's next pass: report it as now.
  const first = invitations[0];
  const nowIso = deps.clock.now().toISOString();
  return {
    code,
    arm: participant.arm,
    allocation: slot ? { sequence: slot.sequence, stratum: slot.stratum } : null,
    firstInvitationAt: first === undefined ? null : first < nowIso ? nowIso : first,
    warnings: await enrolmentWarnings(deps, study, [participant.arm]),
  };
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
 * chosen: reserve the email, store it, create the participant (allocating first when the arm is
 * to be allocated; with its plan request, so the dispatcher plans it if nobody else does), audit.
 * `counterCode`: the code came from the study's counter (so a reservation already holding it is
 * this enrolment's own, repeated by the SDK). Bulk import calls this per row and leaves the
 * planning to the dispatcher.
 */
export async function enrolOne(
  deps: Omit<EnrolDeps, 'instances' | 'messages' | 'studies'>,
  actor: Actor,
  study: Study,
  input: z.infer<typeof enrolmentSchema>,
  /** `synthetic`: not part of the API (the local demo seeding's participants). */
  chosen: { code: string; counterCode: boolean; synthetic?: boolean },
  arm: { choice: ArmChoice; strata: StrataValues | undefined } = armChoice(study, input, 'coordinator'),
): Promise<{ participant: Participant; slot: AllocationRecord | null }> {
  const { code } = chosen;
  const { choice, strata } = arm;
  const studyId = study.id;
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
    // An allocating enrolment interrupted after its slot was written: finish it, never allocate again.
    const slot = study.allocation ? await deps.allocations.findByCode(studyId, reservation.heldBy) : null;
    if (slot !== null && slot.void === undefined) {
      await createFromSlot(deps, slot);
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

  const draft: Omit<Participant, 'arm'> = {
    studyId,
    code,
    timezone,
    status: 'active',
    enrolledAt: enrolledAt.toISOString(),
    protocolVersion: study.protocol.version,
    dates: {},
    ...(input.language ? { language: input.language } : {}),
    ...(choice.kind === 'given' && strata !== undefined ? { strata } : {}),
    ...(input.test ? { test: true } : {}),
    ...(chosen.synthetic ? { synthetic: true } : {}),
  };
  return createParticipant(deps, study, draft, choice, strata, actor, async (created) => {
    await deps.contacts.putContact(studyId, code, email);
    return created();
  }, (p) => undoEnrolment(deps, p, email));
}

/**
 * Creates the participant record, allocating first when the choice says so. `store` runs the
 * writes that must come before it (the contact); on failure before any allocation, `undo`
 * removes them (true: the participant exists after all). Once a slot is written, nothing is
 * undone: the participant is created from the slot, now or by the dispatcher.
 */
export async function createParticipant(
  deps: Omit<EnrolDeps, 'instances' | 'messages' | 'studies'>,
  study: Study,
  draft: Omit<Participant, 'arm'>,
  choice: ArmChoice,
  strata: StrataValues | undefined,
  actor: Actor,
  store: (create: () => Promise<{ participant: Participant; slot: AllocationRecord | null }>) => Promise<{ participant: Participant; slot: AllocationRecord | null }>,
  undo: (participant: Participant) => Promise<boolean>,
): Promise<{ participant: Participant; slot: AllocationRecord | null }> {
  if (choice.kind === 'given') {
    const participant: Participant = { ...draft, arm: choice.arm };
    try {
      return await store(async () => {
        // The audit entry is part of the creating write: an enrolment is never left unaudited.
        await deps.participants.create(participant, enrolledAudit(deps, participant, actor));
        return { participant, slot: null };
      });
    } catch (error) {
      if (!(await undo(participant))) throw error;
      return { participant, slot: null };
    }
  }
  try {
    return await store(async () => {
      const { arm: _arm, ...rest } = draft as Participant;
      const slot = await allocateAndCreate(deps, study, rest, strata ?? {}, actor, choice.kind === 'manual' ? { arm: choice.arm, reason: choice.reason } : undefined);
      return { participant: slot.participant, slot };
    });
  } catch (error) {
    // A written slot is final: its participant is created from it (the dispatcher finishes what this could not).
    if (error instanceof AllocationClaimed) throw error.cause;
    if (!(await undo({ ...draft, arm: '' } as Participant))) throw error;
    throw error;
  }
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
