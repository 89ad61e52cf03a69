import { beforeAll, describe, expect, it } from 'vitest';
import { createTestContext, type TestContext } from '../helpers/test-context';

let t: TestContext;
let coordinator: string;
beforeAll(async () => {
  t = await createTestContext();
  coordinator = await t.signIn({ email: 'coordinator@staff.test', role: 'coordinator', studies: ['demo'] });
});

const enrol = (body: unknown) => t.request('POST', '/api/studies/demo/participants', { token: coordinator, body });

describe('enrolling a participant', () => {
  it('returns a pseudonymous code and keeps the email out of the research data', async () => {
    const email = t.uniqueEmail('enrol');
    const response = await enrol({ email, arm: 'mbpm', timezone: 'America/Chicago' });
    expect(response.status).toBe(201);
    const { code } = (await response.json()) as { code: string };
    expect(code).toMatch(/^P-\d{4}$/);

    const participant = await t.deps.participants.get('demo', code);
    expect(participant).toMatchObject({ arm: 'mbpm', timezone: 'America/Chicago', status: 'active', protocolVersion: 1 });
    expect(JSON.stringify(await t.scan('research'))).not.toContain(email);
    expect((await t.deps.contacts.get('demo', code))?.email).toBe(email);
  });

  it("defaults the time zone to the study's", async () => {
    const { code } = (await (await enrol({ email: t.uniqueEmail('tz'), arm: 'waitlist' })).json()) as { code: string };
    expect((await t.deps.participants.get('demo', code))?.timezone).toBe('Europe/London');
  });

  it('plans the schedule at once: baseline for every arm, week 8 not for healthy controls', async () => {
    const healthy = (await (await enrol({ email: t.uniqueEmail('h'), arm: 'healthy' })).json()) as { code: string };
    const course = (await (await enrol({ email: t.uniqueEmail('c'), arm: 'mbpm' })).json()) as { code: string };
    expect((await t.deps.instances.listForParticipant('demo', healthy.code)).map((i) => i.timepoint)).toEqual(['baseline']);
    expect((await t.deps.instances.listForParticipant('demo', course.code)).map((i) => i.timepoint).sort()).toEqual(['baseline', 'week8']);
    expect(await t.deps.messages.listForParticipant('demo', course.code)).toHaveLength(6);
  });

  it.each([
    [{ arm: 'mbpm' }, 'email'],
    [{ email: 'nope', arm: 'mbpm' }, 'email'],
    [{ email: 'x@y.test', arm: 'placebo' }, 'arm'],
    [{ email: 'x@y.test', arm: 'mbpm', timezone: 'Mars/Olympus' }, 'timezone'],
    [{ email: 'x@y.test', arm: 'mbpm', timezone: '+01:00' }, 'timezone'],
    [{ email: 'x@y.test', arm: 'mbpm', code: 'P 1#' }, 'code'],
  ])('refuses %j with a 400 naming %s, writing nothing', async (body, field) => {
    const before = await t.scan('research');
    const beforeContacts = await t.scan('contacts');
    const response = await enrol(body);
    expect(response.status).toBe(400);
    const json = (await response.json()) as { error: { field: string; message: string } };
    expect(json.error.field).toBe(field);
    expect(json.error.message).toMatch(new RegExp(`^${field}:`));
    // Audit entries of sign-ins aside, nothing changes.
    expect(await t.scan('research')).toEqual(before);
    expect(await t.scan('contacts')).toEqual(beforeContacts);
  });

  it('refuses a malformed JSON body with a 400', async () => {
    const response = await t.request('POST', '/api/studies/demo/participants', { token: coordinator, raw: '{"email":' });
    expect(response.status).toBe(400);
    expect(await response.json()).toMatchObject({ error: { field: 'body' } });
  });

  it('refuses the same email twice in a study (409), whatever its case', async () => {
    const email = t.uniqueEmail('dup');
    expect((await enrol({ email, arm: 'mbpm' })).status).toBe(201);
    const participantsBefore = (await t.deps.participants.list('demo')).length;
    const again = await enrol({ email: email.toUpperCase(), arm: 'waitlist' });
    expect(again.status).toBe(409);
    expect(await again.json()).toMatchObject({ error: { code: 'conflict', field: 'email' } });
    expect(await t.deps.participants.list('demo')).toHaveLength(participantsBefore);
  });

  it('burns no participant code on a refused duplicate: the next enrolment gets the next code', async () => {
    const email = t.uniqueEmail('dup-code');
    const first = (await (await enrol({ email, arm: 'mbpm' })).json()) as { code: string };
    expect((await enrol({ email, arm: 'mbpm' })).status).toBe(409);
    const next = (await (await enrol({ email: t.uniqueEmail('after-dup'), arm: 'mbpm' })).json()) as { code: string };
    const number = (code: string) => Number(code.replace(/\D/g, ''));
    expect(number(next.code)).toBe(number(first.code) + 1);
  });

  it('refuses a code that is already taken (409) and frees the email for a retry', async () => {
    const email = t.uniqueEmail('code');
    expect((await enrol({ email: t.uniqueEmail('first'), arm: 'mbpm', code: 'SITE1-001' })).status).toBe(201);
    expect((await enrol({ email, arm: 'mbpm', code: 'SITE1-001' })).status).toBe(409);
    expect((await enrol({ email, arm: 'mbpm', code: 'SITE1-002' })).status).toBe(201);
  });

  it('skips counter codes a coordinator already chose by hand', async () => {
    const next = await t.deps.participants.allocateCode('demo');
    const taken = `P-${String(Number(next.slice(2)) + 1).padStart(4, '0')}`;
    expect((await enrol({ email: t.uniqueEmail('manual'), arm: 'mbpm', code: taken })).status).toBe(201);
    const { code } = (await (await enrol({ email: t.uniqueEmail('auto'), arm: 'mbpm' })).json()) as { code: string };
    expect(code).not.toBe(taken);
  });

  it('answers 404 for an unknown study and leaves an audit entry for each enrolment', async () => {
    const admin = await t.signIn({ email: 'admin@staff.test', role: 'admin', studies: [] });
    expect((await t.request('POST', '/api/studies/nope/participants', { token: admin, body: { email: 'a@b.test', arm: 'mbpm' } })).status).toBe(404);
    const audit = await t.deps.audit.list('study:demo');
    expect(audit.filter((a) => a.action === 'participant.enrolled').length).toBe((await t.deps.participants.list('demo')).length);
    expect(audit[0]).toMatchObject({ actor: 'staff:coordinator@staff.test' });
  });
});
