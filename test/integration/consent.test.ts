import { beforeAll, describe, expect, it } from 'vitest';
import { consentTextHash } from '../../functions/core/consent/consent-text';
import type { Study } from '../../functions/core/study/study';
import { demoStudy } from '../../functions/demo/demo-study';
import { runDispatch } from '../../functions/use-cases/dispatch';
import { pdfText } from '../helpers/pdf-text';
import { createTestContext, linkToken, type TestContext } from '../helpers/test-context';

const textV1 = '# Information and consent\n\nYou are invited to take part in **a study of pain**.\n\n- Taking part is voluntary.\n- You may stop at any time.\n';
const textV1fr = '# Information et consentement\n\nVous êtes invité·e à participer à **une étude sur la douleur**.\n\n- La participation est volontaire.\n';
const textV2 = `${textV1}- Your answers may be shared with other researchers, without your name.\n`;
const consentStudy: Study = { ...demoStudy, id: 'consented', consent: { version: '1', text: { en: textV1, fr: textV1fr } } };

const answers = {
  PHQ9_1: 1, PHQ9_2: 2, PHQ9_3: 1, PHQ9_4: 1, PHQ9_5: 0, PHQ9_6: 1, PHQ9_7: 2, PHQ9_8: 0, PHQ9_9: 0, PHQ9_10: 1,
  GAD7_1: 1, GAD7_2: 1, GAD7_3: 0, GAD7_4: 0, GAD7_5: 2, GAD7_6: 1, GAD7_7: 0, PEG_1: 7, PEG_2: 5, PEG_3: 6,
};

describe('e-consent at the questionnaire link', () => {
  let t: TestContext;
  let participant: { code: string; email: string; token: string };
  beforeAll(async () => {
    t = await createTestContext({ now: '2026-03-02T10:00:00.000Z', study: consentStudy });
    await t.deps.consents.publishVersion({ studyId: 'consented', version: '1', text: consentStudy.consent!.text, hashes: { en: consentTextHash(textV1), fr: consentTextHash(textV1fr) }, publishedAt: '2026-03-01T00:00:00.000Z' });
    participant = await t.invite('mbpm');
  });
  const view = async (token = participant.token) => (await (await t.request('GET', `/api/p/${token}`)).json()) as { status: string; consentRequired: boolean; consent?: { version: string; language: string; text: string; textHash: string }; instruments: unknown[]; answers: object };
  const consent = (body: unknown, token = participant.token) => t.request('POST', '/api/p/consent', { body, link: token });

  it('opens on the consent text in their language, with no questionnaire, until they consent', async () => {
    const shown = await view();
    expect(shown).toMatchObject({ status: 'open', consentRequired: true, instruments: [], answers: {} });
    expect(shown.consent).toEqual({ version: '1', language: 'en', text: textV1, textHash: consentTextHash(textV1) });
  });

  it('refuses saving or submitting answers before consent (403), and stores nothing', async () => {
    expect((await t.request('PUT', `/api/p/${participant.token}/answers`, { body: { answers: { PHQ9_1: 1 } } })).status).toBe(403);
    expect((await t.request('POST', `/api/p/${participant.token}/submit`, { body: { answers } })).status).toBe(403);
    expect((await t.deps.instances.get('consented', participant.code, 'baseline'))?.answers).toBeUndefined();
  });

  it('refuses a consent without a name or without agree: true (400), and one given to a text that has since changed (409)', async () => {
    expect((await consent({ name: '', agree: true })).status).toBe(400);
    const notAgreed = await consent({ name: 'Ada Lovelace', agree: false });
    expect(notAgreed.status).toBe(400);
    expect(((await notAgreed.json()) as { error: { field: string } }).error.field).toBe('agree');
    expect((await consent({ name: 'Ada Lovelace', agree: true, textHash: consentTextHash('another text') })).status).toBe(409);
    expect(await t.deps.consents.listRecords('consented', participant.code)).toEqual([]);
  });

  it('records version, the SHA-256 of the exact text shown, time and language; keeps the typed name with the contact details only; then the battery opens', async () => {
    const response = await consent({ name: 'Ada Lovelace', agree: true, textHash: consentTextHash(textV1) });
    expect(response.status).toBe(200);
    expect(await response.json()).toEqual({ consented: true, version: '1', at: '2026-03-02T10:00:00.000Z' });
    expect(await t.deps.consents.listRecords('consented', participant.code)).toEqual([
      { studyId: 'consented', code: participant.code, version: '1', language: 'en', textHash: consentTextHash(textV1), name: 'Ada Lovelace', agreedAt: '2026-03-02T10:00:00.000Z', via: 'link' },
    ]);
    expect((await t.deps.participants.get('consented', participant.code))?.consent).toEqual({ version: '1', language: 'en', textHash: consentTextHash(textV1), at: '2026-03-02T10:00:00.000Z' });
    expect(JSON.stringify(await t.scan('research'))).not.toContain('Lovelace');
    const after = await view();
    expect(after.consentRequired).toBe(false);
    expect(after.instruments.length).toBe(3);
    // A repeat is the same answer, not a second record.
    expect((await consent({ name: 'Someone Else', agree: true })).status).toBe(200);
    expect(await t.deps.consents.listRecords('consented', participant.code)).toHaveLength(1);
    expect((await t.request('POST', `/api/p/${participant.token}/submit`, { body: { answers } })).status).toBe(200);
  });

  it('emails the participant a copy with the signed PDF attached, once', async () => {
    await runDispatch(t.deps);
    await runDispatch(t.deps);
    const copies = (await t.inbox(participant.email)).filter((e) => /your consent/.test(e.subject));
    expect(copies).toHaveLength(1);
    const attachment = (copies[0] as unknown as { attachments: Array<{ filename: string; contentType: string; content: string }> }).attachments[0]!;
    expect(attachment).toMatchObject({ filename: `consented-${participant.code}-consent-v1.pdf`, contentType: 'application/pdf' });
    const pdf = await pdfText(Buffer.from(attachment.content, 'base64'));
    expect(pdf.text).toContain('Ada Lovelace');
    expect(pdf.text).toContain(consentTextHash(textV1));
    expect(pdf.text).toContain('You are invited to take part in a study of pain.');
  });

  it('lets coordinators download the signed record as a PDF (audited); analysts get 403', async () => {
    const path = `/api/studies/consented/participants/${participant.code}/consent`;
    const response = await t.request('GET', path, { token: await t.coordinator() });
    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toBe('application/pdf');
    const pdf = await pdfText(new Uint8Array(await response.arrayBuffer()));
    expect(pdf.text).toContain('Record of consent');
    expect(pdf.text).toContain('Ada Lovelace');
    expect(pdf.text).toContain(consentTextHash(textV1));
    expect(pdf.title).toContain(participant.code);
    expect((await t.deps.audit.list('study:consented')).some((e) => e.action === 'consent.downloaded' && e.target === `participant:${participant.code}`)).toBe(true);
    const analyst = await t.signIn({ email: 'analyst@consent.test', role: 'analyst', studies: ['consented'] });
    expect((await t.request('GET', path, { token: analyst })).status).toBe(403);
    expect((await t.request('GET', `${path}?version=9`, { token: await t.coordinator() })).status).toBe(404);
  });

  it('asks again at the next link when a new version is published; a changed text under the same version is refused', async () => {
    const coordinator = await t.coordinator();
    const sameVersion = await t.request('PUT', '/api/studies/consented/settings', { token: coordinator, body: { consent: { version: '1', text: { en: textV2 } } } });
    expect(sameVersion.status).toBe(400);
    expect(((await sameVersion.json()) as { error: { field: string } }).error.field).toBe('consent.version');
    expect((await t.request('PUT', '/api/studies/consented/settings', { token: coordinator, body: { consent: { version: '2', text: { en: textV2 } } } })).status).toBe(200);
    // Version "1" cannot come back with another text: signed records refer to it.
    expect((await t.request('PUT', '/api/studies/consented/settings', { token: coordinator, body: { consent: { version: '1', text: { en: textV2 } } } })).status).toBe(409);

    // The first participant consented to version 1: their completed baseline link asks nothing more…
    expect(await view()).toMatchObject({ status: 'completed', consentRequired: false });
    // …and their next link (week 8, emailed when it opens) asks for version 2 first.
    const week8 = t.deps.secrets.token();
    await t.deps.links.put(t.deps.secrets.hash(week8), { studyId: 'consented', code: participant.code, timepoint: 'week8', createdAt: '2026-03-02T10:00:00.000Z' });
    expect(await view(week8)).toMatchObject({ status: 'not_yet_open', consentRequired: true, consent: { version: '2', text: textV2 } });

    const next = await t.invite('waitlist');
    expect((await view(next.token)).consent?.version).toBe('2');
    expect((await consent({ name: 'Grace Hopper', agree: true }, next.token)).status).toBe(200);
    expect((await t.deps.consents.listRecords('consented', next.code)).map((r) => [r.version, r.textHash])).toEqual([['2', consentTextHash(textV2)]]);
  });

  it('shows a French participant the French text (and records that language)', async () => {
    const email = t.uniqueEmail('fr');
    const enrolled = await t.request('POST', '/api/studies/consented/participants', { token: await t.coordinator(), body: { email, arm: 'mbpm', language: 'fr' } });
    expect(enrolled.status).toBe(201);
    await runDispatch(t.deps);
    const token = linkToken((await t.inbox(email))[0])!;
    // Version 2 has only English: a French participant is shown the English text, and it is recorded as English.
    expect((await view(token)).consent).toMatchObject({ version: '2', language: 'en' });
    await t.request('PUT', '/api/studies/consented/settings', { token: await t.coordinator(), body: { consent: { version: '3', text: { en: textV2, fr: textV1fr } } } });
    expect((await view(token)).consent).toMatchObject({ version: '3', language: 'fr', text: textV1fr });
    await consent({ name: 'Zoé Dupont', agree: true }, token);
    const { code } = (await t.deps.participants.list('consented')).find((p) => p.language === 'fr')!;
    expect((await t.deps.consents.getRecord('consented', code, '3'))?.language).toBe('fr');
  });

  it('lets the participant withdraw their consent from the link: a withdrawal with their reason, and every link they had stops working', async () => {
    const other = await t.invite('mbpm');
    const response = await t.request('POST', '/api/p/withdraw', { body: { reason: 'no longer have the time' }, link: other.token });
    expect(response.status).toBe(200);
    expect(await t.deps.participants.get('consented', other.code)).toMatchObject({
      status: 'withdrawn',
      withdrawal: { by: 'participant', consentWithdrawn: true, reason: 'no longer have the time', at: '2026-03-02T10:00:00.000Z' },
    });
    // Like any withdrawal, it revokes their links: the page says this one is closed.
    expect((await t.request('GET', `/api/p/${other.token}`)).status).toBe(410);
    expect((await t.deps.audit.list('study:consented')).find((e) => e.action === 'participant.withdrawn' && e.target === `participant:${other.code}`)?.after).toMatchObject({ consentWithdrawn: true });
  });
});
