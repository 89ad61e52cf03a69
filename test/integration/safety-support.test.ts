import { beforeAll, describe, expect, it } from 'vitest';
import { defaultSupportText } from '../../functions/core/safety/support-text';
import { runDispatch } from '../../functions/use-cases/dispatch';
import { createTestContext, linkToken, type TestContext } from '../helpers/test-context';
import { json, phq9Answers, testStudy, timepoint } from '../helpers/test-studies';

const study = testStudy('support', [timepoint({ id: 'baseline', label: 'Baseline', arms: ['mbpm', 'waitlist', 'healthy'] })]);

let t: TestContext;
let token: string;
beforeAll(async () => {
  t = await createTestContext({ study, storage: 'memory' });
  token = await t.coordinator();
});

/** Enrols a participant in a language, runs the dispatcher and returns their link token. */
const invited = async (language: 'en' | 'fr') => {
  const email = t.uniqueEmail(`support-${language}`);
  expect((await t.request('POST', '/api/studies/support/participants', { token, body: { email, arm: 'mbpm', language } })).status).toBe(201);
  await runDispatch(t.deps);
  return linkToken((await t.inbox(email)).at(-1))!;
};
const submit = async (link: string, answers: Record<string, number>) => {
  const response = await t.request('POST', `/api/p/${link}/submit`, { body: { answers } });
  expect(response.status).toBe(200);
  return json(response);
};

describe('support for a participant whose answers raise an urgent flag', () => {
  it('comes back with the submission, in the participant’s language, by default telling them to call emergency services or their clinician', async () => {
    const en = await submit(await invited('en'), phq9Answers(12, 1));
    expect(en.support).toEqual({ text: defaultSupportText.en });
    expect(en.support.text).toMatch(/emergency number/);
    expect(en.support.text).toMatch(/doctor or the clinician/);
    const fr = await submit(await invited('fr'), phq9Answers(12, 2));
    expect(fr.support).toEqual({ text: defaultSupportText.fr });
    expect(fr.support.text).toMatch(/numéro d’urgence/);
  });

  it('is not there when no answer is urgent', async () => {
    const result = await submit(await invited('en'), phq9Answers(12, 0));
    expect(result).toEqual({ status: 'completed', completedAt: expect.any(String) });
  });

  it('is the study’s own text once the coordinator sets it, per language; a language left out keeps the default', async () => {
    const own = 'Call the Samaritans on 116 123 (free, day or night), or 999 in an emergency. Our study nurse, on 020 7946 0000, will also call you.';
    const saved = await t.request('PUT', '/api/studies/support/settings', { token, body: { support: { en: own } } });
    expect(saved.status).toBe(200);
    expect((await json(saved)).study.support).toEqual({ en: own });
    expect((await submit(await invited('en'), phq9Answers(9, 1))).support).toEqual({ text: own });
    expect((await submit(await invited('fr'), phq9Answers(9, 1))).support).toEqual({ text: defaultSupportText.fr });
  });

  it('refuses an empty or unknown-language support text, naming the field', async () => {
    for (const [support, field, words] of [[{ en: '  ' }, 'support.en', ''], [{ de: 'Hilfe' }, 'support', 'de']] as const) {
      const response = await t.request('PUT', '/api/studies/support/settings', { token, body: { support } });
      expect(response.status).toBe(400);
      const { error } = await json(response);
      expect(error.field).toBe(field);
      expect(error.message).toContain(words);
    }
    expect((await t.deps.studies.get('support'))?.support).toEqual({ en: expect.stringContaining('Samaritans') });
  });

  it('is the same on a repeated submission (a retry after a lost answer)', async () => {
    const link = await invited('en');
    const answers = phq9Answers(10, 3);
    const first = await submit(link, answers);
    expect(await submit(link, answers)).toEqual(first);
  });
});
