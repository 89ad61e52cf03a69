import { beforeAll, describe, expect, it } from 'vitest';
import { findInstrument } from '../../functions/adapters/bundled-catalogue/bundled-catalogue';
import { aygunStudy } from '../../functions/demo/demo-study';
import { runDispatch } from '../../functions/use-cases/dispatch';
import { completeAnswers, fakeLicensedText } from '../helpers/licensed-fixtures';
import { createTestContext, type TestContext } from '../helpers/test-context';

let t: TestContext;
beforeAll(async () => {
  t = await createTestContext({ now: '2026-03-02T10:00:00.000Z', study: aygunStudy });
});

const battery = () => aygunStudy.protocol.timepoints[0]!.instruments.map(({ id, version }) => findInstrument(id, version)!);

/**
 * A link to a battery whose wording is missing. The dispatcher never emails one (the invitation is
 * held), so this is a link issued before: e.g. sent under an earlier protocol version.
 */
const linkWithoutWording = async () => {
  const { code, email } = await t.enrol({ arm: 'mbpm' }, 'unready');
  await runDispatch(t.deps);
  expect(await t.inbox(email)).toEqual([]);
  const token = t.deps.secrets.token();
  await t.deps.links.put(t.deps.secrets.hash(token), { studyId: 'aygun2024', code, timepoint: 'baseline', createdAt: t.clock.now().toISOString() });
  return token;
};

describe("the motivating trial's licensed battery", () => {
  it('says the licensed text is not installed, shows no form, and refuses answers until it is', async () => {
    const token = await linkWithoutWording();
    const view = (await (await t.request('GET', `/api/p/${token}`)).json()) as Record<string, unknown>;
    expect(view).toMatchObject({ status: 'licensed_text_missing', instruments: [], answers: {} });
    expect(view.missingText).toEqual(['promis29@2.0', 'sfmpq@1.0', 'pam13@1.0', 'pcs@1.0', 'bdi2@1.0', 'maia1@1.0', 'ffmq39@1.0']);
    const submit = await t.request('POST', `/api/p/${token}/submit`, { body: { answers: completeAnswers(battery().map((i) => i.scoring)) } });
    expect(submit.status).toBe(409);
    expect(((await submit.json()) as { error: { message: string } }).error.message).toMatch(/licensed wording of promis29, sfmpq, pam13, pcs, bdi2, maia1, ffmq39 is not installed/);
  });

  it('once the wording is loaded, shows it and scores every instrument, PAM-13 waiting for its plug-in', async () => {
    for (const instrument of battery()) await t.deps.licensedTexts.put(fakeLicensedText(instrument.scoring));
    const { token, code } = await t.invite();
    const view = (await (await t.request('GET', `/api/p/${token}`)).json()) as { status: string; instruments: Array<{ id: string; survey: unknown }> };
    expect(view.status).toBe('open');
    expect(view.instruments.map((i) => i.id)).toEqual(['promis29', 'sfmpq', 'pam13', 'pcs', 'bdi2', 'maia1', 'ffmq39']);
    expect(JSON.stringify(view.instruments[0]!.survey)).toContain('Licensed question PFA11');

    const answers = completeAnswers(battery().map((i) => i.scoring));
    const response = await t.request('POST', `/api/p/${token}/submit`, { body: { answers } });
    expect(response.status).toBe(200);
    const instance = await t.deps.instances.get('aygun2024', code, 'baseline');
    const scores = Object.fromEntries(instance!.scores!.map((s) => [s.instrument, s]));
    // Each item took its first listed code; physical function lists 5 ("without any difficulty") first:
    // 5 × 4 = raw 20 → T 57.0, SE 6.6 in the v2.0 table.
    expect(scores.promis29!.scales.physical_function).toMatchObject({ raw: 20, value: 57.0, se: 6.6, status: 'complete' });
    expect(scores.pam13!.scales.activation).toMatchObject({ status: 'not_scored', reason: 'licensed scoring plug-in "pam13" is not installed' });
    expect(scores.bdi2!.scales.total).toMatchObject({ value: 0, band: 'minimal', status: 'complete' });
  });
});
