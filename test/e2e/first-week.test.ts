import { join } from 'node:path';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Platform } from '../../scripts/local/platform';
import { axeCheck, launchBrowser, shot, signIn } from './console-helpers';
import { startTestPlatform, waitForEmail } from './platform';

/**
 * A coordinator's first week (issue 13), in a browser against the whole local platform started as
 * `npm start` starts it (with the demo study's synthetic history): the seeded screens, a preview,
 * a French test participant, dates in the participant's zone, and plain-words errors creating a
 * study. axe-core checks each new screen.
 */
let platform: Platform;
let browser: Browser;
const axeReport: Record<string, string[]> = {};

beforeAll(async () => {
  [platform, browser] = await Promise.all([startTestPlatform(undefined, {}, { syntheticDemo: true }), launchBrowser()]);
}, 420_000);
afterAll(async () => {
  await browser?.close();
  await platform?.stop();
  console.log(`axe-core, violations of any impact by page: ${JSON.stringify(axeReport)}`);
});

async function accessible(page: Page, name: string) {
  const { serious, all } = await axeCheck(page);
  axeReport[name] = all;
  expect(serious, `${name}: ${JSON.stringify(serious, null, 2)}`).toEqual([]);
}

const heading = (page: Page, name: string | RegExp) => page.getByRole('heading', { level: 1, name }).waitFor();

/** Answers every question on each page of the form, first choice (PHQ-9 item 9 as given), to the end. */
async function answerBattery(page: Page, phq9Item9: number) {
  for (let pageNo = 0; pageNo < 10; pageNo++) {
    const questions = page.locator('.sd-page .sd-question[data-name]');
    await questions.first().waitFor();
    const count = await questions.count();
    for (let i = 0; i < count; i++) {
      const question = questions.nth(i);
      const name = await question.getAttribute('data-name');
      const value = name === 'PHQ9_9' ? phq9Item9 : null;
      const choice = value === null ? question.locator('label:has(input[type=radio])').first() : question.locator(`label:has(input[value="${value}"])`);
      if ((await choice.count()) > 0) await choice.click();
    }
    const next = page.getByRole('button', { name: /^(Next|Suivant)$/ });
    if ((await next.count()) > 0 && (await next.isVisible())) await next.click();
    else break;
  }
}

describe('a coordinator’s first week', () => {
  let context: BrowserContext;
  let page: Page;

  beforeAll(async () => {
    // A viewer in New York looking at participants elsewhere.
    context = await browser.newContext({ viewport: { width: 1366, height: 900 }, timezoneId: 'America/New_York', locale: 'en-GB' });
    page = await context.newPage();
    await signIn(page, platform, 'coordinator@example.org');
  });
  afterAll(async () => {
    await context?.close();
  });

  it('finds the demo study with a history on first start: synthetic participants, badged, in the dashboard and the summary', async () => {
    // The synthetic history is written in the background right after start: wait for its last cohort.
    await expect
      .poll(async () => (await (await page.request.get(`${platform.url}/api/studies/demo/dashboard`)).json()).alerts.length, { timeout: 180_000, interval: 2_000 })
      .toBe(1);
    await page.goto(`${platform.url}/studies/demo/dashboard`);
    await heading(page, 'Dashboard');
    await page.getByRole('heading', { name: /Safety alerts/ }).waitFor();
    expect(await page.getByText('1 to acknowledge').count()).toBe(1);
    // One row in the header at 1366 px: brand, navigation, study picker and who is signed in.
    const header = await page.locator('.app-header-inner').boundingBox();
    expect(header!.height).toBeLessThan(72);
    await accessible(page, 'dashboard-seeded');
    await page.goto(`${platform.url}/studies/demo/participants`);
    await heading(page, 'Participants');
    await page.getByRole('link', { name: 'SYN-001' }).waitFor();
    expect(await page.locator('.badge-synthetic').count()).toBeGreaterThanOrEqual(30);
    await page.goto(`${platform.url}/studies/demo/summary`);
    await heading(page, 'Outcome summary');
    // The seeded course effect: a row per arm and scale, from the real scores.
    await page.getByText('phq9 · total').first().waitFor();
    expect(await page.getByText('phq9 · total').count()).toBeGreaterThanOrEqual(2);
    await shot(page, 'first-week-summary');
  });

  it('previews a timepoint as a participant sees it, answers unsaved, and shows the alert that would fire without firing it', async () => {
    const alertsBefore = (await (await page.request.get(`${platform.url}/api/studies/demo/dashboard`)).json()).alerts.length;
    await page.goto(`${platform.url}/studies/demo/setup`);
    await page.getByRole('heading', { name: 'Preview a timepoint' }).waitFor();
    await page.getByLabel('Timepoint', { exact: true }).selectOption('baseline');
    const [preview] = await Promise.all([context.waitForEvent('page'), page.getByRole('link', { name: 'Open the preview' }).click()]);
    await preview.getByText('Preview — answers are not saved').waitFor();
    await preview.getByRole('heading', { level: 1, name: 'Mindfulness-Based Pain Management (demo)' }).waitFor();
    await accessible(preview, 'preview-form');
    await answerBattery(preview, 1);
    await preview.getByRole('button', { name: 'Submit my answers' }).click();
    await preview.getByRole('heading', { level: 1, name: 'Thank you' }).waitFor();
    // What the participant would read, then what the coordinator needs to know.
    expect(await preview.getByRole('heading', { name: 'If you need help now' }).count()).toBe(1);
    expect(await preview.getByText(/emergency number/).count()).toBeGreaterThan(0);
    await preview.getByText('A safety alert would be emailed to the study’s safety contacts').waitFor();
    expect(await preview.getByRole('cell', { name: 'phq9' }).count()).toBe(0);
    expect(await preview.getByRole('rowheader', { name: 'phq9' }).count()).toBe(1);
    await accessible(preview, 'preview-result');
    await shot(preview, 'first-week-preview-result');
    await preview.close();
    // Nothing was stored or sent: no new alert.
    expect((await (await page.request.get(`${platform.url}/api/studies/demo/dashboard`)).json()).alerts.length).toBe(alertsBefore);
  });

  it('enrols a French test participant, whose email says it is a test and whose page explains the English questionnaires and offers support', async () => {
    await page.goto(`${platform.url}/studies/demo/participants`);
    await heading(page, 'Participants');
    const email = `tester-${Date.now()}@participants.test`;
    await page.getByLabel('Email (kept apart from research data)').fill(email);
    await page.getByLabel('Language').selectOption('fr');
    await page.getByLabel('Test participant').check();
    await page.getByRole('button', { name: 'Enrol' }).click();
    await page.getByText(/Enrolled test participant/).waitFor();
    const invitation = await waitForEmail(platform, email, /^\[TEST\] /, 30_000);
    expect(invitation.body.text).toContain('Ceci est un test');
    const url = /(http:\/\/\S+\/p\/#?[\w-]{43})/.exec(invitation.body.text)?.[1];
    expect(url).toBeDefined();

    const phone = await browser.newContext({ viewport: { width: 360, height: 740 }, isMobile: true, hasTouch: true });
    const participant = await phone.newPage();
    await participant.goto(url!);
    await participant.getByRole('heading', { level: 1, name: 'Mindfulness-Based Pain Management (demo)' }).waitFor();
    // No instrument ships French wording yet: the page says so, in French.
    expect(await participant.locator('[data-testid=untranslated]').textContent()).toContain('n’existent pas en français');
    await accessible(participant, 'participant-fr-untranslated');
    // The 0–10 pain scale fits one row on a 360 px phone.
    for (let guard = 0; guard < 3 && (await participant.locator('[data-name="PEG_1"]').count()) === 0; guard++) {
      await answerBattery(participant, 2);
    }
    await participant.getByRole('button', { name: 'Envoyer mes réponses' }).click();
    await participant.getByRole('heading', { level: 1, name: 'Merci' }).waitFor();
    expect(await participant.getByRole('heading', { name: 'Si vous avez besoin d’aide maintenant' }).count()).toBe(1);
    expect(await participant.getByText(/numéro d’urgence/).count()).toBeGreaterThan(0);
    await accessible(participant, 'thank-you-support-fr');
    await shot(participant, 'first-week-support-fr');
    await phone.close();
  });

  it('shows a 0–10 scale in one row on a 360 px phone', async () => {
    const phone = await browser.newContext({ viewport: { width: 360, height: 740 }, isMobile: true, hasTouch: true });
    const preview = await phone.newPage();
    await preview.goto(`${platform.url}/`);
    // The preview needs the coordinator's session in this context too.
    await signIn(preview, platform, 'coordinator@example.org');
    await preview.goto(`${platform.url}/preview/demo?timepoint=baseline&arm=mbpm&language=en`);
    await preview.getByText('Preview — answers are not saved').waitFor();
    for (let guard = 0; guard < 4 && (await preview.locator('[data-name="PEG_1"]').count()) === 0; guard++) {
      const questions = preview.locator('.sd-page .sd-question[data-name]');
      await questions.first().waitFor();
      for (let i = 0; i < (await questions.count()); i++) await questions.nth(i).locator('label:has(input[type=radio])').first().tap();
      await preview.getByRole('button', { name: 'Next' }).tap();
    }
    const items = await preview
      .locator('[data-name="PEG_1"] .sd-rating__item')
      .evaluateAll((elements) => elements.map((e) => e.getBoundingClientRect()).map((r) => ({ top: Math.round(r.top), left: r.left, right: r.right, width: r.width, height: r.height })));
    expect(items).toHaveLength(11);
    expect(new Set(items.map((r) => r.top)).size).toBe(1);
    expect(Math.max(...items.map((r) => r.right))).toBeLessThanOrEqual(360);
    // WCAG 2.2 target size (2.5.8): 44 px tall, and centres at least 24 px apart (so 24 px circles on them never overlap).
    const centres = items.map((r) => r.left + r.width / 2);
    expect(Math.min(...centres.slice(1).map((c, i) => c - centres[i]!))).toBeGreaterThanOrEqual(24);
    expect(Math.min(...items.map((r) => r.height))).toBeGreaterThanOrEqual(44);
    await shot(preview, 'first-week-peg-phone');
    await phone.close();
  });

  it('shows a participant’s enrolment date in their own zone, saying which, whatever the viewer’s zone', async () => {
    const response = await page.request.post(`${platform.url}/api/studies/demo/participants`, {
      headers: { origin: platform.url },
      data: { email: `auckland-${Date.now()}@participants.test`, arm: 'mbpm', timezone: 'Pacific/Auckland', enrolledOn: '2026-03-02' },
    });
    expect(response.status()).toBe(201);
    const { code } = (await response.json()) as { code: string };
    await page.goto(`${platform.url}/studies/demo/participants`);
    await heading(page, 'Participants');
    // Midnight on 2 March in Auckland is still 1 March in New York; the list shows the participant's date.
    const row = page.getByRole('row').filter({ has: page.getByRole('link', { name: code }) });
    expect(await row.textContent()).toContain('2 Mar 2026');
    await page.getByRole('link', { name: code }).click();
    await heading(page, `Participant ${code}`);
    await page.getByText(/enrolled 2 Mar 2026 \(their date, Pacific\/Auckland\)/).waitFor();
    // Times carry their zone.
    expect(await page.getByText(/GMT\+13|NZDT/).count()).toBeGreaterThan(0);
  });

  it('creates a study: each problem next to its field in plain words, focus on the first', async () => {
    await page.goto(`${platform.url}/studies/new`);
    await heading(page, 'Create a study');
    await page.getByRole('button', { name: 'Create the study' }).click();
    await page.locator('#new-arm-0-label-error').waitFor();
    expect(await page.locator('#new-arm-0-label-error').textContent()).toContain('Arm 1 label is required');
    expect(await page.locator('#new-id-error').textContent()).toContain('Study id is required');
    expect(await page.evaluate(() => document.activeElement?.id)).toBe('new-id');
    expect(await page.getByText(/Too small|Invalid input|expected string/).count()).toBe(0);
    await accessible(page, 'create-study-errors');
    await shot(page, 'first-week-create-study-errors');
  });
});
