import { readFileSync } from 'node:fs';
import { beforeAll, describe, expect, it } from 'vitest';
import { createAuditLog } from '../../functions/adapters/dynamodb/audit-log';
import type { AuditEntry } from '../../functions/core/audit';
import { sentStatuses } from '../../functions/core/schedule/records';
import { demoStudy } from '../../functions/demo/demo-study';
import { runDispatch } from '../../functions/use-cases/dispatch';
import { recordDeliveryFeedback } from '../../functions/use-cases/record-delivery-feedback';
import { importAndRun } from '../helpers/import-job';
import { createTestContext, linkToken, type TestContext } from '../helpers/test-context';

/**
 * A whole study walked through the API, from the first sign-in to erasure: every state change
 * leaves exactly one audit entry with the right actor, action and subject, nothing else leaves
 * one, and no participant's address ever enters the trail.
 */
const STUDY = 'audit-walk';
const ADMIN = 'admin@audit.test';
const COORDINATOR = 'coordinator@audit.test';
const ANALYST = 'analyst@audit.test';

let t: TestContext;
/** What the trail must hold: `action actor target`, one line per state change. */
const expected: Record<'study' | 'staff', string[]> = { study: [], staff: [] };
const participantEmails: string[] = [];
let codes: { a: string; b: string; c: string };

const expect1 = (scope: 'study' | 'staff', action: string, actor: string, target: string) => expected[scope].push(`${action} ${actor} ${target}`);
const lines = (entries: AuditEntry[]) => entries.map((e) => `${e.action} ${e.actor} ${e.target}`).sort();
const codeIn = async (email: string) => /#code=([\w-]+)/.exec((await t.inbox(email)).at(-1)!.body.text)![1]!;

/** Signs in through the API only (login email, then verify), as a person would. */
async function signIn(email: string): Promise<string> {
  expect((await t.request('POST', '/api/auth/login', { body: { email } })).status).toBe(202);
  const verify = await t.request('POST', '/api/auth/verify', { body: { code: await codeIn(email) } });
  expect(verify.status).toBe(200);
  expect1('staff', 'sign-in.requested', `staff:${email}`, `staff:${email}`);
  expect1('staff', 'sign-in.completed', `staff:${email}`, `staff:${email}`);
  return ((await verify.json()) as { token: string }).token;
}

async function ok(response: Response | Promise<Response>, status = 200): Promise<any> {
  const r = await response;
  const text = await r.text();
  expect(r.status, text).toBe(status);
  return text && r.headers.get('content-type')?.includes('json') ? JSON.parse(text) : text;
}

beforeAll(async () => {
  t = await createTestContext({ now: '2026-03-02T10:00:00.000Z' });
  const path = (rest = '') => `/api/studies/${STUDY}${rest}`;
  // The first admin is created out of band (README: "Deploying to AWS"), like in a real deployment.
  await t.deps.staff.put({ email: ADMIN, name: 'Admin', role: 'admin', studies: [] });
  const admin = await signIn(ADMIN);

  await ok(t.request('PUT', `/api/staff/${encodeURIComponent(COORDINATOR)}`, { token: admin, body: { name: 'Coordinator', role: 'coordinator', studies: [] } }));
  expect1('staff', 'staff.created', `staff:${ADMIN}`, `staff:${COORDINATOR}`);
  const token = await signIn(COORDINATOR);
  const me = `staff:${COORDINATOR}`;

  // Create the study: the creator is given access to it (an account change).
  const { protocol, missingRules: _m, emails: _e, ...rest } = demoStudy;
  await ok(t.request('POST', '/api/studies', { token, body: { ...rest, id: STUDY, protocol: { timepoints: protocol.timepoints } } }), 201);
  expect1('study', 'study.created', me, `study:${STUDY}`);
  expect1('staff', 'staff.changed', me, `staff:${COORDINATOR}`);

  // Enrol one, then two from a CSV (a dry run first, which changes nothing).
  const emails = { a: t.uniqueEmail('a'), b: t.uniqueEmail('b'), c: t.uniqueEmail('c') };
  participantEmails.push(...Object.values(emails));
  const a = (await ok(t.request('POST', path('/participants'), { token, body: { email: emails.a, arm: 'mbpm' } }), 201)).code as string;
  const csv = `email,arm\n${emails.b},mbpm\n${emails.c},waitlist\n`;
  await ok(t.request('POST', path('/participants/import?dryRun=true'), { token, raw: csv }));
  const job = await importAndRun(t, STUDY, csv, token);
  const [b, c] = job.enrolledRows!.map((r) => r.code) as [string, string];
  codes = { a, b, c };
  for (const code of [a, b, c]) expect1('study', 'participant.enrolled', me, `participant:${code}`);
  expect1('study', 'participants.import.queued', me, `import:${job.jobId}`);
  expect1('study', 'participants.imported', me, `import:${job.jobId}`);

  // Refused requests change nothing and leave nothing.
  await ok(t.request('POST', path('/participants'), { token, body: { email: 'not-an-address', arm: 'mbpm' } }), 400);
  await ok(t.request('POST', path('/participants'), { token, body: { email: emails.a, arm: 'mbpm' } }), 409);

  // Protocol version 2, everyone moved to it; study settings; a participant edited.
  await ok(t.request('PUT', path('/protocol'), { token, body: { protocol: { timepoints: protocol.timepoints.map((tp) => ({ ...tp, sendAt: '10:00' })) } } }), 201);
  expect1('study', 'protocol.published', me, `study:${STUDY}`);
  // Each participant's move is its own change, audited with the write that makes it.
  await ok(t.request('POST', path('/protocol/migrate'), { token, body: { version: 2 } }));
  for (const code of [a, b, c]) expect1('study', 'participant.migrated', me, `participant:${code}`);
  await ok(t.request('PUT', path('/settings'), { token, body: { name: 'Audit walk' } }));
  expect1('study', 'study.settings-changed', me, `study:${STUDY}`);
  await ok(t.request('PATCH', path(`/participants/${a}`), { token, body: { timezone: 'Europe/Paris' } }));
  expect1('study', 'participant.updated', me, `participant:${a}`);

  // Invitations go out.
  t.clock.set('2026-03-02T10:30:00.000Z');
  await runDispatch(t.deps);
  const link = async (email: string) => linkToken((await t.inbox(email)).at(-1))!;

  // A saves progress twice (one state change: started), then submits an urgent answer.
  const linkA = await link(emails.a);
  await ok(t.request('PUT', `/api/p/${linkA}/answers`, { body: { answers: { PHQ9_1: 1 } } }));
  await ok(t.request('PUT', `/api/p/${linkA}/answers`, { body: { answers: { PHQ9_2: 2 } } }));
  expect1('study', 'instance.started', `participant:${a}`, `instance:${a}/baseline`);
  const answers = {
    PHQ9_1: 1, PHQ9_2: 2, PHQ9_3: 1, PHQ9_4: 1, PHQ9_5: 0, PHQ9_6: 1, PHQ9_7: 2, PHQ9_8: 0, PHQ9_9: 1, PHQ9_10: 1,
    GAD7_1: 1, GAD7_2: 1, GAD7_3: 0, GAD7_4: 0, GAD7_5: 2, GAD7_6: 1, GAD7_7: 0, PEG_1: 7, PEG_2: 5, PEG_3: 6,
  };
  await ok(t.request('POST', `/api/p/${linkA}/submit`, { body: { answers } }));
  expect1('study', 'instance.completed', `participant:${a}`, `instance:${a}/baseline`);
  await ok(t.request('POST', `/api/p/${linkA}/submit`, { body: { answers: { ...answers, PEG_1: 0 } } }), 409);

  // B gets a fresh link; C's invitation bounces (which suppresses the address and tells the study's contacts).
  await ok(t.request('POST', path(`/participants/${b}/resend`), { token, body: { timepoint: 'baseline' } }), 202);
  expect1('study', 'link.resent', me, `instance:${b}/baseline`);
  const invitationC = (await t.deps.messages.listForParticipant(STUDY, c)).find((m) => m.kind === 'invitation')!;
  expect(await recordDeliveryFeedback(t.deps, { eventType: 'Bounce', mail: { messageId: invitationC.providerId }, bounce: { bounceType: 'Permanent', bounceSubType: 'General' } })).toBe('bounced');
  expect1('study', 'message.bounced', 'system:ses', `participant:${c}`);
  await runDispatch(t.deps);

  // B unsubscribes from their email, C is withdrawn, B's contact details are erased (twice: idempotent).
  const unsubscribe = /\/u\/#([A-Za-z0-9_-]+)/.exec((await t.inbox(emails.b)).at(-1)!.body.text)![1]!;
  await ok(t.request('POST', `/api/u/${unsubscribe}`));
  await ok(t.request('POST', `/api/u/${unsubscribe}`));
  expect1('study', 'participant.unsubscribed', `participant:${b}`, `participant:${b}`);
  await ok(t.request('POST', path(`/participants/${c}/withdraw`), { token, body: { reason: 'moved away' } }));
  await ok(t.request('POST', path(`/participants/${c}/withdraw`), { token, body: {} }));
  expect1('study', 'participant.withdrawn', me, `participant:${c}`);
  await ok(t.request('DELETE', path(`/participants/${b}/contact`), { token }));
  await ok(t.request('DELETE', path(`/participants/${b}/contact`), { token }));
  expect1('study', 'participant.contact-erased', me, `participant:${b}`);

  // The safety alert is acknowledged (once), the data exported.
  await ok(t.request('POST', path(`/alerts/${a}/baseline/acknowledge`), { token, body: { note: 'Called.' } }));
  await ok(t.request('POST', path(`/alerts/${a}/baseline/acknowledge`), { token }), 409);
  expect1('study', 'alert.acknowledged', me, `instance:${a}/baseline`);
  await ok(t.request('GET', path('/export?format=long'), { token }));
  expect1('study', 'export.downloaded', me, `study:${STUDY}`);

  // Staff changes: an analyst added, changed, removed; the coordinator signs out.
  const analystPath = `/api/staff/${encodeURIComponent(ANALYST)}`;
  await ok(t.request('PUT', analystPath, { token: admin, body: { name: 'Analyst', role: 'analyst', studies: [STUDY] } }));
  expect1('staff', 'staff.created', `staff:${ADMIN}`, `staff:${ANALYST}`);
  await ok(t.request('PUT', analystPath, { token: admin, body: { name: 'Analyst', role: 'analyst', studies: [] } }));
  expect1('staff', 'staff.changed', `staff:${ADMIN}`, `staff:${ANALYST}`);
  await ok(t.request('DELETE', analystPath, { token: admin }), 204);
  expect1('staff', 'staff.removed', `staff:${ADMIN}`, `staff:${ANALYST}`);
  await ok(t.request('POST', '/api/auth/logout', { token }), 204);
  expect1('staff', 'sign-out', me, me);

  // A week later B's baseline (never answered) expires; C's was cancelled by the withdrawal.
  t.clock.set('2026-03-10T10:00:00.000Z');
  await runDispatch(t.deps);
  expect1('study', 'instance.expired', 'system:dispatcher', `instance:${b}/baseline`);

  // Every email that left: the three invitations, the alert, the resend and the bounce notice.
  for (const message of (await t.deps.messages.listForStudy(STUDY)).filter((m) => sentStatuses.has(m.status))) {
    expect1('study', 'message.sent', 'system:dispatcher', `instance:${message.code}/${message.timepoint}`);
  }
});

describe('the audit trail of a whole study', () => {
  it('has exactly one entry per state change in the study, with its actor, action and subject', async () => {
    expect(expected.study.filter((l) => l.startsWith('message.sent')).length).toBe(6);
    expect(lines(await t.deps.audit.list(`study:${STUDY}`))).toEqual([...expected.study].sort());
  });

  it('has exactly one entry per sign-in, sign-out and account change in the staff trail', async () => {
    expect(lines(await t.deps.audit.list('staff'))).toEqual([...expected.staff].sort());
  });

  it('stamps every entry with a unique id and a valid time', async () => {
    const entries = [...(await t.deps.audit.list(`study:${STUDY}`)), ...(await t.deps.audit.list('staff'))];
    expect(new Set(entries.map((e) => e.id)).size).toBe(entries.length);
    for (const entry of entries) expect(Date.parse(entry.at)).not.toBeNaN();
  });

  it("never holds a participant's address; the only addresses are staff identities and the study's own contacts", async () => {
    const trail = JSON.stringify([...(await t.deps.audit.list(`study:${STUDY}`)), ...(await t.deps.audit.list('staff'))]);
    for (const email of participantEmails) expect(trail).not.toContain(email);
    const allowed = new Set([ADMIN, COORDINATOR, ANALYST, demoStudy.sender.email, ...demoStudy.contacts.map((c) => c.email)]);
    const found = new Set(trail.match(/[\w.+-]+@[\w-]+(\.[A-Za-z][\w-]*)+/g) ?? []);
    expect([...found].filter((address) => !allowed.has(address))).toEqual([]);
  });
});

describe('the audit store is append-only', () => {
  it('offers no way to change or delete an entry: the repository only appends and lists', () => {
    expect(Object.keys(createAuditLog(t.db)).sort()).toEqual(['append', 'list']);
    const source = readFileSync(new URL('../../functions/adapters/dynamodb/audit-log.ts', import.meta.url), 'utf8');
    expect(source).not.toMatch(/UpdateCommand|DeleteCommand|BatchWriteCommand|TransactWrite/);
  });

  it('refuses to overwrite an entry: a second write under the same key leaves the first as it was', async () => {
    const log = createAuditLog(t.db);
    const original: AuditEntry = { id: 'tamper-test', scope: `study:${STUDY}`, at: '2026-03-02T12:00:00.000Z', actor: `staff:${COORDINATOR}`, action: 'participant.withdrawn', target: `participant:${codes.a}` };
    await log.append(original);
    await log.append({ ...original, actor: 'staff:someone-else@audit.test', after: { forged: true } }).catch(() => undefined);
    const stored = (await log.list(`study:${STUDY}`)).filter((e) => e.id === 'tamper-test');
    expect(stored).toEqual([original]);
  });
});
