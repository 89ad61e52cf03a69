import { beforeAll, describe, expect, it } from 'vitest';
import { runDispatch } from '../../functions/use-cases/dispatch';
import { createTestContext, linkToken, type TestContext } from '../helpers/test-context';
import { fakeLicensedText } from '../helpers/licensed-fixtures';
import { json, testStudy, timepoint } from '../helpers/test-studies';

/** Baseline asks for the BDI-II, whose wording is licensed and not installed here. */
const study = testStudy('licensed', [
  timepoint({ id: 'baseline', label: 'Baseline', arms: ['mbpm', 'waitlist', 'healthy'], instruments: [{ id: 'phq9', version: '1.0' }, { id: 'bdi2', version: '1.0' }] }),
  timepoint({ id: 'week8', label: 'Week 8', offsetDays: 56, arms: ['mbpm', 'waitlist'] }),
]);

let t: TestContext;
let token: string;
beforeAll(async () => {
  t = await createTestContext({ study, now: '2026-03-02T10:00:00.000Z' });
  token = await t.coordinator();
});

const enrol = async (label: string) => {
  const email = t.uniqueEmail(label);
  const response = await t.request('POST', '/api/studies/licensed/participants', { token, body: { email, arm: 'mbpm' } });
  expect(response.status).toBe(201);
  return { email, ...((await json(response)) as { code: string; warnings: string[] }) };
};
const invitation = async (code: string) => (await t.deps.messages.listForParticipant('licensed', code)).find((m) => m.timepoint === 'baseline' && m.kind === 'invitation')!;

describe('invitations to questionnaires whose licensed wording is not installed', () => {
  it('are warned about at enrolment, naming the instrument', async () => {
    const { warnings } = await enrol('warned');
    expect(warnings).toEqual([expect.stringContaining('The licensed wording of bdi2@1.0 is not installed')]);
  });

  it('are held, never emailed, and the schedule says so naming the instrument', async () => {
    const participant = await enrol('held');
    const report = await runDispatch(t.deps);
    expect(report.held).toBeGreaterThan(0);
    expect(await t.inbox(participant.email)).toEqual([]);
    const schedule = await json((await t.request('GET', `/api/studies/licensed/participants/${participant.code}/schedule`, { token })));
    const held = schedule.messages.find((m: { timepoint: string; kind: string }) => m.timepoint === 'baseline' && m.kind === 'invitation');
    expect(held).toMatchObject({ status: 'held', reason: expect.stringContaining('bdi2@1.0') });
    // Its questionnaire has not opened: no link exists to a page that cannot be completed.
    expect(schedule.instances.find((i: { timepoint: string }) => i.timepoint === 'baseline').status).toBe('scheduled');
  });

  it('are listed on the dashboard with the missing wording', async () => {
    const dashboard = await json((await t.request('GET', '/api/studies/licensed/dashboard', { token })));
    expect(dashboard.wordingMissing).toEqual([{ instrument: 'bdi2@1.0', timepoints: ['baseline'] }]);
    expect(dashboard.held.length).toBeGreaterThan(0);
    expect(dashboard.held[0]).toMatchObject({ timepoint: 'baseline', kind: 'invitation', reason: expect.stringContaining('bdi2@1.0') });
  });

  it('stay held while the wording is missing, however often the dispatcher runs', async () => {
    const participant = await enrol('still-held');
    await runDispatch(t.deps);
    t.clock.set('2026-03-02T10:30:00.000Z');
    await runDispatch(t.deps);
    expect(await t.inbox(participant.email)).toEqual([]);
    expect(await invitation(participant.code)).toMatchObject({ status: 'held', attempts: 0 });
  });

  it('go out once the wording is loaded while the window is still open, and the link then works', async () => {
    const participant = await enrol('released');
    await runDispatch(t.deps);
    expect((await invitation(participant.code)).status).toBe('held');
    await t.deps.licensedTexts.put(fakeLicensedText((await t.deps.catalogue.find('bdi2', '1.0'))!.scoring));
    t.clock.set(new Date(t.clock.now().getTime() + t.deps.dispatch.heldRecheckMs).toISOString());
    await runDispatch(t.deps);
    const mails = await t.inbox(participant.email);
    expect(mails).toHaveLength(1);
    const link = await json((await t.request('GET', `/api/p/${linkToken(mails[0])}`)));
    expect(link.status).toBe('open');
    expect(link.instruments.map((i: { id: string }) => i.id)).toEqual(['phq9', 'bdi2']);
    expect(await invitation(participant.code)).toMatchObject({ status: 'sent' });
  });
});

describe('a held invitation whose window closes before the wording arrives', () => {
  it('is never sent, and says why', async () => {
    const u = await createTestContext({ study: { ...study, id: 'closing' }, now: '2026-03-02T10:00:00.000Z' });
    const participant = await u.enrol({ arm: 'mbpm' }, 'closing');
    await runDispatch(u.deps);
    u.clock.set('2026-03-10T10:00:00.000Z');
    await u.deps.licensedTexts.put(fakeLicensedText((await u.deps.catalogue.find('bdi2', '1.0'))!.scoring));
    await runDispatch(u.deps);
    expect(await u.inbox(participant.email)).toEqual([]);
    const message = (await u.deps.messages.listForParticipant('closing', participant.code)).find((m) => m.timepoint === 'baseline' && m.kind === 'invitation');
    expect(message).toMatchObject({ status: 'skipped' });
    expect(message?.reason).toMatch(/window closed|instance expired/);
  });
});
