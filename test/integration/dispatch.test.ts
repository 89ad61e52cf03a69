import { beforeAll, describe, expect, it } from 'vitest';
import { runDispatch } from '../../functions/use-cases/dispatch';
import { createTestContext, linkToken, type TestContext } from '../helpers/test-context';

// Monday 2 March 2026, 10:00 in London (GMT): after 09:00, so the baseline invitation is already due.
const MONDAY_10AM = '2026-03-02T10:00:00.000Z';
let t: TestContext;
beforeAll(async () => {
  t = await createTestContext({ now: MONDAY_10AM });
});

const enrol = (arm = 'mbpm', timezone?: string) => t.enrol({ arm, ...(timezone ? { timezone } : {}) }, 'dispatch');

const message = async (code: string, timepoint: string, kind: string, n: number) =>
  (await t.deps.messages.listForParticipant('demo', code)).find((m) => m.timepoint === timepoint && m.kind === kind && m.n === n)!;

describe('the dispatcher', () => {
  it('sends the baseline invitation from the study sender, in text and HTML, with a personal link', async () => {
    const { email, code } = await enrol();
    await runDispatch(t.deps);
    const mails = await t.inbox(email);
    expect(mails).toHaveLength(1);
    const [mail] = mails;
    expect(mail!.from).toContain('study@example.org');
    expect(mail!.from).toContain('Timepoint demo study');
    expect(mail!.subject).toBe('Mindfulness-Based Pain Management (demo): your Baseline questionnaires');
    expect(mail!.body.html).toContain('Open my questionnaires');
    const token = linkToken(mail);
    // 32 random bytes, base64url: 256 bits.
    expect(token).toMatch(/^[\w-]{43}$/);
    // The token only after "#": browsers never send it to a server, so it reaches no access log.
    expect(mail!.body.text).toContain(`https://timepoint.test/p/#${token}`);
    expect(JSON.stringify(await t.scan('research'))).not.toContain(token);
    expect(await message(code, 'baseline', 'invitation', 0)).toMatchObject({ status: 'sent', providerId: expect.stringMatching(/.+/) });
    expect((await t.deps.instances.get('demo', code, 'baseline'))?.status).toBe('open');
  });

  it('writes to a French-speaking participant in French, dates included, and their link page knows it', async () => {
    const email = t.uniqueEmail('fr');
    await t.request('POST', '/api/studies/demo/participants', { token: await t.coordinator(), body: { email, arm: 'mbpm', language: 'fr', timezone: 'Europe/Paris' } });
    await runDispatch(t.deps);
    const [mail] = await t.inbox(email);
    expect(mail!.subject).toBe('Mindfulness-Based Pain Management (demo) : vos questionnaires (Baseline)');
    expect(mail!.body.text).toContain('Merci de les remplir avant le lundi 9 mars');
    expect(mail!.body.text).toContain('Pour ne plus recevoir de messages de cette étude');
    expect(mail!.body.html).toContain('<html lang="fr">');
    const token = linkToken(mail);
    expect(await (await t.request('GET', `/api/p/${token}`)).json()).toMatchObject({ language: 'fr' });
  });

  it('never sends the same message twice, even when two passes run at once', async () => {
    const { email } = await enrol();
    const reports = await Promise.all([runDispatch(t.deps), runDispatch(t.deps), runDispatch(t.deps)]);
    expect(reports.reduce((n, r) => n + r.sent, 0)).toBeGreaterThanOrEqual(1);
    await runDispatch(t.deps);
    expect(await t.inbox(email)).toHaveLength(1);
  });

  it('sends reminders at 09:00 local on days 2 and 5, and week 8 on day 56 at 09:00 local across the clock change', async () => {
    const { code } = await enrol('waitlist', 'Europe/London');
    const at = async (timepoint: string, kind: string, n: number) => (await message(code, timepoint, kind, n)).sendAt;
    expect(await at('baseline', 'reminder', 1)).toBe('2026-03-04T09:00:00.000Z');
    expect(await at('baseline', 'reminder', 2)).toBe('2026-03-07T09:00:00.000Z');
    // 27 April is in British Summer Time: 09:00 local is 08:00 UTC.
    expect(await at('week8', 'invitation', 0)).toBe('2026-04-27T08:00:00.000Z');
    const week8 = await t.deps.instances.get('demo', code, 'week8');
    expect(week8).toMatchObject({ opensAt: '2026-04-24T08:00:00.000Z', closesAt: '2026-05-04T08:00:00.000Z', status: 'scheduled' });
  });

  it('does not send what is not yet due, and sends each reminder once when it is', async () => {
    const local = await createTestContext({ now: MONDAY_10AM });
    const { email } = await local.invite();
    local.clock.set('2026-03-04T08:59:00.000Z');
    await runDispatch(local.deps);
    expect(await local.inbox(email)).toHaveLength(1);
    local.clock.set('2026-03-04T09:00:30.000Z');
    await runDispatch(local.deps);
    await runDispatch(local.deps);
    const mails = await local.inbox(email);
    expect(mails.map((m) => m.subject)).toEqual([
      'Mindfulness-Based Pain Management (demo): your Baseline questionnaires',
      'Reminder — Mindfulness-Based Pain Management (demo): your Baseline questionnaires',
    ]);
  });

  it('sends no reminder after the participant has completed', async () => {
    const local = await createTestContext({ now: MONDAY_10AM });
    const { email, code, token: link } = await local.invite();
    const answers = { PHQ9_1: 0, PHQ9_2: 0, PHQ9_3: 0, PHQ9_4: 0, PHQ9_5: 0, PHQ9_6: 0, PHQ9_7: 0, PHQ9_8: 0, PHQ9_9: 0, GAD7_1: 0, GAD7_2: 0, GAD7_3: 0, GAD7_4: 0, GAD7_5: 0, GAD7_6: 0, GAD7_7: 0, PEG_1: 1, PEG_2: 1, PEG_3: 1 };
    expect((await local.request('POST', `/api/p/${link}/submit`, { body: { answers } })).status).toBe(200);
    local.clock.set('2026-03-08T12:00:00.000Z');
    const report = await runDispatch(local.deps);
    expect(report.sent).toBe(0);
    expect(await local.inbox(email)).toHaveLength(1);
    const reminders = (await local.deps.messages.listForParticipant('demo', code)).filter((m) => m.timepoint === 'baseline' && m.kind === 'reminder');
    // The completion's follow-up cancels them before they are ever due.
    expect(reminders.map((m) => [m.status, m.reason])).toEqual([
      ['cancelled', 'instance completed'],
      ['cancelled', 'instance completed'],
    ]);
  });

  it('after downtime sends one catch-up message, not a burst, and nothing once the window has closed', async () => {
    const local = await createTestContext({ now: MONDAY_10AM });
    const { email } = await local.enrol({ arm: 'mbpm' });
    // The dispatcher never ran until day 6: the invitation and both reminders are all due.
    local.clock.set('2026-03-08T12:00:00.000Z');
    await runDispatch(local.deps);
    const mails = await local.inbox(email);
    expect(mails.map((m) => m.subject.startsWith('Reminder'))).toEqual([false]);

    local.clock.set(MONDAY_10AM);
    const { email: late } = await local.enrol({ arm: 'healthy' });
    local.clock.set('2026-03-10T12:00:00.000Z');
    await runDispatch(local.deps);
    expect(await local.inbox(late)).toEqual([]);
  });
});
