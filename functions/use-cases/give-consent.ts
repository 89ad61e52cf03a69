import type * as z from 'zod';
import { consentShown } from '../core/consent/consent-text';
import { conflict, gone } from '../core/errors';
import { once } from '../core/once';
import type { ConsentRecord } from '../core/ports';
import type { Participant, Study } from '../core/study/study';
import { auditEntry, recordAudit } from './audit';
import { carryFromStore } from './revoke-links';
import type { Deps } from './deps';
import { parseInput } from './parse-input';
import type { consentBodySchema } from './participant-input';
import { resolveLink } from './participant-link';

/** The consent body's schema, imported (with zod) on the first consent given (participant-input.ts). */
export const consentBody = once(() => import('./participant-input').then((m) => m.consentBodySchema));
/** The withdrawal body's schema, imported on the first withdrawal (participant-input.ts). */
export const participantWithdrawalBody = once(() => import('./participant-input').then((m) => m.participantWithdrawalSchema));

type ConsentDeps = Pick<Deps, 'consents' | 'participants' | 'messages' | 'audit' | 'clock' | 'secrets'>;

/**
 * Records a participant's consent to the study's current version: the signed record (their typed
 * name, the version, the SHA-256 of the exact text shown, the time and language) once, then the
 * consent on their research record (no name), then their emailed copy. Each step is idempotent,
 * so a repeated request finishes what an interrupted one began.
 */
export async function recordConsent(
  deps: ConsentDeps,
  study: Study,
  participant: Participant,
  input: z.infer<typeof consentBodySchema>,
  via: ConsentRecord['via'],
): Promise<ConsentRecord> {
  if (study.consent === undefined) throw conflict('this study asks for no consent');
  const shown = consentShown(study.consent, participant.language);
  if (input.textHash !== undefined && input.textHash !== shown.textHash) {
    throw conflict(`consent: the text changed since it was shown (the current version is ${shown.version}): read it again`, 'textHash');
  }
  const record = await deps.consents.putRecord({
    studyId: study.id,
    code: participant.code,
    version: shown.version,
    language: shown.language,
    textHash: shown.textHash,
    name: input.name,
    agreedAt: deps.clock.now().toISOString(),
    via,
  });
  if (!(await deps.participants.recordConsent(study.id, participant.code, { version: record.version, language: record.language, textHash: record.textHash, at: record.agreedAt }))) {
    throw gone('this participation has ended');
  }
  await recordAudit(
    deps,
    {
      scope: `study:${study.id}`,
      actor: `participant:${participant.code}`,
      action: 'consent.given',
      target: `participant:${participant.code}`,
      // The name is personal data: it stays in the signed record, not in the trail.
      after: { version: record.version, language: record.language, textHash: record.textHash, via: record.via },
    },
    { id: `consent.given:${participant.code}@${record.version}`, at: record.agreedAt },
  );
  // Their copy, with the PDF attached, goes out through the ledger (sent once, retried if the provider is busy).
  await deps.messages.createOnce({ studyId: study.id, code: participant.code, timepoint: `consent@${record.version}`, kind: 'consent', n: 0, sendAt: record.agreedAt });
  return record;
}

/** POST /api/p/:token/consent: consent given at a questionnaire link; then the battery opens. */
export async function giveConsent(
  deps: ConsentDeps & Pick<Deps, 'links' | 'studies' | 'instances' | 'onScheduleChanged'>,
  token: string,
  body: unknown,
): Promise<{ consented: true; version: string; at: string }> {
  const input = parseInput(await consentBody(), body);
  const { study, participant, status } = await resolveLink(deps, token);
  if (status === 'withdrawn') throw gone('this participation has ended');
  if (status === 'expired') throw gone('the time to complete these questionnaires has passed');
  if (status === 'completed') throw conflict('these questionnaires have already been completed');
  if (study.consent === undefined) throw conflict('this study asks for no consent');
  // Already given to this version (a repeated request): the same answer.
  if (participant.consent?.version === study.consent.version) return { consented: true, version: participant.consent.version, at: participant.consent.at };
  const record = await recordConsent(deps, study, participant, input, 'link');
  deps.onScheduleChanged?.();
  return { consented: true, version: record.version, at: record.agreedAt };
}

/**
 * POST /api/p/:token/withdraw: the participant withdraws their consent from their own link.
 * A withdrawal like any other (all mail stops, open questionnaires close, data stays), marked as
 * consent withdrawn, with their reason if they gave one.
 */
export async function withdrawConsent(
  deps: Pick<Deps, 'links' | 'studies' | 'participants' | 'instances' | 'audit' | 'clock' | 'secrets' | 'onScheduleChanged'>,
  token: string,
  body: unknown,
): Promise<{ withdrawn: true; at: string }> {
  const { reason } = parseInput(await participantWithdrawalBody(), body ?? {});
  const { study, participant } = await resolveLink(deps, token);
  if (participant.status === 'withdrawn') return { withdrawn: true, at: participant.withdrawal?.at ?? participant.enrolledAt };
  const at = deps.clock.now().toISOString();
  const after: Participant = { ...participant, status: 'withdrawn', withdrawal: { at, by: 'participant', consentWithdrawn: true, ...(reason ? { reason } : {}) } };
  // Like any withdrawal: every link they were sent stops working in the same write, with its audit entry.
  const audit = auditEntry(deps, {
    scope: `study:${study.id}`,
    actor: `participant:${participant.code}`,
    action: 'participant.withdrawn',
    target: `participant:${participant.code}`,
    before: { status: participant.status },
    after: { status: 'withdrawn', linksRevoked: true, consentWithdrawn: true, ...(reason ? { reason } : {}) },
  });
  if (!(await deps.participants.update(participant, after, deps.clock.now(), { revokeLinks: true, audit }))) throw conflict('your record changed just now: please try again');
  await carryFromStore(deps, study.id, participant.code);
  deps.onScheduleChanged?.();
  return { withdrawn: true, at };
}
