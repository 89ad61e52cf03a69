import { z } from 'zod';
import { badRequest, conflict, notFound } from '../core/errors';
import { languageSchema } from '../core/i18n/language';
import { participantCodeSchema, timezoneSchema, type Participant } from '../core/study/study';
import { recordAudit } from './audit';
import type { Actor, Deps } from './deps';
import { parseInput } from './parse-input';
import { planAndStore } from './plan-participant';

const isoDate = z.string().regex(/^\d{4}-\d{2}-\d{2}$/, 'a date as YYYY-MM-DD');

export const participantChangeSchema = z
  .strictObject({
    arm: z.string().min(1).max(40).optional(),
    timezone: timezoneSchema.optional(),
    email: z.email().max(254).optional(),
    language: languageSchema.optional(),
    /** Named dates that `date:<field>` anchors count from; null removes one. */
    dates: z.record(z.string().regex(/^[a-z][a-z0-9_]*$/), isoDate.nullable()).optional(),
    /** Why the arm changes: required with a new arm (a deviation from randomisation the trail must explain). */
    reason: z.string().trim().min(1).max(500).optional(),
  })
  .refine((c) => Object.keys(c).some((k) => k !== 'reason'), 'give at least one of arm, timezone, email, language, dates');

type ChangeDeps = Pick<Deps, 'studies' | 'participants' | 'contacts' | 'instances' | 'messages' | 'audit' | 'clock' | 'secrets' | 'onScheduleChanged'>;

async function load(deps: ChangeDeps, studyId: string, code: string) {
  if (!participantCodeSchema.safeParse(code).success) throw notFound(`participant ${code}`);
  const [study, participant] = await Promise.all([deps.studies.get(studyId), deps.participants.get(studyId, code)]);
  if (study === null) throw notFound(`study ${studyId}`);
  if (participant === null) throw notFound(`participant ${code}`);
  return { study, participant };
}

/**
 * Writes the change with an optimistic check, then re-plans at once, so the answer (and the
 * console) already shows the new schedule: everything not yet sent moves; sent mail stays in the
 * ledger. The write also queued a re-plan request, so if this re-plan fails the dispatcher does it.
 */
async function save(deps: ChangeDeps, before: Participant, after: Participant) {
  const at = deps.clock.now();
  if (!(await deps.participants.update(before, after, at))) {
    throw conflict('this participant was changed by someone else meanwhile: reload and try again');
  }
  try {
    await planAndStore(deps, after.studyId, after.code);
    await deps.participants.clearPlanRequest(after.studyId, after.code, at.toISOString());
  } catch {
    // The queued plan request stays: the dispatcher's next pass re-plans.
  }
  deps.onScheduleChanged?.();
}

/** Changes a participant's arm, time zone, email or anchor dates. */
export async function updateParticipant(deps: ChangeDeps, actor: Actor, studyId: string, code: string, body: unknown): Promise<Participant> {
  const change = parseInput(participantChangeSchema, body);
  const { study, participant } = await load(deps, studyId, code);
  if (participant.status === 'withdrawn') throw conflict('this participant has withdrawn: their record can no longer change');
  if (change.arm !== undefined && !study.arms.some((a) => a.id === change.arm)) {
    throw badRequest('arm', `unknown arm "${change.arm}" (this study has: ${study.arms.map((a) => a.id).join(', ')})`);
  }
  const armChanges = change.arm !== undefined && change.arm !== participant.arm;
  if (armChanges && change.reason === undefined) throw badRequest('reason', 'is required for a change of arm (it is kept in the audit trail)');
  const now = deps.clock.now();

  let emailChanged = false;
  if (change.email !== undefined && participant.contactErasedAt !== undefined) {
    throw conflict("this participant's contact details were erased at their request: no address can be stored for them again", 'email');
  }
  if (change.email !== undefined) {
    const email = change.email.trim().toLowerCase();
    const current = await deps.contacts.get(studyId, code);
    if (current?.email !== email) {
      const reserved = await deps.contacts.reserveEmail(studyId, email, code, now);
      if (!reserved.ok && reserved.heldBy !== code) throw conflict('a participant with this email is already enrolled in this study', 'email');
      await deps.contacts.putContact(studyId, code, email);
      if (current) await deps.contacts.releaseEmail(studyId, current.email, code);
      emailChanged = true;
    }
  }

  const dates = { ...participant.dates };
  for (const [name, value] of Object.entries(change.dates ?? {})) {
    if (value === null) delete dates[name];
    else dates[name] = value;
  }
  const after: Participant = {
    ...participant,
    arm: change.arm ?? participant.arm,
    timezone: change.timezone ?? participant.timezone,
    dates,
    ...(change.language ? { language: change.language } : {}),
  };
  await save(deps, participant, after);
  await recordAudit(deps, {
    scope: `study:${studyId}`,
    actor,
    action: 'participant.updated',
    target: `participant:${code}`,
    // The address itself never enters the audit trail (it is PII); that it changed does.
    before: { arm: participant.arm, timezone: participant.timezone, dates: participant.dates, language: participant.language ?? 'en' },
    after: {
      arm: after.arm,
      timezone: after.timezone,
      dates: after.dates,
      language: after.language ?? 'en',
      ...(emailChanged ? { email: 'changed' } : {}),
      ...(armChanges ? { reason: change.reason } : {}),
    },
  });
  return after;
}

export const withdrawalSchema = z.strictObject({ reason: z.string().max(500).optional() });

/** Withdraws a participant: all planned mail is cancelled and open instances are closed; their data stays. */
export async function withdrawParticipant(deps: ChangeDeps, actor: Actor, studyId: string, code: string, body: unknown): Promise<Participant> {
  const { reason } = parseInput(withdrawalSchema, body ?? {});
  const { participant } = await load(deps, studyId, code);
  if (participant.status === 'withdrawn') return participant;
  const after: Participant = { ...participant, status: 'withdrawn' };
  await save(deps, participant, after);
  await recordAudit(deps, {
    scope: `study:${studyId}`,
    actor,
    action: 'participant.withdrawn',
    target: `participant:${code}`,
    before: { status: participant.status },
    after: { status: 'withdrawn', ...(reason ? { reason } : {}) },
  });
  return after;
}
