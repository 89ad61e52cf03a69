import { Hono } from 'hono';
import * as z from 'zod';
import { notFound } from '../../core/errors';
import { consentRecordPdf } from '../../use-cases/consent-download';
import { byTimepointOrder, scheduleOrderIds } from '../../core/study/timepoint-order';
import { enrolmentSchema, enrolParticipant } from '../../use-cases/enrol-participant';
import { eraseContact } from '../../use-cases/erase-contact';
import { importParticipants } from '../../use-cases/import-participants';
import { importRefusal, startImport } from './import-job-routes';
import { previewSchedule } from '../../use-cases/protocol-versions';
import { resendLink, resendSchema } from '../../use-cases/resend-link';
import { participantChangeSchema, updateParticipant, withdrawalSchema, withdrawParticipant } from '../../use-cases/update-participant';
import { requireStaff } from '../auth';
import type { AppDeps, AppEnv } from '../env';
import { documented } from '../openapi';
import { readJson, readOptionalJson } from '../read-json';

const tag = 'Participants';
const coordinators = ['admin', 'coordinator'] as const;

const docs = {
  list: documented({ method: 'get', path: '/api/studies/{studyId}/participants', tag, summary: "Participants (pseudonymous records, with suppression, unsubscription and each timepoint's state, but no addresses)", roles: coordinators, responses: { 200: '{participants}' } }),
  enrol: documented({ method: 'post', path: '/api/studies/{studyId}/participants', tag, summary: 'Enrol a participant; in a study that allocates, leave arm out (with strata) and the arm is allocated (a test participant is never allocated: give their arm)', roles: coordinators, body: enrolmentSchema, responses: { 201: '{code, arm, allocation, firstInvitationAt, warnings}', 400: 'Bad field, missing strata, or a randomised arm chosen by hand without an admin’s reason', 403: 'A randomised arm chosen by hand by a non-admin', 409: 'Email or code already in the study' } }),
  import: documented({
    method: 'post',
    path: '/api/studies/{studyId}/participants/import',
    tag,
    summary: 'Bulk enrolment from CSV (code, email, arm, timezone, enrolment_date, language); every bad row reported before anything is written. A dry run answers with the report; the import answers 202 at once and enrols in the background (follow it at Location)',
    roles: coordinators,
    bodyMediaType: 'text/csv',
    query: z.object({ dryRun: z.enum(['true', 'false']).optional() }),
    responses: { 200: 'Dry run: the report, every row and its problems', 202: 'Import queued: {jobId, rows, status, warnings?}; Location: /api/studies/{studyId}/participants/imports/{jobId}', 400: 'Some rows are invalid (nothing written); the report lists them' },
  }),
  update: documented({ method: 'patch', path: '/api/studies/{studyId}/participants/{code}', tag, summary: 'Change arm (with a reason; a randomised arm only by an admin), time zone, email or anchor dates (unsent messages move). A new email revokes every link sent so far and sends a fresh link to each open questionnaire', roles: coordinators, body: participantChangeSchema, responses: { 200: '{participant, resentLinks}', 400: 'Bad field, or a change of arm without a reason', 403: 'A randomised arm changed by a non-admin', 409: 'Withdrawn, or changed meanwhile' } }),
  withdraw: documented({ method: 'post', path: '/api/studies/{studyId}/participants/{code}/withdraw', tag, summary: 'Withdraw (or record a withdrawal of consent): stops all mail and revokes every link sent, keeps data; the reason is kept on the participant', roles: coordinators, body: withdrawalSchema, responses: { 200: '{participant}' } }),
  consent: documented({
    method: 'get',
    path: '/api/studies/{studyId}/participants/{code}/consent',
    tag,
    summary: "The participant's signed consent as a PDF (the latest, or ?version=): text, its SHA-256, typed name, time, language",
    roles: coordinators,
    query: z.object({ version: z.string().optional() }),
    responses: { 200: { description: 'The signed record', mediaType: 'application/pdf' }, 404: 'No such participant, or no consent given (to that version)' },
  }),
  eraseContact: documented({
    method: 'delete',
    path: '/api/studies/{studyId}/participants/{code}/contact',
    tag,
    summary: "Erase the participant's contact details at their request: no more emails (pending ones cancelled), every link sent revoked; research data stays and still exports. Idempotent",
    roles: coordinators,
    responses: { 200: '{code, contactErasedAt, cancelledMessages}', 404: 'No such participant' },
  }),
  resend: documented({ method: 'post', path: '/api/studies/{studyId}/participants/{code}/resend', tag, summary: 'Send a fresh link to an open timepoint now; every earlier link stops working (other open timepoints get a fresh link too)', roles: coordinators, body: resendSchema, responses: { 202: '{queued, n, timepoints}', 409: 'Not open, withdrawn or erased' } }),
  timeline: documented({ method: 'get', path: '/api/studies/{studyId}/participants/{code}/schedule', tag, summary: 'Timeline: instances, messages with delivery status, completions, scores, contact status', roles: coordinators, responses: { 200: 'The timeline' } }),
  preview: documented({ method: 'get', path: '/api/studies/{studyId}/participants/{code}/preview', tag, summary: 'The plan under a protocol version, against the ledger', roles: coordinators, query: z.object({ version: z.string().optional() }), responses: { 200: '{messages}' } }),
};

/** Coordinators' participant management. */
export function participantAdminRoutes(deps: AppDeps) {
  const actor = (email: string) => `staff:${email}` as const;
  return new Hono<AppEnv>()
    .get('/:studyId/participants', requireStaff(deps, docs.list.roles), async (c) => {
      const studyId = c.req.param('studyId');
      const [participants, statuses, instances, study] = await Promise.all([
        deps.participants.list(studyId),
        deps.contacts.listStatuses(studyId),
        deps.instances.listForStudy(studyId),
        deps.studies.get(studyId),
      ]);
      const statusOf = new Map(statuses.map((s) => [s.code, s]));
      const order = byTimepointOrder(scheduleOrderIds(study?.protocol.timepoints ?? []));
      const progressOf = new Map<string, Array<{ timepoint: string; status: string }>>();
      for (const i of instances) progressOf.set(i.code, [...(progressOf.get(i.code) ?? []), { timepoint: i.timepoint, status: i.status }]);
      // Delivery status and each timepoint's state, never the address: the list is pseudonymous.
      return c.json({
        participants: participants.map((p) => ({
          ...p,
          suppressed: statusOf.get(p.code)?.suppressed ?? null,
          unsubscribedAt: statusOf.get(p.code)?.unsubscribedAt ?? null,
          progress: (progressOf.get(p.code) ?? []).sort((a, b) => order(a.timepoint, b.timepoint)),
        })),
      });
    })
    .post('/:studyId/participants', requireStaff(deps, docs.enrol.roles), async (c) => {
      const result = await enrolParticipant(deps, actor(c.get('session').email), c.req.param('studyId'), await readJson(c), { role: c.get('session').role });
      deps.onScheduleChanged?.();
      return c.json(result, 201);
    })
    .post('/:studyId/participants/import', requireStaff(deps, docs.import.roles), async (c) => {
      const [studyId, csv] = [c.req.param('studyId'), await c.req.text()];
      // The import runs as a job (import-job-routes.ts): the request never waits on the enrolments.
      if (c.req.query('dryRun') !== 'true') return startImport(c, deps, actor(c.get('session').email), studyId, csv);
      const report = await importParticipants(deps, actor(c.get('session').email), studyId, csv, true);
      return report.invalid === 0 ? c.json(report) : importRefusal(c, report);
    })
    .patch('/:studyId/participants/:code', requireStaff(deps, docs.update.roles), async (c) =>
      c.json(await updateParticipant(deps, actor(c.get('session').email), c.req.param('studyId'), c.req.param('code'), await readJson(c), { role: c.get('session').role })),
    )
    .post('/:studyId/participants/:code/withdraw', requireStaff(deps, docs.withdraw.roles), async (c) =>
      c.json({ participant: await withdrawParticipant(deps, actor(c.get('session').email), c.req.param('studyId'), c.req.param('code'), await readOptionalJson(c)) }),
    )
    .delete('/:studyId/participants/:code/contact', requireStaff(deps, docs.eraseContact.roles), async (c) =>
      c.json(await eraseContact(deps, actor(c.get('session').email), c.req.param('studyId'), c.req.param('code'))),
    )
    .post('/:studyId/participants/:code/resend', requireStaff(deps, docs.resend.roles), async (c) =>
      c.json(await resendLink(deps, actor(c.get('session').email), c.req.param('studyId'), c.req.param('code'), await readJson(c)), 202),
    )
    .get('/:studyId/participants/:code/consent', requireStaff(deps, docs.consent.roles), async (c) => {
      const { studyId, code } = c.req.param();
      const file = await consentRecordPdf(deps, actor(c.get('session').email), studyId, code, c.req.query('version'));
      c.header('Content-Type', 'application/pdf');
      c.header('Content-Disposition', `attachment; filename="${file.filename}"`);
      return c.body(file.bytes as Uint8Array<ArrayBuffer>);
    })
    .get('/:studyId/participants/:code/schedule', requireStaff(deps, docs.timeline.roles), async (c) => {
      const { studyId, code } = c.req.param();
      const participant = await deps.participants.get(studyId, code);
      if (participant === null) throw notFound(`participant ${code}`);
      const [instances, messages, contact, protocol, consents] = await Promise.all([
        deps.instances.listForParticipant(studyId, code),
        deps.messages.listForParticipant(studyId, code),
        deps.contacts.get(studyId, code),
        deps.studies.getProtocol(studyId, participant.protocolVersion),
        deps.consents.listRecords(studyId, code),
      ]);
      const order = byTimepointOrder(scheduleOrderIds(protocol?.timepoints ?? []));
      return c.json({
        participant,
        // Coordinators manage contact; analysts never reach this route.
        contact: contact && { email: contact.email, suppressed: contact.suppressed ?? null, unsubscribedAt: contact.unsubscribedAt ?? null },
        // In schedule order (when they happen), as everywhere else.
        instances: instances.sort((a, b) => order(a.timepoint, b.timepoint)).map(({ answers: _answers, ...rest }) => rest),
        messages: messages.sort((a, b) => a.sendAt.localeCompare(b.sendAt)),
        // Each signed consent (the typed name is in the PDF, not here).
        consents: consents.map(({ version, language, textHash, agreedAt, via }) => ({ version, language, textHash, agreedAt, via })),
      });
    })
    .get('/:studyId/participants/:code/preview', requireStaff(deps, docs.preview.roles), async (c) => {
      const { studyId, code } = c.req.param();
      const version = c.req.query('version');
      const protocol = version === undefined ? undefined : await deps.studies.getProtocol(studyId, Number(version));
      if (protocol === null) throw notFound(`protocol version ${version}`);
      return c.json({ messages: await previewSchedule(deps, studyId, code, protocol) });
    });
}
