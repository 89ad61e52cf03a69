import * as z from 'zod';
import { studyOutcomeSummary, summaryFormats } from '../../use-cases/outcome-summary';
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
      query: z.object({
        format: z.enum(summaryFormats).optional().describe('json (default), csv, svg'),
        followup: z.string().optional().describe('the follow-up timepoint (default: the last timepoint, in schedule order, that the reference arm gets)'),
        reference: z.string().optional().describe('the reference arm (default: the first arm that gets the follow-up)'),
        scale: z.string().optional().describe('only one instrument (phq9) or one scale (phq9.total)'),
        include_test: z.enum(['0', '1']).optional().describe('1: count test participants too (left out by default)'),
      }),
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
