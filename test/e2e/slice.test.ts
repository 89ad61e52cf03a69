import { parse } from 'csv-parse/sync';
import { join } from 'node:path';
import type { BrowserContext } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Platform } from '../../scripts/local/platform';
import { artifactsDir, launchChromium } from './browser';
import { startTestPlatform, waitForEmail } from './platform';

let platform: Platform;
let browser: BrowserContext;

beforeAll(async () => {
  platform = await startTestPlatform();
  browser = await launchChromium();
});
afterAll(async () => {
  await browser?.close();
  await platform?.stop();
});

const participantEmail = `e2e-${Date.now()}@participants.test`;

describe('the whole slice in a browser', () => {
  it('a coordinator signs in by email link, enrols a participant, who completes the battery; the score is in the export', async () => {
    const page = await browser.newPage();

    // 1. Sign in without a password: the link arrives in the local inbox.
    await page.goto(`${platform.url}/`);
    await page.getByLabel('Staff email address').fill('coordinator@example.org');
    await page.getByRole('button', { name: 'Email me a sign-in link' }).click();
    await page.getByRole('status').waitFor();
    const signIn = await waitForEmail(platform, 'coordinator@example.org', /sign-in link/);
    const signInLink = /(http:\/\/\S+\/staff\/sign-in#code=[\w-]+)/.exec(signIn.body.text)![1]!;
    await page.goto(signInLink);
    await page.getByRole('button', { name: 'Sign in', exact: true }).click();
    await page.getByText('Signed in as coordinator@example.org').waitFor();

    // 2. Enrol a participant in the course arm.
    await page.getByLabel('Email (kept apart from research data)').fill(participantEmail);
    await page.getByLabel('Arm').selectOption('mbpm');
    await page.getByRole('button', { name: 'Enrol' }).click();
    const enrolled = await page.getByRole('status').filter({ hasText: 'Enrolled as' }).textContent();
    const code = /Enrolled as (P-\d{4})/.exec(enrolled ?? '')![1]!;
    await page.screenshot({ path: join(artifactsDir, 'console-enrolled.png'), fullPage: true });

    // 3. The dispatcher (kicked by the enrolment) sends the baseline invitation.
    const invitation = await waitForEmail(platform, participantEmail, /Baseline questionnaires/);
    const link = /(http:\/\/\S+\/p\/#[\w-]{43})/.exec(invitation.body.text)![1]!;

    // 4. The participant opens the link on a phone-sized screen and answers PHQ-9, then PEG-3.
    const phone = await browser.newPage();
    await phone.goto(link);
    await phone.getByRole('heading', { name: 'Mindfulness-Based Pain Management (demo)' }).waitFor();
    const phq = [1, 2, 1, 1, 0, 1, 2, 0, 0];
    const labels = ['Not at all', 'Several days', 'More than half the days', 'Nearly every day'];
    for (const [i, answer] of phq.entries()) {
      await phone.locator(`[data-name="PHQ9_${i + 1}"]`).getByText(labels[answer]!, { exact: true }).click();
    }
    await phone.screenshot({ path: join(artifactsDir, 'participant-phq9.png'), fullPage: true });
    await phone.getByRole('button', { name: 'Next' }).click();
    const gad = [1, 1, 0, 0, 2, 1, 0];
    for (const [i, answer] of gad.entries()) {
      await phone.locator(`[data-name="GAD7_${i + 1}"]`).getByText(labels[answer]!, { exact: true }).click();
    }
    await phone.getByRole('button', { name: 'Next' }).click();
    for (const [item, value] of [['PEG_1', '7'], ['PEG_2', '5'], ['PEG_3', '6']] as const) {
      await phone.locator(`[data-name="${item}"]`).getByText(value, { exact: true }).click();
    }
    await phone.getByRole('button', { name: 'Submit my answers' }).click();

    // 5. The thank-you state.
    await phone.getByRole('heading', { name: 'Thank you' }).waitFor();
    await phone.screenshot({ path: join(artifactsDir, 'participant-thank-you.png'), fullPage: true });
    // Reopening the link shows the completed state, not the form.
    await phone.reload();
    await phone.getByRole('heading', { name: 'Thank you' }).waitFor();

    // 6. The scores are in the long export (downloaded with the coordinator's session).
    const response = await page.request.get(`${platform.url}/api/studies/demo/export?format=long`);
    expect(response.status()).toBe(200);
    const rows = parse(await response.text(), { columns: true }) as Array<Record<string, string>>;
    const mine = rows.filter((r) => r.participant === code && r.timepoint === 'baseline');
    expect(mine.map((r) => [r.instrument, r.scale, r.value, r.band, r.status])).toEqual([
      ['phq9', 'total', '8', 'mild', 'complete'],
      ['gad7', 'total', '5', 'mild', 'complete'],
      ['peg3', 'peg', '6', '', 'complete'],
    ]);
  });
});
