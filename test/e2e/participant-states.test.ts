import { randomBytes } from 'node:crypto';
import { join } from 'node:path';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Platform } from '../../scripts/local/platform';
import { artifactsDir } from './browser';
import { axeCheck, launchBrowser } from './console-helpers';
import { desktop, newDeviceContext, noSidewaysScroll, ParticipantFixtures, phone, progress, type Device } from './participant-helpers';
import { startTestPlatform } from './platform';

/**
 * Every state a participant link can be in gets its own page: one h1 (focused), a matching tab
 * title, who to contact where that helps, no serious accessibility problem, nothing wider than a
 * phone, and none of the form's code (SurveyJS is fetched only when there is a form to show).
 */
let platform: Platform;
let browser: Browser;
let fixtures: ParticipantFixtures;
const axeReport: Record<string, string[]> = {};

beforeAll(async () => {
  [platform, browser] = await Promise.all([startTestPlatform(), launchBrowser()]);
  fixtures = await ParticipantFixtures.start(platform);
  // The first start after a change to web/ builds the app, which takes minutes on a busy machine.
}, 420_000);
afterAll(async () => {
  await browser?.close();
  await platform?.stop();
  console.log(`axe-core, violations of any impact by participant state: ${JSON.stringify(axeReport)}`);
});

const formChunk = /\/assets\/questionnaire-form-[\w-]+\.(js|css)$/;

interface Seen {
  page: Page;
  requests: string[];
}

/** Opens `url` in a fresh context on `device` and checks what every state page must do. */
async function statePage(device: Device, name: string, url: string, title: string, options: { contact: boolean; context?: BrowserContext }): Promise<Seen> {
  const context = options.context ?? (await newDeviceContext(browser, device));
  const requests: string[] = [];
  const referers: string[] = [];
  context.on('request', (request) => {
    requests.push(request.url());
    void request.allHeaders().then((h) => h.referer && referers.push(h.referer));
  });
  const page = await context.newPage();
  await page.goto(url);
  await page.getByRole('heading', { level: 1, name: title }).waitFor();
  expect(await page.title()).toBe(title);
  expect(await page.locator('h1').count()).toBe(1);
  // Focus lands on the news, for screen-reader and keyboard users.
  expect(await page.evaluate(() => document.activeElement?.tagName)).toBe('H1');
  expect(await page.getByRole('link', { name: 'coordinator@example.org' }).count()).toBe(options.contact ? 1 : 0);
  expect(await noSidewaysScroll(page)).toBe(true);
  const { serious, all } = await axeCheck(page);
  axeReport[`${name}-${device.name}`] = all;
  expect(serious, JSON.stringify(serious, null, 2)).toEqual([]);
  await page.screenshot({ path: join(artifactsDir, `participant-state-${name}-${device.name}.png`), fullPage: true });
  const own = new URL(platform.url).origin;
  expect(requests.filter((r) => new URL(r).origin !== own)).toEqual([]);
  expect(referers).toEqual([]);
  return { page, requests };
}

const randomLink = () => `${platform.url}/p/#${randomBytes(32).toString('base64url')}`;

describe.each([phone, desktop])('link states on a $name', (device) => {
  it('already completed: thanks, and no form', async () => {
    const participant = await fixtures.invite({ label: 'done' });
    await fixtures.completeByApi(participant.token);
    const { page, requests } = await statePage(device, 'completed', participant.url, 'Thank you', { contact: true });
    expect(await page.getByText('Baseline questionnaires for Mindfulness-Based Pain Management (demo) are complete').count()).toBe(1);
    expect(requests.filter((r) => formChunk.test(r))).toEqual([]);
    await page.context().close();
  });

  it('expired: the window has closed, and who to contact', async () => {
    const participant = await fixtures.invite({ label: 'late' });
    await fixtures.expire(participant.code);
    const { page, requests } = await statePage(device, 'expired', participant.url, 'These questionnaires have closed', { contact: true });
    expect(requests.filter((r) => formChunk.test(r))).toEqual([]);
    await page.context().close();
  });

  it('withdrawn: the link is closed, and the page names only the study (the link may be in other hands)', async () => {
    const participant = await fixtures.invite({ label: 'withdrawn' });
    await fixtures.withdraw(participant.code);
    const { page, requests } = await statePage(device, 'link-closed', participant.url, 'This link no longer works', { contact: false });
    await page.getByText(/has been replaced by a newer one, or closed/).waitFor();
    expect(await page.getByText('Mindfulness-Based Pain Management (demo)', { exact: false }).count()).toBe(1);
    expect(requests.filter((r) => formChunk.test(r))).toEqual([]);
    await page.context().close();
  });

  it('not yet open: the link will work once the window opens', async () => {
    const participant = await fixtures.invite({ label: 'early' });
    const url = await fixtures.notYetOpenLink(participant.code);
    const { page, requests } = await statePage(device, 'not-yet-open', url, 'Not open yet', { contact: true });
    expect(await page.getByText('Your Week 8 questionnaires are not open yet').count()).toBe(1);
    // The opening date, from the API, in the participant's words (the week-8 window opens 3 days before day 56).
    expect(await page.getByText(/they open on .*\d{4}/).count()).toBe(1);
    expect(requests.filter((r) => formChunk.test(r))).toEqual([]);
    await page.context().close();
  });

  it('licensed wording not installed: not ready yet, nothing lost, and who to contact', async () => {
    const url = await fixtures.linkWithoutWording();
    const { page, requests } = await statePage(device, 'licensed-text-missing', url, 'These questionnaires are not ready yet', { contact: true });
    expect(requests.filter((r) => formChunk.test(r))).toEqual([]);
    await page.context().close();
  });

  it('an unknown link: not valid, check the email', async () => {
    const { page, requests } = await statePage(device, 'invalid-link', randomLink(), 'This link is not valid', { contact: false });
    expect(requests.filter((r) => formChunk.test(r))).toEqual([]);
    await page.context().close();
  });

  it('no network: says so, and "Try again" loads the questionnaires once the connection is back', async () => {
    const participant = await fixtures.invite({ label: 'network' });
    const context = await newDeviceContext(browser, device);
    await context.route('**/api/p**', (route) => route.abort('internetdisconnected'));
    const { page } = await statePage(device, 'network-error', participant.url, 'We could not load your questionnaires', { contact: false, context });
    await context.unroute('**/api/p**');
    await page.getByRole('button', { name: 'Try again' }).click();
    await expect.poll(() => progress(page), { timeout: 20_000 }).toBe('Questionnaire 1 of 3 · page 1 of 3');
    await context.close();
  });

  it('in French for a French participant (expired)', async () => {
    const participant = await fixtures.invite({ label: 'fr-late', language: 'fr' });
    await fixtures.expire(participant.code);
    const { page } = await statePage(device, 'expired-fr', participant.url, 'Ces questionnaires sont fermés', { contact: true });
    expect(await page.evaluate(() => document.documentElement.lang)).toBe('fr');
    expect(await page.getByText('Une question ? Contactez Demo study coordinator').count()).toBe(1);
    await page.context().close();
  });

  it('the unsubscribe link from the email: asks, then confirms', async () => {
    const participant = await fixtures.invite({ label: 'unsubscribe' });
    const { page } = await statePage(device, 'unsubscribe-ask', participant.unsubscribeUrl, 'Stop emails from this study?', { contact: false });
    await page.getByRole('button', { name: 'Stop the emails' }).click();
    await page.getByRole('heading', { level: 1, name: 'You will get no more emails from this study' }).waitFor();
    await page.context().close();
  });
});

// Last in this file: from here on the platform refuses link look-ups from this machine for ten minutes.
describe('too many bad links from one connection', () => {
  it('says to wait, on a phone and on a desktop', async () => {
    for (let i = 0; i < 25; i++) await fetch(`${platform.url}/api/p/${randomBytes(32).toString('base64url')}`);
    const probe = await fetch(`${platform.url}/api/p/${randomBytes(32).toString('base64url')}`);
    expect(probe.status).toBe(429);
    for (const device of [phone, desktop]) {
      const { page } = await statePage(device, 'too-many-attempts', randomLink(), 'Too many attempts', { contact: false });
      expect(await page.getByText(/Please try again in \d+ minutes?\./).count()).toBe(1);
      await page.context().close();
    }
  });
});
