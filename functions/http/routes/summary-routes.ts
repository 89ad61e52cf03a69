import { studyOutcomeSummary } from '../../use-cases/outcome-summary';
import { staffSchema } from '../../use-cases/staff-input-loader';
import { defineRoute } from '../define-route';
import { staffActor } from '../staff-actor';

/**
 * `GET /api/studies/:studyId/summary?format=json|csv|svg&followup=<timepoint>&reference=<arm>&scale=<instrument[.scale]>`:
 * the outcome summary (docs/outcome-summary.md). CSV downloads as an attachment; the SVG is
 * served inline so a page can show it (and a person can save it into a report).
 */
export const summaryRoutes = [
  defineRoute(
    {
      method: 'get',
      path: '/api/studies/:studyId/summary',
      tag: 'Studies',
      summary:
        'Outcome summary: per arm × scale, baseline and follow-up mean (SD), within-arm change with 95% CI and d_z, difference in change vs a reference arm (Welch); or the trajectory figure (docs/outcome-summary.md)',
      capability: 'data.export',
      query: staffSchema('summaryQuerySchema'),
      responses: {
        200: 'The summary (JSON), one row per instrument × scale × arm (text/csv), or the figure (image/svg+xml)',
        404: 'No such study',
      },
    },
    async (c, deps) => {
      const result = await studyOutcomeSummary(deps, staffActor(c), c.req.param('studyId'), {
        format: c.req.query('format'),
        followup: c.req.query('followup'),
        reference: c.req.query('reference'),
        scale: c.req.query('scale'),
        include_test: c.req.query('include_test'),
      });
      if (result.format === 'json') return c.json(result.summary);
      c.header('Content-Type', result.contentType);
      c.header('Content-Disposition', `${result.format === 'csv' ? 'attachment' : 'inline'}; filename="${result.filename}"`);
      // The figure has no scripts or external resources; if opened on its own, make sure none could run.
      if (result.format === 'svg') c.header('Content-Security-Policy', "default-src 'none'");
      return c.body(result.body);
    },
  ),
] as const;
