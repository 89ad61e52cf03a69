import { urgentFlags } from '../../core/safety/support-text';
import { recordAudit } from '../audit';
import { planAndStore } from '../plan-participant';
import { completionAudit } from '../submit-answers';
import type { PassContext } from './pass-context';

/**
 * Follows up completions: the completion's audit entry (again: idempotent), a safety alert for
 * urgent answers, then a re-plan (anchored timepoints start; reminders of the completed one are
 * cancelled). The work is queued by the write that stores the completion, and cleared last.
 */
export async function followUpCompletions(ctx: PassContext): Promise<void> {
  const { deps } = ctx;
  for (const instance of await deps.instances.listPendingCompletions(ctx.now(), ctx.limit)) {
    if (!(await ctx.actsOn(instance, `done|${instance.timepoint}`))) continue;
    // The request that completed it writes this entry too; if it died first, this one counts (same key: once).
    const { entry, once } = completionAudit(instance);
    await recordAudit(deps, entry, once);
    const flags = urgentFlags(instance.scores ?? []);
    if (flags.length > 0) {
      await deps.messages.createOnce({
        studyId: instance.studyId,
        code: instance.code,
        timepoint: instance.timepoint,
        kind: 'alert',
        n: 0,
        sendAt: instance.completedAt!,
        flags,
        ...(instance.synthetic ? { synthetic: true } : {}),
      });
    }
    await planAndStore(deps, instance.studyId, instance.code);
    await deps.instances.clearPendingCompletion(instance);
    ctx.count('followedUp');
  }
}
