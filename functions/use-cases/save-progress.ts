import { needsConsent } from '../core/consent/consent-text';
import { conflict, forbidden, gone, invalidFields } from '../core/errors';
import { checkAnswers } from '../core/scoring/check-answers';
import type { Answers } from '../core/schedule/records';
import { auditEntry } from './audit';
import { loadBattery } from './battery';
import type { Deps } from './deps';
import { parseInput } from './parse-input';
import { resolveLink } from './participant-link';
import { submissionBody } from './submit-answers';

type ProgressDeps = Pick<Deps, 'links' | 'studies' | 'participants' | 'instances' | 'secrets' | 'clock' | 'catalogue' | 'licensedTexts' | 'audit'>;

/**
 * Saves answers so far (never scored), so closing the tab or switching devices resumes where
 * the participant left off. Each answer is checked against its item's codes; required ones may
 * still be missing. Saves from two devices merge item by item, the later save winning an item.
 */
export async function saveProgress(deps: ProgressDeps, token: string, body: unknown): Promise<{ savedAt: string; answered: number }> {
  const { answers } = parseInput(await submissionBody(), body);
  for (let attempt = 0; attempt < 8; attempt++) {
    // Contended (several tabs saving at once): back off a little, randomly, before reading again.
    if (attempt > 0) await new Promise((resolve) => setTimeout(resolve, Math.random() * 15 * attempt));
    const { study, participant, instance, status, linkEpoch } = await resolveLink(deps, token);
    if (status === 'completed') throw conflict('these questionnaires have already been completed');
    if (status === 'expired') throw gone('the time to complete these questionnaires has passed');
    if (status === 'withdrawn') throw gone('this participation has ended');
    if (status === 'not_yet_open') throw conflict('these questionnaires are not open yet');
    if (needsConsent(study.consent, participant)) throw forbidden(`consent: give consent to version ${study.consent!.version} first`);
    const battery = await loadBattery(deps, instance.instruments);
    const problems = checkAnswers(battery.map((i) => i.scoring), answers);
    if (problems.length > 0) throw invalidFields(problems.map((p) => ({ field: `answers.${p.item}`, message: p.message })));

    const merged: Answers = { ...(instance.answers ?? {}), ...(answers as Answers) };
    const at = deps.clock.now();
    // The first save moves the instance to started: a state change, audited once (with the write
    // itself). Later saves only change the draft answers (saved every few seconds), which the audit trail need not repeat.
    const audit =
      instance.status === 'started'
        ? undefined
        : auditEntry(deps, {
            scope: `study:${instance.studyId}`,
            actor: `participant:${instance.code}`,
            action: 'instance.started',
            target: `instance:${instance.code}/${instance.timepoint}`,
            before: { status: instance.status },
            after: { status: 'started' },
          });
    // Conditioned on the link's generation too: a link revoked a moment ago saves nothing.
    if (await deps.instances.saveProgress(instance, merged, at, instance.progressRevision ?? 0, linkEpoch, audit)) {
      return { savedAt: at.toISOString(), answered: Object.values(merged).filter((v) => v !== null).length };
    }
    // Someone saved (another device) or submitted in between, or the link was revoked: read again
    // (a revoked link is refused there) and merge again.
  }
  throw conflict('these answers are being saved from elsewhere at the same moment: please try again');
}
