import { auditEntry } from '../audit';
import type { PassContext } from './pass-context';

/** Expires instances whose window has closed; a started (partly answered) one gets its grace period first. */
export async function expireClosedInstances(ctx: PassContext): Promise<void> {
  const { deps } = ctx;
  for (const instance of await deps.instances.listDueExpiries(ctx.now(), ctx.limit)) {
    if (!(await ctx.actsOn(instance, `expire|${instance.timepoint}`))) continue;
    const graceEnds = new Date(Date.parse(instance.closesAt) + deps.dispatch.startedGraceMs).toISOString();
    if (instance.status === 'started' && ctx.now().toISOString() < graceEnds) {
      await deps.instances.postponeExpiry(instance, graceEnds);
      continue;
    }
    const reason = instance.status === 'started' ? 'grace period ended' : 'window closed';
    const audit = auditEntry(deps, {
      scope: `study:${instance.studyId}`,
      actor: 'system:dispatcher',
      action: 'instance.expired',
      target: `instance:${instance.code}/${instance.timepoint}`,
      before: { status: instance.status },
      after: { status: 'expired', reason },
    });
    if (await deps.instances.end(instance, 'expired', reason, ctx.now(), audit)) ctx.count('expired');
  }
}
