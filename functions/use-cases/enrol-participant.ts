import { z } from 'zod';
import { badRequest, conflict, notFound } from '../core/errors';
import { participantCodeSchema, timezoneSchema, type Participant } from '../core/study/study';
import { recordAudit } from './audit';
import type { Actor, Deps } from './deps';
import { parseInput } from './parse-input';
import { planAndStore } from './plan-participant';

export const enrolmentSchema = z.object({
  email: z.email().max(254),
  arm: z.string().min(1).max(40),
  timezone: timezoneSchema.optional(),
  code: participantCodeSchema.optional(),
});

/** How long an email reservation may sit without its participant before another enrolment may take it over. */
const ABANDONED_RESERVATION_MS = 60_000;

/**
 * Enrols a participant: the pseudonymous research record and, apart from it, the contact
 * email. Without transactions the writes are ordered so that a crash leaves nothing a retry
 * cannot repair: reserve the email, store it, then create the participant (which carries its
 * own plan request for the dispatcher); an abandoned reservation is taken over by the retry.
 */
export async function enrolParticipant(
  deps: Pick<Deps, 'studies' | 'participants' | 'contacts' | 'instances' | 'messages' | 'audit' | 'clock' | 'secrets'>,
  actor: Actor,
  studyId: string,
  body: unknown,
): Promise<{ code: string; firstInvitationAt: string | null }> {
  const input = parseInput(enrolmentSchema, body);
  const study = await deps.studies.get(studyId);
  if (study === null) throw notFound(`study ${studyId}`);
  if (!study.arms.some((a) => a.id === input.arm)) {
    throw badRequest('arm', `unknown arm "${input.arm}" (this study has: ${study.arms.map((a) => a.id).join(', ')})`);
  }
  const email = input.email.trim().toLowerCase();
  const now = deps.clock.now();

  if (input.code !== undefined && (await deps.participants.get(studyId, input.code)) !== null) {
    throw conflict(`participant code ${input.code} is already in use in this study`, 'code');
  }
  const code = input.code ?? (await allocateFreeCode(deps, studyId));

  const reservation = await deps.contacts.reserveEmail(studyId, email, code, now);
  if (!reservation.ok) {
    const holder = await deps.participants.get(studyId, reservation.heldBy);
    const abandoned = holder === null && now.getTime() - Date.parse(reservation.reservedAt) > ABANDONED_RESERVATION_MS;
    if (!abandoned || !(await deps.contacts.takeOverEmail(studyId, email, reservation.heldBy, code, now))) {
      throw conflict('a participant with this email is already enrolled in this study', 'email');
    }
  }
  await deps.contacts.putContact(studyId, code, email);

  const participant: Participant = {
    studyId,
    code,
    arm: input.arm,
    timezone: input.timezone ?? study.timezone,
    status: 'active',
    enrolledAt: now.toISOString(),
    protocolVersion: study.protocol.version,
    dates: {},
  };
  try {
    await deps.participants.create(participant);
  } catch (error) {
    await deps.contacts.releaseEmail(studyId, email, code);
    throw error;
  }
  await recordAudit(deps, {
    scope: `study:${studyId}`,
    actor,
    action: 'participant.enrolled',
    target: `participant:${code}`,
    after: { arm: participant.arm, timezone: participant.timezone, protocolVersion: participant.protocolVersion },
  });

  // Plan now so the schedule exists at once; if this fails, the plan request left on the participant lets the dispatcher finish it.
  const plan = await planAndStore(deps, studyId, code);
  await deps.participants.clearPlanRequest(studyId, code, participant.enrolledAt);
  const invitations = plan.messages.filter((m) => m.kind === 'invitation').map((m) => m.sendAt).sort();
  // An invitation already due goes out on the dispatcher's next pass: report it as now.
  const first = invitations[0];
  return { code, firstInvitationAt: first === undefined ? null : first < participant.enrolledAt ? participant.enrolledAt : first };
}

/** The next counter code not already taken by a code a coordinator chose by hand. */
async function allocateFreeCode(deps: Pick<Deps, 'participants'>, studyId: string): Promise<string> {
  for (let attempt = 0; attempt < 20; attempt++) {
    const code = await deps.participants.allocateCode(studyId);
    if ((await deps.participants.get(studyId, code)) === null) return code;
  }
  throw conflict('could not allocate a free participant code: give one explicitly', 'code');
}
