import { beforeAll, describe, expect, it } from 'vitest';
import { aygunStudy, demoStudy } from '../../functions/demo/demo-study';
import { runDispatch } from '../../functions/use-cases/dispatch';
import { importAndRun } from '../helpers/import-job';
import { createTestContext, type TestContext } from '../helpers/test-context';

const MONDAY_10AM = '2026-03-02T10:00:00.000Z';

describe('setting up a study', () => {
  let t: TestContext;
  let token: string;
  beforeAll(async () => {
    t = await createTestContext({ now: MONDAY_10AM });
    token = await t.signIn({ email: 'setup@staff.test', role: 'coordinator', studies: [] });
  });

  it('a coordinator creates the motivating study from scratch and becomes its coordinator', async () => {
    const { protocol, missingRules: _m, emails: _e, ...rest } = aygunStudy;
    const body = { ...rest, id: 'mbpm-trial', protocol: { timepoints: protocol.timepoints } };
    const response = await t.request('POST', '/api/studies', { token, body });
    expect(response.status).toBe(201);
    expect(await response.json()).toMatchObject({ study: { id: 'mbpm-trial', protocol: { version: 1 } } });
    expect((await t.deps.staff.get('setup@staff.test'))?.studies).toEqual(['mbpm-trial']);
    // Access follows the account at once, without signing in again.
    expect((await t.request('GET', '/api/studies/mbpm-trial', { token })).status).toBe(200);
    expect((await t.request('POST', '/api/studies', { token, body })).status).toBe(409);
    const list = (await (await t.request('GET', '/api/studies', { token })).json()) as { studies: Array<{ id: string }> };
    expect(list.studies.map((s) => s.id)).toEqual(['mbpm-trial']);
  });

  it('lists the instrument catalogue with constructs, licence (non-commercial flagged), wording and its languages', async () => {
    const body = (await (await t.request('GET', '/api/instruments', { token })).json()) as { instruments: Array<Record<string, unknown> & { id: string }> };
    expect(body.instruments).toHaveLength(23);
    expect(body.instruments.find((i) => i.id === 'gad7')).toMatchObject({
      constructs: ['mood'], licence: { category: 'PD', name: null }, nonCommercial: false, textIncluded: true, wording: 'shipped', languages: ['en'],
    });
    expect(body.instruments.find((i) => i.id === 'who5')).toMatchObject({
      constructs: ['well_being'], licence: { category: 'CC-NC', name: 'CC BY-NC-SA 3.0 IGO' }, nonCommercial: true, wording: 'licensee file', languages: [],
    });
  });

  it('refuses an invalid study naming the field', async () => {
    const response = await t.request('POST', '/api/studies', { token, body: { ...demoStudy, id: 'bad', timezone: 'Mars/Base' } });
    expect(response.status).toBe(400);
    expect(await response.json()).toMatchObject({ error: { field: 'timezone' } });
  });

  it('reports every problem of a draft protocol without saving it, and previews what publishing would move', async () => {
    const bad = { protocol: { timepoints: [{ ...demoStudy.protocol.timepoints[0]!, sendAt: '9am', reminders: [9] }] } };
    const report = (await (await t.request('POST', '/api/studies/mbpm-trial/protocol/validate', { token, body: bad })).json()) as { ok: boolean; problems: Array<{ field: string }> };
    expect(report.ok).toBe(false);
    expect(report.problems.map((p) => p.field)).toEqual(expect.arrayContaining(['protocol.timepoints.0.sendAt', 'protocol.timepoints.0.reminders']));
    expect((await t.deps.studies.get('mbpm-trial'))!.protocol.version).toBe(1);

    await t.request('POST', '/api/studies/mbpm-trial/participants', { token, body: { email: t.uniqueEmail('draft'), arm: 'mbpm' } });
    const later = { protocol: { timepoints: aygunStudy.protocol.timepoints.map((tp) => ({ ...tp, sendAt: '10:00' })) } };
    const preview = (await (await t.request('POST', '/api/studies/mbpm-trial/protocol/preview', { token, body: later })).json()) as { ok: boolean; changes: Array<Record<string, unknown>> };
    expect(preview.ok).toBe(true);
    expect(preview.changes.filter((c) => c.change === 'moved').map((c) => `${c.timepoint}/${c.kind}${c.n}`)).toEqual(expect.arrayContaining(['week8/invitation0', 'baseline/reminder1']));
  });

  it('changes settings, refuses to drop an arm that has participants, and previews custom email wording', async () => {
    const rename = await t.request('PUT', '/api/studies/mbpm-trial/settings', { token, body: { name: 'MBPM trial', emails: { invitation: { subject: '{study}: {timepoint} — please fill in' } } } });
    expect(rename.status).toBe(200);
    const drop = await t.request('PUT', '/api/studies/mbpm-trial/settings', { token, body: { arms: [{ id: 'waitlist', label: 'W' }, { id: 'healthy', label: 'H' }] } });
    expect(drop.status).toBe(400); // mbpm is still used by the protocol
    const preview = (await (await t.request('POST', '/api/studies/mbpm-trial/email-preview', { token, body: { kind: 'invitation' } })).json()) as { subject: string; html: string };
    expect(preview.subject).toBe('MBPM trial: Baseline — please fill in');
    expect(preview.html).toContain('Open my questionnaires');
  });
});

describe('enrolling from a CSV', () => {
  let t: TestContext;
  let token: string;
  beforeAll(async () => {
    t = await createTestContext({ now: MONDAY_10AM });
    token = await t.coordinator();
  });
  const importCsv = (csv: string, dryRun: boolean) => t.request('POST', `/api/studies/demo/participants/import${dryRun ? '?dryRun=true' : ''}`, { token, raw: csv });

  it('reports every bad row by row and column before anything is written', async () => {
    const csv = 'code,email,arm,timezone,enrolment_date\nS-01,a@csv.test,mbpm,Europe/London,2026-03-01\nS-02,not-an-email,placebo,,\nS-03,A@csv.test,waitlist,Mars/Base,2026-13-40\n';
    const before = await t.scan('research');
    const response = await importCsv(csv, false);
    expect(response.status).toBe(400);
    const report = (await response.json()) as { rows: Array<{ row: number; problems: Array<{ column: string; message: string }> }>; valid: number; invalid: number; enrolled: number };
    expect(report).toMatchObject({ valid: 1, invalid: 2, enrolled: 0 });
    expect(report.rows[1]!.problems.map((p) => p.column).sort()).toEqual(['arm', 'email']);
    expect(report.rows[2]!.problems).toEqual(expect.arrayContaining([{ column: 'email', message: 'also on row 1' }, expect.objectContaining({ column: 'timezone' }), expect.objectContaining({ column: 'enrolment_date' })]));
    expect(await t.scan('research')).toEqual(before);
  });

  it('a dry run of a clean file writes nothing; the import then enrols every row', async () => {
    const rows = Array.from({ length: 65 }, (_, i) => `T-${String(i + 1).padStart(3, '0')},p${i + 1}@csv65.test,${['mbpm', 'waitlist', 'healthy'][i % 3]},Europe/London,2026-03-02`);
    const csv = ['code,email,arm,timezone,enrolment_date', ...rows].join('\n');
    const dry = (await (await importCsv(csv, true)).json()) as { dryRun: boolean; valid: number; enrolled: number };
    expect(dry).toMatchObject({ dryRun: true, valid: 65, enrolled: 0 });
    expect(await t.deps.participants.get('demo', 'T-001')).toBeNull();
    const real = await importAndRun(t, 'demo', csv, token);
    expect(real.enrolled).toBe(65);
    expect(real.enrolledRows![64]).toEqual({ row: 65, code: 'T-065', arm: 'waitlist' });
    expect((await t.deps.participants.list('demo')).filter((p) => p.code.startsWith('T-'))).toHaveLength(65);
    expect(await runDispatch(t.deps)).toMatchObject({ sent: 65 });
    // Importing the same file again: every row is now a duplicate.
    expect((await importCsv(csv, true)).status).toBe(400);
  }, 120_000);

  it('catches an enrolment date more than a year away in the dry run', async () => {
    const report = (await (await importCsv('email,arm,enrolment_date\nfar@csv.test,mbpm,2020-01-01\n', true)).json()) as { rows: Array<{ problems: unknown[] }> };
    expect(report.rows[0]!.problems).toEqual([{ column: 'enrolment_date', message: '2020-01-01 is more than a year from today' }]);
  });

  it('refuses a file with an unknown column or without the required ones', async () => {
    expect(await (await importCsv('email,arm,phone\na@b.test,mbpm,1\n', true)).json()).toMatchObject({ error: { message: 'body: unknown column phone (allowed: code, email, arm, timezone, enrolment_date, language)' } });
    expect(await (await importCsv('email\na@b.test\n', true)).json()).toMatchObject({ error: { message: 'body: the header has no "arm" column' } });
  });
});

describe('running the study day to day', () => {
  let t: TestContext;
  let token: string;
  beforeAll(async () => {
    t = await createTestContext({ now: MONDAY_10AM });
    token = await t.coordinator();
  });

  it('resends a link for an open timepoint, once per request, and refuses one that is closed', async () => {
    const { code, email } = await t.invite();
    expect((await t.request('POST', `/api/studies/demo/participants/${code}/resend`, { token, body: { timepoint: 'baseline' } })).status).toBe(202);
    await runDispatch(t.deps);
    const mails = await t.inbox(email);
    expect(mails.map((m) => m.subject)).toEqual([`${demoStudy.name}: your Baseline questionnaires`, `${demoStudy.name}: your Baseline questionnaires (your link again)`]);
    expect((await t.request('POST', `/api/studies/demo/participants/${code}/resend`, { token, body: { timepoint: 'week8' } })).status).toBe(202);
    expect((await t.request('POST', `/api/studies/demo/participants/${code}/resend`, { token, body: { timepoint: 'nope' } })).status).toBe(404);
  });

  it('shows a coordinator the timeline with contact, messages and instances, never answers', async () => {
    const { code, email } = await t.invite();
    const timeline = (await (await t.request('GET', `/api/studies/demo/participants/${code}/schedule`, { token })).json()) as Record<string, unknown> & { instances: Array<Record<string, unknown>>; messages: unknown[] };
    expect(timeline).toMatchObject({ participant: { code }, contact: { email, suppressed: null, unsubscribedAt: null } });
    expect(timeline.messages.length).toBeGreaterThan(3);
    expect(timeline.instances.every((i) => !('answers' in i))).toBe(true);
  });

  it('summarises adherence, and safety alerts until acknowledged (once)', async () => {
    const { code, token: link } = await t.invite();
    const answers = { PHQ9_1: 1, PHQ9_2: 1, PHQ9_3: 1, PHQ9_4: 1, PHQ9_5: 1, PHQ9_6: 1, PHQ9_7: 1, PHQ9_8: 1, PHQ9_9: 1, GAD7_1: 0, GAD7_2: 0, GAD7_3: 0, GAD7_4: 0, GAD7_5: 0, GAD7_6: 0, GAD7_7: 0, PEG_1: 1, PEG_2: 1, PEG_3: 1 };
    await t.request('POST', `/api/p/${link}/submit`, { body: { answers } });
    await runDispatch(t.deps);
    const dashboard = (await (await t.request('GET', '/api/studies/demo/dashboard', { token })).json()) as Record<string, unknown> & { completion: Array<Record<string, unknown>>; alerts: Array<Record<string, unknown>> };
    expect(dashboard.completion.find((c) => c.arm === 'mbpm' && c.timepoint === 'baseline')).toMatchObject({ completed: 1 });
    expect(dashboard.completion.find((c) => c.arm === 'healthy' && c.timepoint === 'week8')).toBeUndefined();
    expect(dashboard).toMatchObject({ unacknowledgedAlerts: 1 });
    expect(dashboard.alerts[0]).toMatchObject({ participant: code, timepoint: 'baseline', acknowledgedAt: null });
    expect(JSON.stringify(dashboard)).not.toContain('@participants.test');

    const ack = await t.request('POST', `/api/studies/demo/alerts/${code}/baseline/acknowledge`, { token, body: { note: 'Called; safe; GP informed.' } });
    expect(ack.status).toBe(200);
    expect((await t.request('POST', `/api/studies/demo/alerts/${code}/baseline/acknowledge`, { token })).status).toBe(409);
    expect(await (await t.request('GET', '/api/studies/demo/dashboard', { token })).json()).toMatchObject({ unacknowledgedAlerts: 0 });
  });

  it('lists participants with their delivery status but never their addresses', async () => {
    const { code, email } = await t.invite();
    await t.deps.contacts.unsubscribe('demo', code, new Date(MONDAY_10AM));
    const response = await t.request('GET', '/api/studies/demo/participants', { token });
    const text = await response.text();
    expect(text).not.toContain(email);
    const { participants } = JSON.parse(text) as { participants: Array<Record<string, unknown>> };
    expect(participants.find((p) => p.code === code)).toMatchObject({ unsubscribedAt: MONDAY_10AM, suppressed: null });
  });

  it('filters the audit trail, newest first', async () => {
    const { entries } = (await (await t.request('GET', '/api/studies/demo/audit?action=participant.enrolled&limit=2', { token })).json()) as { entries: Array<{ action: string; at: string }> };
    expect(entries).toHaveLength(2);
    expect(entries.every((e) => e.action === 'participant.enrolled')).toBe(true);
    expect(entries[0]!.at >= entries[1]!.at).toBe(true);
    expect((await t.request('GET', '/api/studies/demo/audit?limit=0', { token })).status).toBe(400);
  });
});

describe('staff accounts and the API document', () => {
  it('admins create and change accounts; a change that takes access away ends the member\'s sessions at once', async () => {
    const t = await createTestContext({ now: MONDAY_10AM });
    const admin = await t.signIn({ email: 'root@staff.test', role: 'admin', studies: [] });
    const analyst = await t.signIn({ email: 'ana@staff.test', role: 'analyst', studies: ['demo'] });
    expect((await t.request('GET', '/api/studies/demo/export', { token: analyst })).status).toBe(200);
    const put = await t.request('PUT', `/api/staff/${encodeURIComponent('ana@staff.test')}`, { token: admin, body: { name: 'Ana', role: 'analyst', studies: [] } });
    expect(put.status).toBe(200);
    expect((await t.request('GET', '/api/studies/demo/export', { token: analyst })).status).toBe(401);
    const again = await t.signIn({ email: 'ana@staff.test', role: 'analyst', studies: [] });
    expect((await t.request('GET', '/api/studies/demo/export', { token: again })).status).toBe(403);
    expect((await t.request('PUT', '/api/staff/not-an-email', { token: admin, body: { name: 'x', role: 'analyst' } })).status).toBe(400);
    // Found by fuzzing: a segment that is not valid percent-encoding was decoded a second time, and threw (500).
    const malformed = await t.request('DELETE', '/api/staff/%uD800', { token: admin });
    expect(malformed.status).toBeLessThan(500);
    expect(await malformed.json()).toMatchObject({ error: { code: expect.any(String) } });
    const list = (await (await t.request('GET', '/api/staff', { token: admin })).json()) as { staff: Array<{ email: string }> };
    expect(list.staff.map((s) => s.email)).toEqual(expect.arrayContaining(['root@staff.test', 'ana@staff.test']));
  });

  it('serves an OpenAPI 3.1 document generated from the request schemas', async () => {
    const t = await createTestContext();
    const doc = (await (await t.request('GET', '/api/openapi.json')).json()) as { openapi: string; paths: Record<string, Record<string, { requestBody?: { content: Record<string, { schema: { properties?: Record<string, unknown>; required?: string[] } }> } }>> };
    expect(doc.openapi).toBe('3.1.0');
    const enrol = doc.paths['/api/studies/{studyId}/participants']!.post!.requestBody!.content['application/json']!.schema;
    expect(Object.keys(enrol.properties!)).toEqual(['email', 'arm', 'strata', 'armReason', 'timezone', 'code', 'language', 'enrolledOn', 'test']);
    // The arm may be left out: a study that allocates then randomises the participant.
    expect(enrol.required).toEqual(['email']);
    expect(Object.keys(doc.paths).length).toBeGreaterThan(20);
  });
});
