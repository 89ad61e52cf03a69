import { Hono } from 'hono';
import { Readable } from 'node:stream';
import * as z from 'zod';
import { concealBlockSizes } from '../../core/allocation/allocation-config';
import { notFound } from '../../core/errors';
import { acknowledgeAlert, acknowledgementSchema } from '../../use-cases/acknowledge-alert';
import { allocationReport } from '../../use-cases/allocation-report';
import { auditQuerySchema, auditTrail } from '../../use-cases/audit-trail';
import { exportStudy } from '../../use-cases/export-study';
import { parseInput } from '../../use-cases/parse-input';
import {
  checkProtocolDraft,
  createStudy,
  emailPreviewSchema,
  listStudies,
  previewEmail,
  previewProtocolDraft,
  settingsSchema,
  updateStudySettings,
} from '../../use-cases/manage-study';
import { previewQuerySchema, previewTimepoint, scorePreview } from '../../use-cases/preview-timepoint';
import { migrateParticipants, migrationSchema, previewMigration, publishProtocol, publishSchema } from '../../use-cases/protocol-versions';
import { submissionSchema } from '../../use-cases/submit-answers';
import { studyDashboard } from '../../use-cases/study-dashboard';
import { requireStaff } from '../auth';
import type { AppDeps, AppEnv } from '../env';
import { documented } from '../openapi';
import { readJson, readOptionalJson } from '../read-json';

const tag = 'Studies';
const anyStaff = ['admin', 'coordinator', 'analyst'] as const;
const setup = ['admin', 'coordinator'] as const;

const docs = {
  list: documented({ method: 'get', path: '/api/studies', tag, summary: 'Studies you can see', roles: anyStaff, responses: { 200: 'Study summaries' } }),
  create: documented({ method: 'post', path: '/api/studies', tag, summary: 'Create a study (its protocol becomes version 1)', roles: setup, body: z.looseObject({}), responses: { 201: 'The study', 409: 'The id is taken' } }),
  get: documented({ method: 'get', path: '/api/studies/{studyId}', tag, summary: 'A study with its current protocol', roles: anyStaff, responses: { 200: 'The study', 404: 'No such study' } }),
  settings: documented({ method: 'put', path: '/api/studies/{studyId}/settings', tag, summary: 'Change name, time zone, arms, sender, contacts, email wording, safety support text, missing-data rules, allocation (admins; frozen after the first allocation), consent (a new version asks everyone again), self-enrolment', roles: setup, body: settingsSchema, responses: { 200: 'The study', 400: 'Invalid, or a changed consent text without a new version', 403: 'Allocation changed by a non-admin', 409: 'Changed meanwhile, an arm still has participants, the allocation is frozen, or a consent version reused' } }),
  publish: documented({ method: 'put', path: '/api/studies/{studyId}/protocol', tag, summary: 'Publish an edited protocol as the next version', roles: setup, body: publishSchema, responses: { 201: 'The published protocol' } }),
  validate: documented({ method: 'post', path: '/api/studies/{studyId}/protocol/validate', tag, summary: 'Validation report of a draft protocol (nothing saved)', roles: setup, body: publishSchema, responses: { 200: '{ok, problems: [{field, message}]}' } }),
  previewDraft: documented({ method: 'post', path: '/api/studies/{studyId}/protocol/preview', tag, summary: 'Messages a draft would add or move for participants on the current version', roles: setup, body: publishSchema, responses: { 200: 'Validation report and changes' } }),
  migrate: documented({ method: 'post', path: '/api/studies/{studyId}/protocol/migrate', tag, summary: 'Move participants to a protocol version (unsent messages move)', roles: setup, body: migrationSchema, responses: { 200: '{migrated, unchanged}' } }),
  migrationPreview: documented({
    method: 'post',
    path: '/api/studies/{studyId}/protocol/migrate/preview',
    tag,
    summary: 'What migrating participants to a protocol version would add, move or cancel (nothing changes); any time after publishing',
    roles: setup,
    body: migrationSchema,
    responses: { 200: '{version, participants, fromVersions, changes}' },
  }),
  emailPreview: documented({ method: 'post', path: '/api/studies/{studyId}/email-preview', tag, summary: 'An invitation or reminder rendered with sample values', roles: setup, body: emailPreviewSchema, responses: { 200: '{subject, text, html}' } }),
  preview: documented({
    method: 'get',
    path: '/api/studies/{studyId}/preview',
    tag,
    summary: "A timepoint's battery exactly as a participant's link shows it (the body of GET /api/p/{token}), as if open now; stores nothing",
    roles: anyStaff,
    query: previewQuerySchema,
    responses: { 200: '{study, timepoint, language, status, instruments, missingText, answers}', 404: 'No such study' },
  }),
  previewScore: documented({
    method: 'post',
    path: '/api/studies/{studyId}/preview/score',
    tag,
    summary: 'Check and score preview answers as a submission would be; says which safety alert would fire, without firing it; stores nothing',
    roles: anyStaff,
    query: previewQuerySchema,
    body: submissionSchema,
    responses: { 200: '{scores, alert, support}', 409: 'Licensed wording not installed' },
  }),
  dashboard: documented({ method: 'get', path: '/api/studies/{studyId}/dashboard', tag, summary: 'Adherence: completion by arm × timepoint, overdue, expiring, delivery problems, alerts', roles: setup, responses: { 200: 'The dashboard' } }),
  allocation: documented({ method: 'get', path: '/api/studies/{studyId}/allocation', tag, summary: 'Past allocations: counts per stratum × arm, marginal totals per factor level, and the allocation log (never a future allocation)', roles: ['admin'], responses: { 200: '{allocation, frozen, allocated, arms, strata, marginals, log}', 400: 'The study does not allocate', 403: 'Not an admin' } }),
  audit: documented({ method: 'get', path: '/api/studies/{studyId}/audit', tag, summary: 'Audit trail, newest first', roles: setup, query: auditQuerySchema, responses: { 200: '{entries, truncated}' } }),
  acknowledge: documented({ method: 'post', path: '/api/studies/{studyId}/alerts/{code}/{timepoint}/acknowledge', tag, summary: 'Acknowledge a safety alert', roles: setup, body: acknowledgementSchema, responses: { 200: 'Who acknowledged it and when', 409: 'Already acknowledged' } }),
  export: documented({
    method: 'get',
    path: '/api/studies/{studyId}/export',
    tag: 'Exports',
    summary: 'Scored data for analysis (never contact details)',
    roles: anyStaff,
    query: z.object({
      format: z.string().optional().describe('long (default), wide, items, codebook, codebook-json, fhir'),
      include_test: z.enum(['0', '1']).optional().describe('1: include test participants, with a `test` column (1/0) last'),
      bom: z.enum(['0', '1']).optional().describe('1: start CSV with a UTF-8 byte-order mark (Excel)'),
      delimiter: z.enum(['comma', 'semicolon']).optional().describe('CSV field separator (default comma); the decimal point stays "."'),
    }),
    responses: { 200: { description: 'CSV, JSON or FHIR NDJSON, streamed', mediaType: 'text/csv' } },
  }),
};

export function studyRoutes(deps: AppDeps) {
  const actor = (email: string) => `staff:${email}` as const;
  return new Hono<AppEnv>()
    .get('/', requireStaff(deps, docs.list.roles), async (c) => c.json({ studies: await listStudies(deps, c.get('session')) }))
    .post('/', requireStaff(deps, docs.create.roles), async (c) => c.json({ study: concealBlockSizes(await createStudy(deps, c.get('session'), await readJson(c)), c.get('session').role) }, 201))
    .get('/:studyId', requireStaff(deps, docs.get.roles), async (c) => {
      const study = await deps.studies.get(c.req.param('studyId'));
      if (study === null) throw notFound('study');
      return c.json(concealBlockSizes(study, c.get('session').role));
    })
    .put('/:studyId/settings', requireStaff(deps, docs.settings.roles), async (c) => {
      const { email, role } = c.get('session');
      return c.json({ study: concealBlockSizes(await updateStudySettings(deps, actor(email), c.req.param('studyId'), await readJson(c), { role }), role) });
    })
    .put('/:studyId/protocol', requireStaff(deps, docs.publish.roles), async (c) =>
      c.json({ protocol: await publishProtocol(deps, actor(c.get('session').email), c.req.param('studyId'), await readJson(c)) }, 201),
    )
    .post('/:studyId/protocol/validate', requireStaff(deps, docs.validate.roles), async (c) => c.json(await checkProtocolDraft(deps, c.req.param('studyId'), await readJson(c))))
    .post('/:studyId/protocol/preview', requireStaff(deps, docs.previewDraft.roles), async (c) => c.json(await previewProtocolDraft(deps, c.req.param('studyId'), await readJson(c))))
    .post('/:studyId/protocol/migrate', requireStaff(deps, docs.migrate.roles), async (c) =>
      c.json(await migrateParticipants(deps, actor(c.get('session').email), c.req.param('studyId'), await readJson(c))),
    )
    .post('/:studyId/protocol/migrate/preview', requireStaff(deps, docs.migrationPreview.roles), async (c) =>
      c.json(await previewMigration(deps, c.req.param('studyId'), await readJson(c))),
    )
    .post('/:studyId/email-preview', requireStaff(deps, docs.emailPreview.roles), async (c) => c.json(await previewEmail(deps, c.req.param('studyId'), await readJson(c))))
    .get('/:studyId/preview', requireStaff(deps, docs.preview.roles), async (c) => c.json(await previewTimepoint(deps, c.req.param('studyId'), c.req.query())))
    .post('/:studyId/preview/score', requireStaff(deps, docs.previewScore.roles), async (c) =>
      c.json(await scorePreview(deps, c.req.param('studyId'), c.req.query(), await readJson(c))),
    )
    .get('/:studyId/dashboard', requireStaff(deps, docs.dashboard.roles), async (c) => c.json(await studyDashboard(deps, c.req.param('studyId'))))
    .get('/:studyId/allocation', requireStaff(deps, docs.allocation.roles), async (c) => c.json(await allocationReport(deps, c.req.param('studyId'))))
    .get('/:studyId/audit', requireStaff(deps, docs.audit.roles), async (c) => c.json(await auditTrail(deps, `study:${c.req.param('studyId')}`, c.req.query(), { role: c.get('session').role })))
    .post('/:studyId/alerts/:code/:timepoint/acknowledge', requireStaff(deps, docs.acknowledge.roles), async (c) => {
      const { studyId, code, timepoint } = c.req.param();
      return c.json(await acknowledgeAlert(deps, actor(c.get('session').email), studyId, code, timepoint, await readOptionalJson(c)));
    })
    .get('/:studyId/export', requireStaff(deps, docs.export.roles), async (c) => {
      const query = parseInput(docs.export.query, c.req.query());
      const file = await exportStudy(deps, actor(c.get('session').email), c.req.param('studyId'), query.format, {
        includeTest: query.include_test === '1',
        bom: query.bom === '1',
        ...(query.delimiter ? { delimiter: query.delimiter } : {}),
      });
      c.header('Content-Type', file.contentType);
      c.header('Content-Disposition', `attachment; filename="${file.filename}"`);
      // How many participants the file holds, so the console can show how far a long download has got.
      c.header('X-Export-Participants', String(file.participantsTotal));
      return c.body(Readable.toWeb(file.body) as ReadableStream);
    });
}
