import { Hono } from 'hono';
import { Readable } from 'node:stream';
import { notFound } from '../../core/errors';
import { enrolParticipant } from '../../use-cases/enrol-participant';
import { exportStudy } from '../../use-cases/export-study';
import { migrateParticipants, previewSchedule, publishProtocol } from '../../use-cases/protocol-versions';
import { updateParticipant, withdrawParticipant } from '../../use-cases/update-participant';
import { requireStaff } from '../auth';
import type { AppDeps, AppEnv } from '../env';
import { readJson, readOptionalJson } from '../read-json';

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
    .patch('/:studyId/participants/:code', requireStaff(deps, ['admin', 'coordinator']), async (c) => {
      const participant = await updateParticipant(deps, `staff:${c.get('session').email}`, c.req.param('studyId'), c.req.param('code'), await readJson(c));
      return c.json({ participant });
    })
    .post('/:studyId/participants/:code/withdraw', requireStaff(deps, ['admin', 'coordinator']), async (c) => {
      const participant = await withdrawParticipant(deps, `staff:${c.get('session').email}`, c.req.param('studyId'), c.req.param('code'), await readOptionalJson(c));
      return c.json({ participant });
    })
    .get('/:studyId/participants/:code/schedule', requireStaff(deps, ['admin', 'coordinator']), async (c) => {
      const { studyId, code } = c.req.param();
      const participant = await deps.participants.get(studyId, code);
      if (participant === null) throw notFound(`participant ${code}`);
      const [instances, messages, contact] = await Promise.all([
        deps.instances.listForParticipant(studyId, code),
        deps.messages.listForParticipant(studyId, code),
        deps.contacts.get(studyId, code),
      ]);
      return c.json({
        participant,
        contact: contact && { suppressed: contact.suppressed ?? null, unsubscribedAt: contact.unsubscribedAt ?? null },
        instances: instances.map(({ answers: _a, ...rest }) => rest),
        messages: messages.sort((a, b) => a.sendAt.localeCompare(b.sendAt)),
      });
    })
    .get('/:studyId/participants/:code/preview', requireStaff(deps, ['admin', 'coordinator']), async (c) => {
      const { studyId, code } = c.req.param();
      const version = c.req.query('version');
      const protocol = version === undefined ? undefined : await deps.studies.getProtocol(studyId, Number(version));
      if (protocol === null) throw notFound(`protocol version ${version}`);
      return c.json({ messages: await previewSchedule(deps, studyId, code, protocol) });
    })
    .put('/:studyId/protocol', requireStaff(deps, ['admin', 'coordinator']), async (c) => {
      const protocol = await publishProtocol(deps, `staff:${c.get('session').email}`, c.req.param('studyId'), await readJson(c));
      return c.json({ protocol }, 201);
    })
    .post('/:studyId/protocol/migrate', requireStaff(deps, ['admin', 'coordinator']), async (c) => {
      return c.json(await migrateParticipants(deps, `staff:${c.get('session').email}`, c.req.param('studyId'), await readJson(c)));
    })
    .get('/:studyId/export', requireStaff(deps, ['admin', 'coordinator', 'analyst']), async (c) => {
      const file = await exportStudy(deps, `staff:${c.get('session').email}`, c.req.param('studyId'), c.req.query('format'));
      c.header('Content-Type', file.contentType);
      c.header('Content-Disposition', `attachment; filename="${file.filename}"`);
      return c.body(Readable.toWeb(file.body) as ReadableStream);
    });
}
