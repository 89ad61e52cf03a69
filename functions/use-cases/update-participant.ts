import * as z from 'zod';
import { randomisedArms } from '../core/allocation/allocation-config';
import type { StaffRole } from '../core/auth/staff';
import { badRequest, conflict, forbidden, notFound } from '../core/errors';
import { languageSchema } from '../core/i18n/language-schema';
import { participantCodeSchema, timezoneSchema, type Participant } from '../core/study/study';
import type { AuditEntry } from '../core/audit';
import { auditEntry } from './audit';
import type { Actor, Deps } from './deps';
import { parseInput } from './parse-input';
import { planAndStore } from './plan-participant';
import { carryFromStore, queueFreshLinks, reachableTimepoints, revokeParticipantLinks } from './revoke-links';
import { can } from '../core/auth/permissions';

const isoDate = z.string().regex(/^\d{4}-\d{2}-\d{2}$/, 'a date as YYYY-MM-DD');

export const participantChangeSchema = z
  .strictObject({
    arm: z.string().min(1).max(40).optional(),
    timezone: timezoneSchema.optional(),
    email: z.email().max(254).optional(),
    language: languageSchema.optional(),
    /** Named dates that `date:<field>` anchors count from; null removes one. */
    dates: z.record(z.string().regex(/^[a-z][a-z0-9_]*$/), isoDate.nullable()).optional(),
    /**
     * Why the arm changes: required with a new arm (a deviation from randomisation the trail must
     * explain). A randomised participant's arm, or a move into a randomised arm, is an admin's alone.
     */
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
 * Writes the change conditioned on the revision read (a concurrent edit makes it fail with 409,
 * never undoes it), with its audit entry, then re-plans at once, so the answer (and the console)
 * already shows the new schedule: everything not yet sent moves; sent mail stays in the ledger.
 * The write also queued a re-plan request, so if this re-plan fails the dispatcher does it.
 */
async function save(deps: ChangeDeps, before: Participant, after: Participant, options: { revokeLinks?: boolean; audit: AuditEntry }) {
  const at = deps.clock.now();
  if (!(await deps.participants.update(before, after, at, options))) {
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

/**
 * Changes a participant's arm, time zone, email or anchor dates. A new email address revokes every
 * link sent so far (whoever reads the old address can use none of them) and sends a fresh link to
 * the new address for each questionnaire they could answer now; `resentLinks` lists those.
 */
export async function updateParticipant(deps: ChangeDeps, actor: Actor, studyId: string, code: string, body: unknown, options: { role?: StaffRole } = {}): Promise<{ participant: Participant; resentLinks: string[] }> {
  const change = parseInput(participantChangeSchema, body);
  const { study, participant } = await load(deps, studyId, code);
  if (participant.status === 'withdrawn') throw conflict('this participant has withdrawn: their record can no longer change');
  if (change.arm !== undefined && !study.arms.some((a) => a.id === change.arm)) {
    throw badRequest('arm', `unknown arm "${change.arm}" (this study has: ${study.arms.map((a) => a.id).join(', ')})`);
  }
  const armChanges = change.arm !== undefined && change.arm !== participant.arm;
  if (armChanges && change.reason === undefined) throw badRequest('reason', 'is required for a change of arm (it is kept in the audit trail)');
  // Randomisation stands: a randomised participant's arm, or a randomised arm, changes only by an admin.
  const randomised = study.allocation ? randomisedArms(study.allocation) : [];
  const touchesRandomisation = armChanges && (participant.allocation !== undefined || randomised.includes(change.arm!));
  if (touchesRandomisation && !can(options.role ?? 'coordinator', 'allocation.manage')) {
    throw forbidden(`${participant.allocation ? `${code} was allocated to "${participant.arm}"` : `"${change.arm}" is a randomised arm`}: only an admin may change a randomised arm by hand`);
  }
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
      // Links first: from the moment the new address is stored, nothing sent to the old one works
      // (and a retry after a crash, which finds the address already changed, has nothing left to do).
      await revokeParticipantLinks(
        deps,
        studyId,
        code,
        // That the address changed, never the address itself (it is PII).
        auditEntry(deps, { scope: `study:${studyId}`, actor, action: 'participant.email-changed', target: `participant:${code}`, after: { email: 'changed', linksRevoked: true } }),
      );
      await deps.contacts.putContact(studyId, code, email);
      if (current) await deps.contacts.releaseEmail(studyId, current.email, code);
      // Erased at the same moment: the erasure wins, and no address stays behind.
      if ((await deps.participants.get(studyId, code))?.contactErasedAt !== undefined) {
        await deps.contacts.erase(studyId, code);
        throw conflict("this participant's contact details were erased meanwhile, at their request: no address can be stored for them again", 'email');
      }
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
  const fields = (p: Participant) => ({ arm: p.arm, timezone: p.timezone, dates: p.dates, language: p.language ?? 'en' });
  // An address change alone has its own entry (and re-plan) already; anything else is this write.
  if (!emailChanged || JSON.stringify(fields(after)) !== JSON.stringify(fields(participant))) {
    await save(deps, participant, after, {
      audit: auditEntry(deps, {
        scope: `study:${studyId}`,
        actor,
        action: 'participant.updated',
        target: `participant:${code}`,
        before: fields(participant),
        // A change of arm carries its reason (asked for above).
        after: { ...fields(after), ...(armChanges ? { reason: change.reason } : {}) },
      }),
    });
  }
  const resent = emailChanged ? await queueFreshLinks(deps, studyId, code, reachableTimepoints(await deps.instances.listForParticipant(studyId, code), now)) : [];
  if (emailChanged) deps.onScheduleChanged?.();
  return { participant: (await deps.participants.get(studyId, code)) ?? after, resentLinks: resent.map((r) => r.timepoint) };
}

export const withdrawalSchema = z.strictObject({
  reason: z.string().max(500).optional(),
  /** The participant withdrew their consent (not only stopped answering): recorded as such. */
  consentWithdrawn: z.boolean().optional(),
});

/** Withdraws a participant: all planned mail is cancelled and open instances are closed; their data stays. */
export async function withdrawParticipant(deps: ChangeDeps, actor: Actor, studyId: string, code: string, body: unknown): Promise<Participant> {
  const { reason, consentWithdrawn } = parseInput(withdrawalSchema, body ?? {});
  const { participant } = await load(deps, studyId, code);
  if (participant.status === 'withdrawn') return participant;
  const withdrawal = { at: deps.clock.now().toISOString(), by: 'staff' as const, ...(reason ? { reason } : {}), ...(consentWithdrawn ? { consentWithdrawn } : {}) };
  const after: Participant = { ...participant, status: 'withdrawn', withdrawal };
  // Every link they were sent stops working in the same write.
  await save(deps, participant, after, {
    revokeLinks: true,
    audit: auditEntry(deps, {
      scope: `study:${studyId}`,
      actor,
      action: 'participant.withdrawn',
      target: `participant:${code}`,
      before: { status: participant.status },
      after: { status: 'withdrawn', linksRevoked: true, ...(reason ? { reason } : {}), ...(consentWithdrawn ? { consentWithdrawn } : {}) },
    }),
  });
  await carryFromStore(deps, studyId, code);
  return (await deps.participants.get(studyId, code)) ?? after;
}
