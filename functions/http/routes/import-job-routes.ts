import type { Context } from 'hono';
import { once } from '../../core/once';
import type { Actor } from '../../use-cases/deps';
import type { ImportReport } from '../../use-cases/import-participants';
import type { AppDeps, AppEnv } from '../env';
import { defineRoute } from '../define-route';

/** Import jobs (they check rows and enrol with the planner), imported on the first import or look at one (on-first-use.ts). */
const onFirstUse = once(() => import('./on-first-use'));

/**
 * A participants CSV with a bad row: the report, inside the same error envelope as every other
 * refusal (400, nothing written). The dry run and the import answer it alike.
 */
export function importRefusal(c: Context<AppEnv>, report: ImportReport) {
  const problems = report.rows.flatMap((r) => r.problems.map((p) => ({ field: `row ${r.row}: ${p.column}`, message: p.message })));
  const done = report.enrolled > 0 ? `${report.enrolled} enrolled, the rest not` : 'nothing was imported';
  const message = `${report.invalid} row${report.invalid === 1 ? ' has problems' : 's have problems'}: ${done} (${problems[0]!.field}: ${problems[0]!.message})`;
  return c.json({ error: { code: 'bad_request', message, field: 'body', details: problems }, ...report }, 400);
}

/**
 * The import itself (not a dry run): every row checked and given its code, the job stored, and
 * 202 at once with where to follow it; the dispatcher enrols the rows (locally, kicked now).
 */
export async function startImport(c: Context<AppEnv>, deps: AppDeps, actor: Actor, studyId: string, csv: string) {
  const created = await (await onFirstUse()).importJobs.createImportJob(deps, actor, studyId, csv);
  if ('report' in created) return importRefusal(c, created.report);
  deps.onScheduleChanged?.();
  c.header('Location', `/api/studies/${encodeURIComponent(studyId)}/participants/imports/${created.job.jobId}`);
  return c.json(created.job, 202);
}

/** Following an import job. */
export const importJobRoutes = [
  defineRoute(
    {
      method: 'get',
      path: '/api/studies/:studyId/participants/imports/:jobId',
      tag: 'Participants',
      summary: "An import's progress and result: status (queued, running, done), rows, enrolled, and the rows that could not be enrolled with their reason",
      capability: 'participants.manage',
      responses: { 200: '{jobId, status, rows, done, enrolled, failed: [{row, field?, message}], createdAt, startedAt, finishedAt}', 404: "No such import in this study (another study's import included)" },
    },
    async (c, deps) => c.json(await (await onFirstUse()).importJobs.importJobView(deps, c.req.param('studyId'), c.req.param('jobId'))),
  ),
] as const;
