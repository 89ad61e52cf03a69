import { runImportJobs } from '../import-jobs';
import type { PassContext } from './pass-context';

/**
 * Enrols queued import jobs' chunks within `dispatch.importBudgetMs` (their participants are
 * planned by the re-plan step of the same pass); returns the time it took, which the sending step
 * takes off its own budget. Real work on the real clock only: never in a pass on a moved clock or
 * the demo seeding's.
 */
export async function enrolImportJobs(ctx: PassContext): Promise<number> {
  if (ctx.options.onlyTestParticipants || ctx.options.synthetic) return 0;
  const started = performance.now();
  const imports = await runImportJobs(ctx.deps, { budgetMs: ctx.deps.dispatch.importBudgetMs });
  ctx.count('imported', imports.enrolled);
  ctx.count('importErrors', imports.errors.length);
  ctx.count('importsGivenUp', imports.givenUp);
  return performance.now() - started;
}
