import { isAppError } from '../../core/errors';
import { createFromSlot } from '../allocate-participant';
import type { PassContext } from './pass-context';

/**
 * Finishes allocating enrolments that stopped after writing their slot: the participant is
 * created from it. Real enrolments only: the demo seeding's and time travel's passes act on
 * synthetic or test participants, never allocated.
 */
export async function finishInterruptedEnrolments(ctx: PassContext): Promise<void> {
  if (ctx.options.synthetic || ctx.options.onlyTestParticipants) return;
  for (const slot of await ctx.deps.allocations.listPending(ctx.now(), ctx.limit)) {
    const outcome = await createFromSlot(ctx.deps, slot).catch((error: unknown) => {
      // Its code was taken meanwhile: the slot is now marked unused, which settles it.
      if (isAppError(error) && error.kind === 'conflict') return 'void' as const;
      throw error;
    });
    if (outcome === 'created') ctx.count('enrolmentsFinished');
  }
}
