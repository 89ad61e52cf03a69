import { Hono } from 'hono';
import { Readable } from 'node:stream';
import { notFound } from '../../core/errors';
import { enrolParticipant } from '../../use-cases/enrol-participant';
import { exportStudy } from '../../use-cases/export-study';
import { requireStaff } from '../auth';
import type { AppDeps, AppEnv } from '../env';
import { readJson } from '../read-json';

export function studyRoutes(deps: AppDeps) {
  return new Hono<AppEnv>()
    .get('/:studyId', requireStaff(deps, ['admin', 'coordinator', 'analyst']), async (c) => {
      const study = await deps.studies.get(c.req.param('studyId'));
      if (study === null) throw notFound('study');
      return c.json({ id: study.id, name: study.name, timezone: study.timezone, arms: study.arms, protocol: study.protocol });
    })
    .get('/:studyId/participants', requireStaff(deps, ['admin', 'coordinator']), async (c) => {
      const participants = await deps.participants.list(c.req.param('studyId'));
      return c.json({ participants });
    })
    .post('/:studyId/participants', requireStaff(deps, ['admin', 'coordinator']), async (c) => {
      const result = await enrolParticipant(deps, `staff:${c.get('session').email}`, c.req.param('studyId'), await readJson(c));
      deps.onScheduleChanged?.();
      return c.json(result, 201);
    })
    .get('/:studyId/export', requireStaff(deps, ['admin', 'coordinator', 'analyst']), async (c) => {
      const file = await exportStudy(deps, `staff:${c.get('session').email}`, c.req.param('studyId'), c.req.query('format'));
      c.header('Content-Type', file.contentType);
      c.header('Content-Disposition', `attachment; filename="${file.filename}"`);
      return c.body(Readable.toWeb(file.body) as ReadableStream);
    });
}
