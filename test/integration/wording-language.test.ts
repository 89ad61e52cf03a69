import { beforeAll, describe, expect, it } from 'vitest';
import { runDispatch } from '../../functions/use-cases/dispatch';
import { createTestContext, linkToken, type TestContext } from '../helpers/test-context';
import { json, phq9Answers, testStudy, timepoint } from '../helpers/test-studies';
import { catalogueWithFrench } from '../helpers/translated-fixture';

/** PHQ-9 ships (here) a stand-in French translation; PEG-3 ships English only. */
const study = testStudy('languages', [
  timepoint({ id: 'baseline', label: 'Baseline', labels: { fr: 'Inclusion' }, arms: ['mbpm', 'waitlist', 'healthy'], instruments: [{ id: 'phq9', version: '1.0' }, { id: 'peg3', version: '1.0' }] }),
]);

type View = { language: string; timepoint: { label: string }; instruments: Array<{ id: string; language: string; survey: Record<string, unknown> }> };

let t: TestContext;
let token: string;
beforeAll(async () => {
  t = await createTestContext({ study, catalogue: (real) => catalogueWithFrench(real, ['phq9']), storage: 'memory' });
  token = await t.coordinator();
});

const view = async (language: 'en' | 'fr'): Promise<{ body: View; link: string }> => {
  const email = t.uniqueEmail(`lang-${language}`);
  expect((await t.request('POST', '/api/studies/languages/participants', { token, body: { email, arm: 'mbpm', language } })).status).toBe(201);
  await runDispatch(t.deps);
  const link = linkToken((await t.inbox(email)).at(-1))!;
  return { body: (await json((await t.request('GET', `/api/p/${link}`)))) as View, link };
};
const firstTitle = (survey: Record<string, unknown>) => JSON.stringify(survey).match(/"title":"([^"]+)"/)?.[1];

describe('the wording of the questionnaires, in the participant’s language', () => {
  it('is French for a French participant wherever a translation ships, and says which language each form is in', async () => {
    const { body } = await view('fr');
    expect(body.language).toBe('fr');
    expect(body.timepoint.label).toBe('Inclusion');
    const [phq9, peg3] = body.instruments;
    expect(phq9).toMatchObject({ id: 'phq9', language: 'fr' });
    expect(firstTitle(phq9!.survey)).toMatch(/^\[fr\] /);
    // Resolved to plain strings: the page shows one language, never a mix.
    expect(JSON.stringify(phq9!.survey)).not.toContain('"default"');
    expect(peg3).toMatchObject({ id: 'peg3', language: 'en' });
    expect(JSON.stringify(peg3!.survey)).not.toContain('[fr]');
  });

  it('is English for an English participant, translation or not', async () => {
    const { body } = await view('en');
    expect(body.instruments.map((i) => i.language)).toEqual(['en', 'en']);
    expect(JSON.stringify(body.instruments)).not.toContain('[fr]');
  });

  it('is the same in the staff preview in French', async () => {
    const preview = (await json((await t.request('GET', '/api/studies/languages/preview?timepoint=baseline&language=fr', { token })))) as View;
    expect(preview.instruments.map((i) => [i.id, i.language])).toEqual([['phq9', 'fr'], ['peg3', 'en']]);
  });

  it('does not change what is checked and scored: French answers are the same codes', async () => {
    const { link } = await view('fr');
    const response = await t.request('POST', `/api/p/${link}/submit`, { body: { answers: { ...phq9Answers(9), PEG_1: 3, PEG_2: 3, PEG_3: 3 } } });
    expect(response.status).toBe(200);
  });
});
