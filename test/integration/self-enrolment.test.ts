import { beforeAll, describe, expect, it } from 'vitest';
import { consentTextHash } from '../../functions/core/consent/consent-text';
import { JOIN_ACCEPTED, JOIN_PER_ADDRESS } from '../../functions/use-cases/self-enrol';
import { consentText, joinStudy } from '../helpers/allocation-study';
import { createTestContext, type TestContext } from '../helpers/test-context';

const eligible = { chronic_pain: true, age: 42, site: 'lyon' };
const verifyToken = (text: string | undefined) => /#verify=([A-Za-z0-9_-]+)/.exec(text ?? '')?.[1];

describe('self-enrolment through the public join link', () => {
  let t: TestContext;
  beforeAll(async () => {
    t = await createTestContext({ now: '2026-03-02T10:00:00.000Z', study: joinStudy() });
    await t.deps.consents.publishVersion({ studyId: 'open-rct', version: '1', text: { en: consentText }, hashes: { en: consentTextHash(consentText) }, publishedAt: '2026-03-01T00:00:00.000Z' });
  });
  const join = (body: unknown) => t.request('POST', '/api/join/open-rct', { body });

  it('serves the screener and its eligibility rule; a study without an open link is 404', async () => {
    const page = await t.request('GET', '/api/join/open-rct');
    expect(page.status).toBe(200);
    expect(await page.json()).toMatchObject({ study: { id: 'open-rct' }, eligibility: '{chronic_pain} = true and {age} >= 18', consent: true });
    expect((await t.request('GET', '/api/join/demo')).status).toBe(404);
    expect((await t.request('GET', '/api/join/no-such-study')).status).toBe(404);
  });

  it('answers everyone 202 with the same body: the ineligible leave only a count, no address', async () => {
    const email = t.uniqueEmail('ineligible');
    const response = await join({ email, language: 'en', answers: { chronic_pain: false, age: 42, site: 'paris' } });
    expect(response.status).toBe(202);
    expect(await response.json()).toEqual(JOIN_ACCEPTED);
    expect(await t.inbox(email)).toEqual([]);
    expect(await t.deps.joins.counts('open-rct')).toEqual({ eligible: 0, ineligible: 1 });
    expect(JSON.stringify([...(await t.scan('contacts')), ...(await t.scan('research'))])).not.toContain(email);
  });

  it('refuses screener answers the form does not allow (400 naming the answer), and an eligible request without an address', async () => {
    const missing = await join({ language: 'en', answers: { chronic_pain: true, site: 'lyon' } });
    expect(missing.status).toBe(400);
    expect(((await missing.json()) as { error: { field: string } }).error.field).toBe('answers.age');
    const unknown = await join({ language: 'en', answers: { ...eligible, shoe_size: 44 } });
    expect(((await unknown.json()) as { error: { field: string } }).error.field).toBe('answers.shoe_size');
    const noEmail = await join({ language: 'en', answers: eligible });
    expect(((await noEmail.json()) as { error: { field: string } }).error.field).toBe('email');
  });

  it('walks verify → consent → allocation → a link to the baseline, and a repeat of the last step enrols nobody twice', async () => {
    const email = t.uniqueEmail('joiner');
    const response = await join({ email, language: 'en', timezone: 'Europe/Paris', answers: eligible });
    expect(await response.json()).toEqual(JOIN_ACCEPTED);
    const [mail] = await t.inbox(email);
    expect(mail!.subject).toMatch(/confirm your email address/);
    const token = verifyToken(mail!.body.text)!;
    expect(token).toBeDefined();

    const verified = await t.request('POST', '/api/join/open-rct/verify', { body: { token } });
    expect(verified.status).toBe(200);
    const { consent } = (await verified.json()) as { consent: { version: string; text: string; textHash: string } };
    expect(consent).toEqual({ version: '1', language: 'en', text: consentText, textHash: consentTextHash(consentText) });

    expect((await t.request('POST', '/api/join/open-rct/enrol', { body: { token } })).status).toBe(400);
    const enrolled = await t.request('POST', '/api/join/open-rct/enrol', { body: { token, consent: { name: 'Mary Shelley', agree: true, textHash: consent.textHash } } });
    expect(enrolled.status).toBe(200);
    const result = (await enrolled.json()) as { link: string };
    expect(result.link).toMatch(/^https:\/\/timepoint\.test\/p\/#[\w-]{43}$/);

    const [participant] = (await t.deps.participants.list('open-rct')).filter((p) => p.enrolledVia === 'join');
    expect(participant).toMatchObject({ timezone: 'Europe/Paris', strata: { site: 'lyon' }, allocation: { sequence: 1, stratum: 'site=lyon', method: 'minimisation' }, consent: { version: '1', textHash: consentTextHash(consentText) }, screening: eligible });
    expect(await t.deps.consents.getRecord('open-rct', participant!.code, '1')).toMatchObject({ name: 'Mary Shelley', via: 'join' });
    // The address is kept as the participant's contact only: the request lets go of it.
    expect(await t.deps.contacts.get('open-rct', participant!.code)).toMatchObject({ email });
    expect(JSON.stringify((await t.scan('contacts')).filter((i) => String(i.pk).startsWith('JOIN#')))).not.toContain(email);

    // The link opens the baseline at once: consent is already given.
    const view = (await (await t.request('GET', `/api/p/${result.link.split('/p/#')[1]}`)).json()) as { status: string; consentRequired: boolean; instruments: unknown[] };
    expect(view).toMatchObject({ status: 'open', consentRequired: false });
    expect(view.instruments.length).toBeGreaterThan(0);

    const again = await t.request('POST', '/api/join/open-rct/enrol', { body: { token, consent: { name: 'Mary Shelley', agree: true } } });
    expect(again.status).toBe(200);
    expect((await t.deps.participants.list('open-rct')).filter((p) => p.enrolledVia === 'join')).toHaveLength(1);
    expect(await t.deps.allocations.list('open-rct')).toHaveLength(1);
    expect(await t.deps.joins.counts('open-rct')).toMatchObject({ eligible: 1 });
  });

  it('tells an address already taking part only by email, with the same 202', async () => {
    const [participant] = (await t.deps.participants.list('open-rct')).filter((p) => p.enrolledVia === 'join');
    const { email } = (await t.deps.contacts.get('open-rct', participant!.code))!;
    const before = (await t.inbox(email)).length;
    expect(await (await join({ email, language: 'en', answers: eligible })).json()).toEqual(JOIN_ACCEPTED);
    const mails = (await t.inbox(email)).slice(before);
    expect(mails.map((m) => m.subject)).toEqual([expect.stringMatching(/already taking part/)]);
    expect(verifyToken(mails[0]!.body.text)).toBeUndefined();
  });

  it(`sends one address at most ${JOIN_PER_ADDRESS} emails an hour, still answering 202; and answers one client 429 after 20 requests`, async () => {
    const email = t.uniqueEmail('flooded');
    for (let i = 0; i < JOIN_PER_ADDRESS + 2; i++) expect((await join({ email, language: 'en', answers: eligible })).status).toBe(202);
    expect(await t.inbox(email)).toHaveLength(JOIN_PER_ADDRESS);
    let status = 202;
    for (let i = 0; i < 25 && status === 202; i++) status = (await join({ language: 'en', answers: { chronic_pain: false, age: 30, site: 'paris' } })).status;
    expect(status).toBe(429);
  });

  it('refuses an unknown or expired verification link', async () => {
    const fresh = await createTestContext({ now: '2026-03-02T10:00:00.000Z', study: joinStudy('open-rct2') });
    const email = fresh.uniqueEmail('late');
    await fresh.request('POST', '/api/join/open-rct2', { body: { email, language: 'en', answers: eligible } });
    const token = verifyToken((await fresh.inbox(email))[0]!.body.text)!;
    expect((await fresh.request('POST', '/api/join/open-rct2/verify', { body: { token: 'x'.repeat(43) } })).status).toBe(404);
    fresh.clock.advance(25 * 3_600_000);
    expect((await fresh.request('POST', '/api/join/open-rct2/verify', { body: { token } })).status).toBe(410);
  });
});
