import { isDeepStrictEqual } from 'node:util';
import type { AuditEntry } from '../core/audit';
import { needsConsent } from '../core/consent/consent-text';
import { once } from '../core/once';
import { conflict, forbidden, gone } from '../core/errors';
import type { Language } from '../core/i18n/language';
import { supportText, urgentFlags } from '../core/safety/support-text';
import type { Instance } from '../core/schedule/records';
import type { Study } from '../core/study/study';
import { loadBattery } from './battery';
import { recordAudit } from './audit';
import type { Deps } from './deps';
import { parseInput } from './parse-input';
import { resolveLink } from './participant-link';
import { checkAndScore } from './score-battery';

/** The schema of saved and submitted answers, imported (with zod) on the first request that carries some (participant-input.ts). */
export const submissionBody = once(() => import('./participant-input').then((m) => m.submissionSchema));

/** What the participant page gets back from a submission that was stored. */
export interface SubmitResult {
  status: 'completed';
  completedAt: string;
  /**
   * Only when an answer raised an urgent flag (PHQ-9 or BDI-II item 9 ≥ 1): the study's support
   * text in the participant's language, which the thank-you page shows (who to call, the
   * emergency number). The flags themselves are never echoed to the participant.
   */
  support?: { text: string };
}

/**
 * Final submission of a timepoint's battery. Every answer is checked against the allowed
 * codes of its item and against the SurveyJS form; only then is everything scored and stored,
 * with completion, in one conditional write. Any problem: 400 naming the item, nothing stored.
 */
export async function submitAnswers(
  deps: Pick<Deps, 'links' | 'linkTargets' | 'studies' | 'participants' | 'instances' | 'secrets' | 'clock' | 'catalogue' | 'forms' | 'licensedTexts' | 'audit' | 'scoringPlugins' | 'onScheduleChanged'>,
  token: string,
  body: unknown,
): Promise<SubmitResult> {
  const { answers } = parseInput(await submissionBody(), body);
  const { study, participant, instance, status, linkEpoch } = await resolveLink(deps, token);
  const after = { study, language: participant.language ?? 'en' };
  if (status === 'completed') return repeated(deps, after, instance, answers);
  if (status === 'expired') throw gone('the time to complete these questionnaires has passed');
  if (status === 'withdrawn') throw gone('this participation has ended');
  if (status === 'not_yet_open') throw conflict('these questionnaires are not open yet');
  if (needsConsent(study.consent, participant)) throw forbidden(`consent: give consent to version ${study.consent!.version} first`);

  const battery = await loadBattery(deps, instance.instruments);
  const missingText = battery.filter((i) => !i.textInstalled);
  if (missingText.length > 0) {
    throw conflict(`the licensed wording of ${missingText.map((i) => i.id).join(', ')} is not installed, so these questionnaires cannot be answered yet`);
  }
  const { answers: checked, scores } = await checkAndScore(deps, study, battery, answers);
  const completedAt = deps.clock.now().toISOString();
  // Conditioned on the link's generation: a link revoked while this was being checked stores
  // nothing (so can never raise a safety alert for the real participant).
  const stored = await deps.instances.complete(instance.studyId, instance.code, instance.timepoint, { answers: checked, scores, completedAt }, linkEpoch);
  if (!stored) {
    // Revoked meanwhile: refused as the link is (410).
    await resolveLink(deps, token);
    // Completed meanwhile, possibly by this very write: the SDK repeats a write whose answer was lost.
    const current = await deps.instances.get(instance.studyId, instance.code, instance.timepoint);
    if (current?.status === 'completed') return repeated(deps, after, current, answers);
    throw conflict('these questionnaires have already been completed');
  }
  return completed(deps, after, { ...instance, scores, completedAt });
}

type After = { study: Study; language: Language };

/**
 * A submission of a completed instance: the same answers are a retry (the first attempt was
 * stored but its answer never reached the participant, or a step after it failed) and get the
 * same outcome, finishing what that attempt left undone; different answers are refused.
 */
async function repeated(deps: Pick<Deps, 'audit' | 'clock' | 'secrets' | 'onScheduleChanged'>, after: After, instance: Instance, answers: Record<string, unknown>) {
  if (!isDeepStrictEqual(instance.answers ?? {}, answers)) throw conflict('these questionnaires have already been completed');
  return completed(deps, after, instance);
}

async function completed(deps: Pick<Deps, 'audit' | 'clock' | 'secrets' | 'onScheduleChanged'>, after: After, instance: Instance): Promise<SubmitResult> {
  const { entry, once } = completionAudit(instance);
  await recordAudit(deps, entry, once);
  // The follow-up (safety alerts, anchored timepoints, this same audit entry should the process
  // have died before writing it) is queued on the instance; run it now rather than in a minute.
  deps.onScheduleChanged?.();
  const urgent = urgentFlags(instance.scores ?? []).length > 0;
  return { status: 'completed', completedAt: instance.completedAt!, ...(urgent ? { support: { text: supportText(after.study.support, after.language) } } : {}) };
}

/**
 * The audit entry of a completion, derived from the completed instance alone, so the dispatcher's
 * follow-up of the completion (queued by the completion write itself) writes the very same entry
 * if the process died before this request could: an instance completes once, so keyed by it the
 * entry is written once however often this runs.
 */
export function completionAudit(instance: Instance): { entry: Omit<AuditEntry, 'id' | 'at'>; once: Pick<AuditEntry, 'id' | 'at'> } {
  return {
    entry: {
      scope: `study:${instance.studyId}`,
      actor: `participant:${instance.code}`,
      action: 'instance.completed',
      target: `instance:${instance.code}/${instance.timepoint}`,
      after: { instruments: instance.instruments.map((i) => `${i.id}@${i.version}`), flags: (instance.scores ?? []).flatMap((s) => s.flags.map((f) => f.id)) },
    },
    once: { id: `instance.completed:${instance.code}/${instance.timepoint}`, at: instance.completedAt! },
  };
}
