import { planAndStore } from '../plan-participant';
import type { PassContext } from './pass-context';

/**
 * (Re)plans participants who asked for it (enrolment, edits, withdrawal, protocol migration,
 * revoked links, which this carries to their instances); the request is cleared only once the plan
 * is stored, so a pass that dies in between leaves it for the next.
 */
export async function replanRequested(ctx: PassContext): Promise<void> {
  for (const request of await ctx.deps.participants.listPlanRequests(ctx.now(), ctx.limit)) {
    if (!(await ctx.actsOn(request, 'plan'))) continue;
    await planAndStore(ctx.deps, request.studyId, request.code);
    await ctx.deps.participants.clearPlanRequest(request.studyId, request.code, request.requestedAt);
    ctx.count('planned');
  }
}
