import { createPassContext, type DispatchDeps, type DispatchOptions, type DispatchReport } from './dispatcher/pass-context';
import { enrolImportJobs } from './dispatcher/import-step';
import { finishInterruptedEnrolments } from './dispatcher/finish-enrolments';
import { replanRequested } from './dispatcher/replan';
import { followUpCompletions } from './dispatcher/follow-up-completions';
import { expireClosedInstances } from './dispatcher/expire-instances';
import { sendDue } from './dispatcher/send-due';

export type { DispatchDeps, DispatchOptions, DispatchReport } from './dispatcher/pass-context';

/**
 * One dispatcher pass, the same locally (a timer) and in AWS (a scheduled Lambda). Every step
 * reads its work from the sparse due index and ends it with a conditional write, so a pass may
 * overlap another or die at any point: the next pass picks up exactly what is left. Each job is a
 * module of `dispatcher/`, sharing one pass context (ports, options, counters, per-pass reads):
 *
 * 0. append the audit entries of changes whose writer died before it could (see audited-write.ts);
 *    enrol queued import jobs' chunks, within a budget (their participants are planned in step 1);
 *    finish allocating enrolments that stopped after writing their slot (the participant is created from it);
 * 1. (re)plan participants who asked for it (enrolment, edits, withdrawal, protocol migration,
 *    revoked links, which this carries to their instances);
 * 2. follow up completions: the completion's audit entry (again: idempotent), safety alerts for
 *    urgent answers, then re-plan (anchored timepoints start; reminders of the completed one are cancelled);
 * 3. expire instances whose window has closed (a started one gets its grace period first);
 * 4. send what is due, after claiming it, including messages whose claimant died; a failed send
 *    is retried, parked or given up on as core/schedule/failure-decision.ts decides.
 */
export async function runDispatch(deps: DispatchDeps, options: DispatchOptions = {}): Promise<DispatchReport> {
  const ctx = createPassContext(deps, options);
  ctx.count('auditsRecovered', await deps.auditOutbox.recover(ctx.now(), ctx.limit));
  const importMs = await enrolImportJobs(ctx);
  await finishInterruptedEnrolments(ctx);
  await replanRequested(ctx);
  await followUpCompletions(ctx);
  await expireClosedInstances(ctx);
  await sendDue(ctx, importMs);
  return { ...ctx.report };
}
