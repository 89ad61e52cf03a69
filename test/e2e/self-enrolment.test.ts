import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { consentTextHash } from '../../functions/core/consent/consent-text';
import { selfEnrolStudy } from '../../functions/demo/demo-study';
import type { Platform } from '../../scripts/local/platform';
import { pdfText } from '../helpers/pdf-text';
import { axeCheck, launchBrowser, shot } from './console-helpers';
import { newDeviceContext, noSidewaysScroll, ParticipantFixtures, phone } from './participant-helpers';
import { startTestPlatform, waitForEmail } from './platform';

/**
 * A trial from the first click, on a 360 px phone: the public join link of the seeded `demo-rct`
 * study, its screener, the verification email read from the local inbox, the consent, the
 * allocation, and the baseline answered. Then the signed PDF, as emailed and as staff download it.
 */
let platform: Platform;
let browser: Browser;
let fixtures: ParticipantFixtures;

beforeAll(async () => {
  [platform, browser] = await Promise.all([startTestPlatform(), launchBrowser()]);
  fixtures = await ParticipantFixtures.start(platform);
}, 420_000);
afterAll(async () => {
  await browser?.close();
  await platform?.stop();
});

async function accessible(page: Page, name: string) {
  const { serious } = await axeCheck(page);
  expect(serious, `${name}: ${JSON.stringify(serious, null, 2)}`).toEqual([]);
}

/** Every question on the page answered with its first choice, then Next (or Submit on the last page). */
async function answerBattery(page: Page) {
  for (let pages = 0; pages < 10; pages++) {
    const questions = page.locator('.sd-page .sd-question[data-name]');
    await questions.first().waitFor();
    const n = await questions.count();
    for (let i = 0; i < n; i++) {
      const choice = questions.nth(i).locator('label:has(input[type=radio])').first();
      if ((await choice.count()) > 0) await choice.tap();
    }
    const submit = page.getByRole('button', { name: 'Submit my answers' });
    if (await submit.isVisible()) return submit.tap();
    await page.getByRole('button', { name: 'Next' }).tap();
  }
  throw new Error('the battery never ended');
}

describe('self-enrolment on a phone', () => {
  it('walks join → verify → consent → allocation → baseline, accessible all the way, and the signed PDF holds the text hash and name', { timeout: 240_000 }, async () => {
    const context = await newDeviceContext(browser, phone);
    let page = await context.newPage();
    const email = `joiner-${Date.now()}@participants.test`;

    await page.goto(`${platform.url}/join/demo-rct`);
    await page.getByRole('heading', { level: 1, name: selfEnrolStudy.name }).waitFor();
    await page.locator('[data-name="adult"]').waitFor();
    expect(await noSidewaysScroll(page)).toBe(true);
    await accessible(page, 'join screener');
    await page.locator('[data-name="adult"] label:has-text("Yes")').tap();
    await page.locator('[data-name="chronic_pain"] label:has-text("Yes")').tap();
    await page.locator('[data-name="centre"] label:has-text("Lyon")').tap();
    await shot(page, 'join-screener-phone');
    await page.getByRole('button', { name: 'Continue' }).tap();

    await page.getByRole('heading', { level: 1, name: 'You can take part' }).waitFor();
    await accessible(page, 'join email');
    await page.getByLabel('Your email address').fill(email);
    await page.getByRole('button', { name: 'Email me the link' }).tap();
    await page.getByRole('heading', { level: 1, name: 'Check your email' }).waitFor();
    await accessible(page, 'join sent');

    const verification = await waitForEmail(platform, email, /confirm your email address/);
    const link = /(http:\/\/\S+\/join\/demo-rct#verify=[\w-]+)/.exec(verification.body.text)![1]!;
    // The emailed link opens in a new tab, as from a mail app.
    await page.close();
    page = await context.newPage();
    await page.goto(link);
    await page.getByRole('heading', { level: 1, name: `Taking part in ${selfEnrolStudy.name}` }).waitFor();
    // The token leaves the address bar at once.
    expect(page.url()).toBe(`${platform.url}/join/demo-rct`);
    await page.getByRole('heading', { name: 'What taking part involves' }).waitFor();
    expect(await noSidewaysScroll(page)).toBe(true);
    await accessible(page, 'join consent');
    await shot(page, 'join-consent-phone');
    // Consent is explicit: the name alone is not enough.
    await page.getByLabel('Your full name').fill('Mary Shelley');
    await page.getByRole('button', { name: 'I agree to take part' }).tap();
    await page.getByRole('alert').filter({ hasText: 'tick the box' }).waitFor();
    await page.getByLabel(/I agree to take part\./).check();
    await page.getByRole('button', { name: 'I agree to take part' }).tap();

    // Allocated, enrolled, and straight into the baseline.
    await page.waitForURL(/\/p\/#[\w-]{43}$/);
    await page.getByRole('heading', { level: 1, name: selfEnrolStudy.name }).waitFor();
    await page.locator('h2.progress-line').waitFor();
    await accessible(page, 'join baseline');
    await answerBattery(page);
    await page.getByRole('heading', { level: 1, name: 'Thank you' }).waitFor();
    await context.close();

    const participants = (await (await fixtures.api('GET', '/api/studies/demo-rct/participants')).json()) as { participants: Array<{ code: string; arm: string; enrolledVia?: string; allocation?: { sequence: number; stratum: string }; consent?: { version: string } }> };
    const joined = participants.participants.find((p) => p.enrolledVia === 'join')!;
    expect(['mbpm', 'waitlist']).toContain(joined.arm);
    expect(joined.allocation).toMatchObject({ stratum: 'centre=lyon' });
    expect(joined.consent).toMatchObject({ version: '1' });

    // The signed record: emailed to the participant, and downloadable by staff; both open and hold the hash and the name.
    const hash = consentTextHash(selfEnrolStudy.consent!.text.en!);
    const copy = (await waitForEmail(platform, email, /your consent/, 30_000)) as unknown as { attachments: Array<{ filename: string; content: string }> };
    const emailed = await pdfText(Buffer.from(copy.attachments[0]!.content, 'base64'));
    const downloaded = await pdfText(new Uint8Array(await (await fixtures.api('GET', `/api/studies/demo-rct/participants/${joined.code}/consent`)).arrayBuffer()));
    for (const pdf of [emailed, downloaded]) {
      expect(pdf.text).toContain('Mary Shelley');
      expect(pdf.text).toContain(hash);
      expect(pdf.text).toContain('Record of consent');
    }
  });

  it('gives someone who is not eligible a kind page, and keeps no address', { timeout: 120_000 }, async () => {
    const context = await newDeviceContext(browser, phone);
    const page = await context.newPage();
    await page.goto(`${platform.url}/join/demo-rct`);
    await page.locator('[data-name="adult"]').waitFor();
    await page.locator('[data-name="adult"] label:has-text("Yes")').tap();
    await page.locator('[data-name="chronic_pain"] label:has-text("No")').tap();
    await page.locator('[data-name="centre"] label:has-text("Paris")').tap();
    await page.getByRole('button', { name: 'Continue' }).tap();
    await page.getByRole('heading', { level: 1, name: 'Thank you for your interest' }).waitFor();
    await accessible(page, 'join ineligible');
    await context.close();
    const dashboard = (await (await fixtures.api('GET', '/api/studies/demo-rct/dashboard')).json()) as { consort: { ineligible: number } };
    expect(dashboard.consort.ineligible).toBeGreaterThanOrEqual(1);
  });
});
