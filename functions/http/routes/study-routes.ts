import { Readable } from 'node:stream';
import { once } from '../../core/once';
import { acknowledgeAlert } from '../../use-cases/acknowledge-alert';
import { allocationReport } from '../../use-cases/allocation-report';
import { auditTrail } from '../../use-cases/audit-trail';
import { parseInput } from '../../use-cases/parse-input';
import {
  checkProtocolDraft,
  createStudy,
  listStudies,
  previewEmail,
  studyView,
  updateStudySettings,
} from '../../use-cases/manage-study';
import { previewTimepoint, scorePreview } from '../../use-cases/preview-timepoint';
import { staffSchema } from '../../use-cases/staff-input-loader';
import { studyDashboard } from '../../use-cases/study-dashboard';
import { defineRoute } from '../define-route';
import { readJson, readOptionalJson } from '../read-json';
import { staffActor } from '../staff-actor';
import { submissionBody } from '../../use-cases/submit-answers';

const tag = 'Studies';
/**
 * Publishing, previewing and migrating protocol versions (they plan schedules) and the export,
 * imported by the first request that needs them (on-first-use.ts); their request bodies' schemas
 * come with them (the OpenAPI document imports them when it is written).
 */
const onFirstUse = once(() => import('./on-first-use'));
const protocolBody = () => onFirstUse().then((m) => m.protocolVersions.publishSchema);
const migrationBody = () => onFirstUse().then((m) => m.protocolVersions.migrationSchema);

const exportQuery = staffSchema('exportQuerySchema');

/** Studies: set-up, protocol versions, previews, adherence, the allocation log, the audit trail and exports. */
export const studyRoutes = [
  defineRoute({ method: 'get', path: '/api/studies', tag, summary: 'Studies you can see', capability: 'studies.read', responses: { 200: 'Study summaries' } }, async (c, deps) =>
    c.json({ studies: await listStudies(deps, c.get('session')) }),
  ),
  defineRoute(
    { method: 'post', path: '/api/studies', tag, summary: 'Create a study (its protocol becomes version 1)', capability: 'studies.create', body: staffSchema('newStudySchema'), responses: { 201: 'The study', 409: 'The id is taken' } },
    async (c, deps) => c.json({ study: await createStudy(deps, c.get('session'), await readJson(c)) }, 201),
  ),
  defineRoute(
    { method: 'get', path: '/api/studies/:studyId', tag, summary: 'A study with its current protocol', capability: 'studies.read', responses: { 200: 'The study', 404: 'No such study' } },
    async (c, deps) => c.json(await studyView(deps, c.get('session'), c.req.param('studyId'))),
  ),
  defineRoute(
    {
      method: 'put',
      path: '/api/studies/:studyId/settings',
      tag,
      summary:
        'Change name, time zone, arms, sender, contacts, email wording, safety support text, missing-data rules, allocation (admins; frozen after the first allocation), consent (a new version asks everyone again), self-enrolment',
      capability: 'studies.configure',
      body: staffSchema('settingsSchema'),
      responses: { 200: 'The study', 400: 'Invalid, or a changed consent text without a new version', 403: 'Allocation changed by a non-admin', 409: 'Changed meanwhile, an arm still has participants, the allocation is frozen, or a consent version reused' },
    },
    async (c, deps) => c.json({ study: await updateStudySettings(deps, staffActor(c), c.req.param('studyId'), await readJson(c), { role: c.get('session').role }) }),
  ),
  defineRoute(
    { method: 'put', path: '/api/studies/:studyId/protocol', tag, summary: 'Publish an edited protocol as the next version', capability: 'studies.configure', body: protocolBody, responses: { 201: 'The published protocol' } },
    async (c, deps) => c.json({ protocol: await (await onFirstUse()).protocolVersions.publishProtocol(deps, staffActor(c), c.req.param('studyId'), await readJson(c)) }, 201),
  ),
  defineRoute(
    { method: 'post', path: '/api/studies/:studyId/protocol/validate', tag, summary: 'Validation report of a draft protocol (nothing saved)', capability: 'studies.configure', body: protocolBody, responses: { 200: '{ok, problems: [{field, message}]}' } },
    async (c, deps) => c.json(await checkProtocolDraft(deps, c.req.param('studyId'), await readJson(c))),
  ),
  defineRoute(
    { method: 'post', path: '/api/studies/:studyId/protocol/preview', tag, summary: 'Messages a draft would add or move for participants on the current version', capability: 'studies.configure', body: protocolBody, responses: { 200: 'Validation report and changes' } },
    async (c, deps) => c.json(await (await onFirstUse()).protocolVersions.previewProtocolDraft(deps, c.req.param('studyId'), await readJson(c))),
  ),
  defineRoute(
    { method: 'post', path: '/api/studies/:studyId/protocol/migrate', tag, summary: 'Move participants to a protocol version (unsent messages move)', capability: 'studies.configure', body: migrationBody, responses: { 200: '{migrated, unchanged}' } },
    async (c, deps) => c.json(await (await onFirstUse()).protocolVersions.migrateParticipants(deps, staffActor(c), c.req.param('studyId'), await readJson(c))),
  ),
  defineRoute(
    {
      method: 'post',
      path: '/api/studies/:studyId/protocol/migrate/preview',
      tag,
      summary: 'What migrating participants to a protocol version would add, move or cancel (nothing changes); any time after publishing',
      capability: 'studies.configure',
      body: migrationBody,
      responses: { 200: '{version, participants, fromVersions, changes}' },
    },
    async (c, deps) => c.json(await (await onFirstUse()).protocolVersions.previewMigration(deps, c.req.param('studyId'), await readJson(c))),
  ),
  defineRoute(
    { method: 'post', path: '/api/studies/:studyId/email-preview', tag, summary: 'An invitation or reminder rendered with sample values', capability: 'studies.configure', body: staffSchema('emailPreviewSchema'), responses: { 200: '{subject, text, html}' } },
    async (c, deps) => c.json(await previewEmail(deps, c.req.param('studyId'), await readJson(c))),
  ),
  defineRoute(
    {
      method: 'get',
      path: '/api/studies/:studyId/preview',
      tag,
      summary: "A timepoint's battery exactly as a participant's link shows it (the body of GET /api/p/{token}), as if open now; stores nothing",
      capability: 'studies.read',
      query: staffSchema('previewQuerySchema'),
      responses: { 200: '{study, timepoint, language, status, instruments, missingText, answers}', 404: 'No such study' },
    },
    async (c, deps) => c.json(await previewTimepoint(deps, c.req.param('studyId'), c.req.query())),
  ),
  defineRoute(
    {
      method: 'post',
      path: '/api/studies/:studyId/preview/score',
      tag,
      summary: 'Check and score preview answers as a submission would be; says which safety alert would fire, without firing it; stores nothing',
      capability: 'studies.read',
      query: staffSchema('previewQuerySchema'),
      body: submissionBody,
      responses: { 200: '{scores, alert, support}', 409: 'Licensed wording not installed' },
    },
    async (c, deps) => c.json(await scorePreview(deps, c.req.param('studyId'), c.req.query(), await readJson(c))),
  ),
  defineRoute(
    { method: 'get', path: '/api/studies/:studyId/dashboard', tag, summary: 'Adherence: completion by arm × timepoint, overdue, expiring, delivery problems, alerts', capability: 'studies.monitor', responses: { 200: 'The dashboard' } },
    async (c, deps) => c.json(await studyDashboard(deps, c.req.param('studyId'))),
  ),
  defineRoute(
    {
      method: 'get',
      path: '/api/studies/:studyId/allocation',
      tag,
      summary: 'Past allocations: counts per stratum × arm, marginal totals per factor level, and the allocation log (never a future allocation)',
      capability: 'allocation.manage',
      responses: { 200: '{allocation, frozen, allocated, arms, strata, marginals, log}', 400: 'The study does not allocate', 403: 'Not an admin' },
    },
    async (c, deps) => c.json(await allocationReport(deps, c.req.param('studyId'))),
  ),
  defineRoute(
    { method: 'get', path: '/api/studies/:studyId/audit', tag, summary: 'Audit trail, newest first', capability: 'audit.read', query: staffSchema('auditQuerySchema'), responses: { 200: '{entries, truncated}' } },
    async (c, deps) => c.json(await auditTrail(deps, `study:${c.req.param('studyId')}`, c.req.query(), { role: c.get('session').role })),
  ),
  defineRoute(
    { method: 'post', path: '/api/studies/:studyId/alerts/:code/:timepoint/acknowledge', tag, summary: 'Acknowledge a safety alert', capability: 'studies.monitor', body: staffSchema('acknowledgementSchema'), responses: { 200: 'Who acknowledged it and when', 409: 'Already acknowledged' } },
    async (c, deps) => {
      const { studyId, code, timepoint } = c.req.param();
      return c.json(await acknowledgeAlert(deps, staffActor(c), studyId, code, timepoint, await readOptionalJson(c)));
    },
  ),
  defineRoute(
    {
      method: 'get',
      path: '/api/studies/:studyId/export',
      tag: 'Exports',
      summary: 'Scored data for analysis (never contact details)',
      capability: 'data.export',
      query: exportQuery,
      responses: { 200: { description: 'CSV, JSON or FHIR NDJSON, streamed', mediaType: 'text/csv' } },
    },
    async (c, deps) => {
      const query = parseInput(await exportQuery(), c.req.query());
      const file = await (await onFirstUse()).studyExport.exportStudy(deps, staffActor(c), c.req.param('studyId'), query.format, {
        includeTest: query.include_test === '1',
        bom: query.bom === '1',
        ...(query.delimiter ? { delimiter: query.delimiter } : {}),
      });
      c.header('Content-Type', file.contentType);
      c.header('Content-Disposition', `attachment; filename="${file.filename}"`);
      // How many participants the file holds, so the console can show how far a long download has got.
      c.header('X-Export-Participants', String(file.participantsTotal));
      return c.body(Readable.toWeb(file.body) as ReadableStream);
    },
  ),
] as const;
