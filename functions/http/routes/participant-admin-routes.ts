import { once } from '../../core/once';
import { consentRecordPdf } from '../../use-cases/consent-download';
import { eraseContact } from '../../use-cases/erase-contact';
import { resendLink } from '../../use-cases/resend-link';
import { staffSchema } from '../../use-cases/staff-input-loader';
import { defineRoute } from '../define-route';
import { readJson, readOptionalJson } from '../read-json';
import { staffActor } from '../staff-actor';
import { importRefusal, startImport } from './import-job-routes';

const tag = 'Participants';
const capability = 'participants.manage';

/** The use cases that plan schedules, imported by the first request that needs one (on-first-use.ts). */
const onFirstUse = once(() => import('./on-first-use'));

/** Coordinators' participant management. */
export const participantAdminRoutes = [
  defineRoute(
    {
      method: 'get',
      path: '/api/studies/:studyId/participants',
      tag,
      summary: "Participants (pseudonymous records, with suppression, unsubscription and each timepoint's state, but no addresses)",
      capability,
      responses: { 200: '{participants}' },
    },
    async (c, deps) => c.json(await (await onFirstUse()).participantViews.listParticipants(deps, c.req.param('studyId'))),
  ),
  defineRoute(
    {
      method: 'post',
      path: '/api/studies/:studyId/participants',
      tag,
      summary: 'Enrol a participant; in a study that allocates, leave arm out (with strata) and the arm is allocated (a test participant is never allocated: give their arm)',
      capability,
      body: () => onFirstUse().then((m) => m.enrolment.enrolmentSchema),
      responses: { 201: '{code, arm, allocation, firstInvitationAt, warnings}', 400: 'Bad field, missing strata, or a randomised arm chosen by hand without an admin’s reason', 403: 'A randomised arm chosen by hand by a non-admin', 409: 'Email or code already in the study' },
    },
    async (c, deps) => {
      const result = await (await onFirstUse()).enrolment.enrolParticipant(deps, staffActor(c), c.req.param('studyId'), await readJson(c), { role: c.get('session').role });
      deps.onScheduleChanged?.();
      return c.json(result, 201);
    },
  ),
  defineRoute(
    {
      method: 'post',
      path: '/api/studies/:studyId/participants/import',
      tag,
      summary:
        'Bulk enrolment from CSV (code, email, arm, timezone, enrolment_date, language); every bad row reported before anything is written. A dry run answers with the report; the import answers 202 at once and enrols in the background (follow it at Location)',
      capability,
      bodyMediaType: 'text/csv',
      query: staffSchema('importQuerySchema'),
      responses: { 200: 'Dry run: the report, every row and its problems', 202: 'Import queued: {jobId, rows, status, warnings?}; Location: /api/studies/{studyId}/participants/imports/{jobId}', 400: 'Some rows are invalid (nothing written); the report lists them' },
    },
    async (c, deps) => {
      const [studyId, csv] = [c.req.param('studyId'), await c.req.text()];
      // The import runs as a job (import-job-routes.ts): the request never waits on the enrolments.
      if (c.req.query('dryRun') !== 'true') return startImport(c, deps, staffActor(c), studyId, csv);
      const report = await (await onFirstUse()).csvImport.importParticipants(deps, staffActor(c), studyId, csv, true);
      return report.invalid === 0 ? c.json(report) : importRefusal(c, report);
    },
  ),
  defineRoute(
    {
      method: 'patch',
      path: '/api/studies/:studyId/participants/:code',
      tag,
      summary:
        'Change arm (with a reason; a randomised arm only by an admin), time zone, email or anchor dates (unsent messages move). A new email revokes every link sent so far and sends a fresh link to each open questionnaire',
      capability,
      body: () => onFirstUse().then((m) => m.participantChanges.participantChangeSchema),
      responses: { 200: '{participant, resentLinks}', 400: 'Bad field, or a change of arm without a reason', 403: 'A randomised arm changed by a non-admin', 409: 'Withdrawn, or changed meanwhile' },
    },
    async (c, deps) => c.json(await (await onFirstUse()).participantChanges.updateParticipant(deps, staffActor(c), c.req.param('studyId'), c.req.param('code'), await readJson(c), { role: c.get('session').role })),
  ),
  defineRoute(
    {
      method: 'post',
      path: '/api/studies/:studyId/participants/:code/withdraw',
      tag,
      summary: 'Withdraw (or record a withdrawal of consent): stops all mail and revokes every link sent, keeps data; the reason is kept on the participant',
      capability,
      body: () => onFirstUse().then((m) => m.participantChanges.withdrawalSchema),
      responses: { 200: '{participant}' },
    },
    async (c, deps) => c.json({ participant: await (await onFirstUse()).participantChanges.withdrawParticipant(deps, staffActor(c), c.req.param('studyId'), c.req.param('code'), await readOptionalJson(c)) }),
  ),
  defineRoute(
    {
      method: 'delete',
      path: '/api/studies/:studyId/participants/:code/contact',
      tag,
      summary: "Erase the participant's contact details at their request: no more emails (pending ones cancelled), every link sent revoked; research data stays and still exports. Idempotent",
      capability,
      responses: { 200: '{code, contactErasedAt, cancelledMessages}', 404: 'No such participant' },
    },
    async (c, deps) => c.json(await eraseContact(deps, staffActor(c), c.req.param('studyId'), c.req.param('code'))),
  ),
  defineRoute(
    {
      method: 'post',
      path: '/api/studies/:studyId/participants/:code/resend',
      tag,
      summary: 'Send a fresh link to an open timepoint now; every earlier link stops working (other open timepoints get a fresh link too)',
      capability,
      body: staffSchema('resendSchema'),
      responses: { 202: '{queued, n, timepoints}', 409: 'Not open, withdrawn or erased' },
    },
    async (c, deps) => c.json(await resendLink(deps, staffActor(c), c.req.param('studyId'), c.req.param('code'), await readJson(c)), 202),
  ),
  defineRoute(
    {
      method: 'get',
      path: '/api/studies/:studyId/participants/:code/consent',
      tag,
      summary: "The participant's signed consent as a PDF (the latest, or ?version=): text, its SHA-256, typed name, time, language",
      capability,
      query: staffSchema('versionQuerySchema'),
      responses: { 200: { description: 'The signed record', mediaType: 'application/pdf' }, 404: 'No such participant, or no consent given (to that version)' },
    },
    async (c, deps) => {
      const { studyId, code } = c.req.param();
      const file = await consentRecordPdf(deps, staffActor(c), studyId, code, c.req.query('version'));
      c.header('Content-Type', 'application/pdf');
      c.header('Content-Disposition', `attachment; filename="${file.filename}"`);
      return c.body(file.bytes as Uint8Array<ArrayBuffer>);
    },
  ),
  defineRoute(
    {
      method: 'get',
      path: '/api/studies/:studyId/participants/:code/schedule',
      tag,
      summary: 'Timeline: instances, messages with delivery status, completions, scores, contact status',
      capability,
      responses: { 200: 'The timeline' },
    },
    async (c, deps) => c.json(await (await onFirstUse()).participantViews.participantTimeline(deps, c.req.param('studyId'), c.req.param('code'))),
  ),
  defineRoute(
    {
      method: 'get',
      path: '/api/studies/:studyId/participants/:code/preview',
      tag,
      summary: 'The plan under a protocol version, against the ledger',
      capability,
      query: staffSchema('versionQuerySchema'),
      responses: { 200: '{messages}' },
    },
    async (c, deps) => c.json(await (await onFirstUse()).participantViews.participantPlan(deps, c.req.param('studyId'), c.req.param('code'), c.req.query('version'))),
  ),
] as const;
