import { parse } from 'csv-parse/sync';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Platform } from '../../scripts/local/platform';
import { axeCheck, download, fitsViewport, launchBrowser, shot, signIn } from './console-helpers';
import { startTestPlatform, waitForEmail } from './platform';

/**
 * The staff console in a browser, against the whole local platform: a coordinator's day (create a
 * study, bulk import, timeline, resend, withdraw, dashboard, safety alert), an analyst's exports,
 * an admin's staff page; every page checked with axe-core (no serious or critical violations).
 */
let platform: Platform;
let browser: Browser;
const axeReport: Record<string, string[]> = {};

beforeAll(async () => {
  [platform, browser] = await Promise.all([startTestPlatform(), launchBrowser()]);
});
afterAll(async () => {
  await browser?.close();
  await platform?.stop();
  console.log(`axe-core, violations of any impact by page: ${JSON.stringify(axeReport)}`);
});

async function newPage(viewport = { width: 1280, height: 900 }): Promise<Page> {
  const context = await browser.newContext({ viewport });
  return context.newPage();
}

/** axe on the page as shown now: nothing serious or critical. */
async function accessible(page: Page, name: string) {
  const { serious, all } = await axeCheck(page);
  axeReport[name] = all;
  expect(serious, `${name}: ${JSON.stringify(serious, null, 2)}`).toEqual([]);
}

const heading = (page: Page, name: string) => page.getByRole('heading', { level: 1, name }).waitFor();

const stamp = Date.now();
const ana = `ana-${stamp}@participants.test`;
const ben = `ben-${stamp}@participants.test`;
const cara = `cara-${stamp}@participants.test`;
let codes: string[] = [];
let anaLink = '';

describe('coordinator console', () => {
  let page: Page;

  it('signs in by emailed link and lands on the participants of their first study', async () => {
    page = await newPage();
    await signIn(page, platform, 'coordinator@example.org');
    await page.waitForURL('**/studies/demo/participants');
    await heading(page, 'Participants');
    const nav = page.getByRole('navigation', { name: 'Study sections' });
    expect(await nav.getByRole('link').allTextContents()).toEqual(['Dashboard', 'Participants', 'Study setup', 'Audit log', 'Exports', 'Outcome summary']);
    expect(await page.getByRole('link', { name: 'Staff', exact: true }).count()).toBe(0);
    await accessible(page, 'participants');
  });

  it('creates a study from scratch (the trial template), with the API’s field errors shown next to the field', async () => {
    await page.getByRole('link', { name: 'Studies', exact: true }).click();
    await heading(page, 'Studies');
    // Focus moves to the new page's heading after client-side navigation.
    expect(await page.evaluate(() => document.activeElement?.tagName)).toBe('H1');
    await accessible(page, 'studies');
    // The battery picker reads the catalogue from GET /api/instruments.
    const catalogue = (await (await page.request.get(`${platform.url}/api/instruments`)).json()) as { instruments: Array<{ id: string }> };
    expect(catalogue.instruments).toHaveLength(23);
    expect(catalogue.instruments.find((i) => i.id === 'phq9')).toMatchObject({ version: '1.0', name: 'Patient Health Questionnaire-9', textIncluded: true, licence: { category: 'PD' }, scales: [{ id: 'total' }] });
    await page.getByRole('link', { name: 'Create a study' }).click();
    await heading(page, 'Create a study');
    await page.getByRole('button', { name: 'Fill in the MBPM trial template' }).click();
    await page.getByLabel('Sender address').fill('study@example.org');
    await page.getByLabel('Contact 1 name').fill('Trial coordinator');
    await page.getByLabel('Study id').fill('MBPM Trial');
    await page.getByRole('button', { name: 'Create the study' }).click();
    await expect.poll(() => page.locator('#new-id-error').textContent()).toContain('lower-case letters, digits and -');
    expect(await page.getByLabel('Study id').getAttribute('aria-invalid')).toBe('true');
    await accessible(page, 'create-study');
    await page.getByLabel('Study id').fill('mbpm-trial');
    await page.getByRole('button', { name: 'Create the study' }).click();
    await page.waitForURL('**/studies/mbpm-trial/setup');
    await heading(page, 'Study setup');
  });

  it('edits the protocol: validation report on the field, change preview, publish, migrate; email preview', async () => {
    await page.getByRole('heading', { name: 'Protocol (version 1)' }).waitFor();
    await page.locator('#protocol-tp-1-reminders').fill('2, 9');
    await page.getByRole('button', { name: 'Check and preview changes' }).click();
    await expect.poll(() => page.locator('#protocol-tp-1-reminders-error').textContent()).toContain('falls after the window closes');
    expect(await page.getByRole('button', { name: /^Publish/ }).count()).toBe(0);
    await page.locator('#protocol-tp-1-reminders').fill('2, 6');
    await page.getByRole('button', { name: 'Check and preview changes' }).click();
    await page.getByText('The protocol is valid.').waitFor();
    await page.getByRole('button', { name: 'Publish as version 2' }).click();
    await page.getByText('Published version 2.').waitFor();
    // Migration is offered whenever participants are on older versions (here nobody is yet).
    await page.getByRole('heading', { name: 'Protocol (version 2)' }).waitFor();
    await page.getByText('Every active participant is on version 2.').waitFor();

    await page.locator('#email-invitation-subject').fill('{study}: {timepoint} questionnaires are ready');
    await page.getByRole('button', { name: 'Preview the invitation' }).click();
    await page.getByText('Subject:').waitFor();
    expect(await page.locator('.email-preview').textContent()).toContain('Mindfulness-Based Pain Management (Aygün et al. 2024): Baseline questionnaires are ready');
    await shot(page, 'console-study-setup');
    await accessible(page, 'study-setup');
  });

  it('bulk-imports a CSV: a dry run reports the bad row, the fixed file imports in the background with a progress bar, then its result', async () => {
    await page.locator('#study-picker').selectOption('demo');
    await page.waitForURL('**/studies/demo/setup');
    await page.getByRole('navigation', { name: 'Study sections' }).getByRole('link', { name: 'Participants' }).click();
    await heading(page, 'Participants');

    const file = (rows: string[]) => ({ name: 'participants.csv', mimeType: 'text/csv', buffer: Buffer.from(['email,arm,timezone', ...rows].join('\n')) });
    const input = page.getByLabel('Participants CSV file');
    await input.setInputFiles(file([`${ana},mbpm,Europe/London`, `${ben},mbpn,Europe/London`, `${cara},waitlist,America/Chicago`]));
    await page.getByRole('button', { name: 'Check file' }).click();
    const problems = page.getByRole('table', { name: 'Problems found, by row' });
    await problems.waitFor();
    expect(await problems.locator('tbody tr').allInnerTexts()).toEqual([expect.stringMatching(/^2 \(line 3\)\s+arm\s+unknown arm "mbpn" \(this study has: mbpm, waitlist, healthy\)$/)]);
    expect(await page.getByRole('button', { name: /^Import/ }).count()).toBe(0);
    await shot(page, 'console-import-report');

    await input.setInputFiles(file([`${ana},mbpm,Europe/London`, `${ben},mbpm,Europe/London`, `${cara},waitlist,America/Chicago`]));
    await page.getByRole('button', { name: 'Check file' }).click();
    await page.getByRole('button', { name: 'Import 3 participants' }).click();
    // The import runs on the server; the page follows it with a progress bar of rows done.
    const bar = page.getByRole('progressbar', { name: /Importing participants\.csv/ });
    await bar.waitFor();
    expect(await bar.getAttribute('aria-valuemin')).toBe('0');
    expect(await bar.getAttribute('aria-valuemax')).toBe('3');
    await page.waitForFunction(() => document.querySelector('[role=progressbar]')?.getAttribute('aria-valuenow') === '3');
    expect(await bar.getAttribute('aria-valuetext')).toBe('3 of 3 rows done');
    // The result is announced where screen readers listen.
    await page.locator('[aria-live=polite]').getByText('Imported: 3 participants enrolled.').waitFor();
    codes = await page.getByRole('table', { name: /Enrolled from/ }).getByRole('link').allTextContents();
    expect(codes).toHaveLength(3);
    await page.getByRole('table', { name: /Participants of/ }).getByRole('link', { name: codes[2] }).waitFor();
    await accessible(page, 'participants-after-import');
  });

  it('opens a participant timeline and resends the open link', async () => {
    await waitForEmail(platform, ana, /Baseline questionnaires/);
    await page.getByRole('table', { name: 'Participants of Mindfulness-Based Pain Management (demo)' }).getByRole('link', { name: codes[0] }).click();
    await heading(page, `Participant ${codes[0]}`);
    await page.getByRole('heading', { name: 'Timeline' }).waitFor();
    await page.getByRole('heading', { name: 'Contact', exact: true }).waitFor();
    expect(await page.locator('.facts').first().textContent()).toBeTruthy();
    await page.getByText(ana).waitFor();
    await page.getByRole('button', { name: 'Resend the baseline link' }).click();
    await page.getByText('A fresh baseline link is queued').waitFor();
    await page.getByText('Every link sent before no longer works.').waitFor();
    // The fresh link replaces the invitation's, which no longer opens anything.
    const resent = await waitForEmail(platform, ana, /your link again/);
    expect(resent.body.text).toMatch(/replaces the ones we sent you before/);
    anaLink = /(http:\/\/\S+\/p\/#[\w-]{43})/.exec(resent.body.text)![1]!;
    await page.reload();
    await page.getByRole('cell', { name: 'Link resent' }).waitFor();
    await shot(page, 'console-participant-timeline');
    await accessible(page, 'participant');
  });

  it('edits a participant; withdraws another, with a reason and a confirmation', async () => {
    // Meanwhile the first participant submits through their own link (the participant page's UI is covered by
    // slice.test.ts), answering PHQ-9 item 9 with 1. Submitting does not wake the local dispatcher; the edit and withdrawal
    // below do, and their pass follows up the completion and sends the safety alert (else: the next minute's pass).
    const token = anaLink.split('/p/#')[1]!;
    const answers = {
      ...Object.fromEntries([1, 2, 1, 1, 0, 1, 2, 0, 1].map((v, i) => [`PHQ9_${i + 1}`, v])),
      ...Object.fromEntries([1, 1, 0, 0, 2, 1, 0].map((v, i) => [`GAD7_${i + 1}`, v])),
      PEG_1: 7,
      PEG_2: 5,
      PEG_3: 6,
    };
    const submitted = await fetch(`${platform.url}/api/p/${token}/submit`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ answers }) });
    expect(submitted.status).toBe(200);
    // Edit the (now completed) participant: the API's message lands on the field it names; a good value saves.
    await page.reload();
    await page.getByLabel('Time zone').fill('Mars/Olympus_Mons');
    await page.getByRole('button', { name: 'Save changes' }).click();
    await expect.poll(() => page.locator('#edit-tz-error').textContent()).toContain('an IANA time zone name such as Europe/London');
    await page.getByLabel('Time zone').fill('America/Chicago');
    await page.getByRole('button', { name: 'Save changes' }).click();
    await page.getByText('Saved. Messages not yet sent have been re-planned.').waitFor();
    await page.getByText("Times are in the participant's time zone, America/Chicago.").waitFor();
    await page.getByRole('link', { name: '← All participants' }).click();
    await page.getByRole('table', { name: /Participants of/ }).getByRole('link', { name: codes[2] }).click();
    await heading(page, `Participant ${codes[2]}`);
    await page.getByRole('button', { name: `Withdraw ${codes[2]}…` }).click();
    // Focus moves into the confirmation, on the reason.
    expect(await page.evaluate(() => document.activeElement?.id)).toBe('withdraw-reason');
    await page.getByLabel('Reason (optional, kept in the audit log)').fill('Moved away; asked to stop');
    await page.getByRole('button', { name: `Confirm withdrawal of ${codes[2]}` }).click();
    await page.getByText(`${codes[2]} is withdrawn: no more emails will be sent.`).waitFor();
    await page.locator('.page-title .badge', { hasText: 'withdrawn' }).waitFor();
  });

  it('shows a safety alert raised by PHQ-9 item 9 at the top of the dashboard, with the counts and a chart; acknowledges it', async () => {
    await waitForEmail(platform, 'coordinator@example.org', new RegExp(`Safety alert .* participant ${codes[0]}`));

    await page.getByRole('navigation', { name: 'Study sections' }).getByRole('link', { name: 'Dashboard' }).click();
    await heading(page, 'Dashboard');
    const chart = page.getByRole('img', { name: /Completion by arm and timepoint/ });
    await chart.waitFor();
    expect(await chart.getAttribute('aria-labelledby')).toBeTruthy();
    const cells = (name: string) => page.getByRole('row', { name }).locator('td').allInnerTexts();
    // Completed, open, expired, upcoming, cancelled, rate.
    expect(await cells('Mindfulness-Based Pain Management course · baseline')).toEqual(['1', '1', '0', '0', '0', '50%']);
    expect(await cells('Wait-list control · baseline')).toEqual(['0', '0', '0', '0', '1', '—']);
    expect(await page.locator('.stats').innerText()).toMatch(/Enrolled\s+3\s+Active\s+2\s+Withdrawn\s+1\s+Alerts to acknowledge\s+1/);

    const alerts = page.getByRole('region', { name: /Safety alerts/ });
    await alerts.getByText('1 to acknowledge').waitFor();
    await alerts.locator('.alert-item.unacknowledged').first().waitFor();
    await shot(page, 'console-dashboard-alert');
    await accessible(page, 'dashboard');
    await page.getByLabel(`Note for ${codes[0]} at baseline (optional)`).fill('Called the participant; GP informed.');
    await page.getByRole('button', { name: `Acknowledge the alert for ${codes[0]}` }).click();
    await alerts.getByText(/Acknowledged by coordinator@example.org/).waitFor();
    expect(await alerts.locator('.alert-item.unacknowledged').count()).toBe(0);
    await shot(page, 'console-dashboard');
  });

  it('filters the audit log', async () => {
    await page.getByRole('navigation', { name: 'Study sections' }).getByRole('link', { name: 'Audit log' }).click();
    await heading(page, 'Audit log');
    await page.getByRole('table').waitFor();
    await page.getByLabel('Action (starts with)').fill('participant.withdrawn');
    await page.getByRole('button', { name: 'Apply filters' }).click();
    await expect.poll(() => page.locator('tbody tr').count()).toBe(1);
    expect(await page.locator('tbody tr').innerText()).toContain(`participant:${codes[2]}`);
    await accessible(page, 'audit');
  });

  it('reads well at 360 px: no sideways scrolling of the page', async () => {
    await page.setViewportSize({ width: 360, height: 800 });
    for (const section of ['dashboard', 'participants'] as const) {
      await page.goto(`${platform.url}/studies/demo/${section}`);
      await heading(page, section === 'dashboard' ? 'Dashboard' : 'Participants');
      await page.locator('table').first().waitFor();
      expect(await fitsViewport(page), section).toBe(true);
      await shot(page, `console-${section}-360px`);
    }
    await page.goto(`${platform.url}/studies/demo/participants/${codes[0]}`);
    await page.getByRole('heading', { name: 'Timeline' }).waitFor();
    expect(await fitsViewport(page), 'participant').toBe(true);
    await shot(page, 'console-participant-360px');
  });

  it('erases a participant\'s contact details on request, after a confirmation; the address is gone from the page', async () => {
    await page.setViewportSize({ width: 1280, height: 900 });
    await page.goto(`${platform.url}/studies/demo/participants/${codes[1]}`);
    await heading(page, `Participant ${codes[1]}`);
    await page.getByText(ben).first().waitFor();
    await page.getByRole('button', { name: `Erase contact details of ${codes[1]}…` }).click();
    const confirm = page.getByRole('button', { name: `Confirm: erase the email address of ${codes[1]}` });
    // The confirmation takes the focus, so a keyboard user lands on it.
    await expect.poll(() => confirm.evaluate((el) => el === document.activeElement)).toBe(true);
    await confirm.click();
    await page.getByRole('heading', { name: 'Contact details erased' }).waitFor();
    await page.getByText(/planned emails? cancelled/).waitFor();
    await page.reload();
    await page.getByRole('heading', { name: 'Contact details erased' }).waitFor();
    expect(await page.getByText(ben).count()).toBe(0);
    await accessible(page, 'participant-contact-erased');
    await page.goto(`${platform.url}/studies/demo/participants`);
    await page.getByText('contact erased').waitFor();
  });
});


describe('analyst console', () => {
  let page: Page;

  it('sees only exports and the outcome summary', async () => {
    page = await newPage({ width: 390, height: 844 });
    await signIn(page, platform, 'analyst@example.org');
    await page.waitForURL('**/studies/demo/exports');
    await heading(page, 'Exports');
    const nav = page.getByRole('navigation', { name: 'Study sections' });
    expect(await nav.getByRole('link').allTextContents()).toEqual(['Exports', 'Outcome summary']);
    await accessible(page, 'exports');
  });

  it('downloads the long file and the codebook, scored and without contact details', async () => {
    const long = await download(page, 'Download Scores, long (CSV)');
    expect(long.filename).toMatch(/\.csv$/);
    // The page fetched the file as it streamed and says what it saved.
    await page.getByRole('status').getByText(`Saved ${long.filename}`).waitFor();
    const rows = parse(long.text, { columns: true }) as Array<Record<string, string>>;
    const phq = rows.find((r) => r.participant === codes[0] && r.timepoint === 'baseline' && r.instrument === 'phq9');
    expect(phq).toMatchObject({ scale: 'total', value: '9', band: 'mild', status: 'complete' });
    const codebook = await download(page, 'Download Codebook (CSV)');
    expect(codebook.text.split('\n')[0]).toMatch(/column/);
    expect(codebook.text).toContain('phq9');
    for (const text of [long.text, codebook.text]) expect(text).not.toContain('@participants.test');
  });

  it('reads the outcome summary as a table and a figure', async () => {
    await page.getByRole('navigation', { name: 'Study sections' }).getByRole('link', { name: 'Outcome summary' }).click();
    await heading(page, 'Outcome summary');
    const table = page.getByRole('table', { name: 'Outcome summary by instrument, scale and arm' });
    await table.waitFor();
    await table.getByRole('rowheader', { name: 'phq9 · total' }).first().waitFor();
    const figure = page.getByRole('img', { name: /Mean of each scale at each timepoint by arm/ });
    await expect.poll(() => figure.evaluate((img: HTMLImageElement) => img.complete && img.naturalWidth > 0)).toBe(true);
    await shot(page, 'console-outcome-summary');
    await accessible(page, 'outcome-summary');
  });

  it('is told, not shown, when opening a coordinator page', async () => {
    await page.goto(`${platform.url}/studies/demo/dashboard`);
    await page.getByText('This page is not available to your role (analyst).').waitFor();
  });
});

describe('admin console', () => {
  it('manages staff accounts', async () => {
    const page = await newPage();
    await signIn(page, platform, 'admin@example.org');
    await page.getByRole('link', { name: 'Staff', exact: true }).click();
    await heading(page, 'Staff');
    await page.getByRole('rowheader', { name: 'analyst@example.org' }).waitFor();
    await page.getByLabel('Email', { exact: true }).fill('new.coordinator@example.org');
    await page.getByLabel('Name', { exact: true }).fill('New coordinator');
    await page.getByLabel('Mindfulness-Based Pain Management (demo)').check();
    await page.getByRole('button', { name: 'Add staff member' }).click();
    await page.getByText('Saved new.coordinator@example.org.').waitFor();
    await page.getByRole('rowheader', { name: 'new.coordinator@example.org' }).waitFor();
    await shot(page, 'console-staff');
    await accessible(page, 'staff');
  });
});

describe('a sign-in link opened by a mail scanner', () => {
  it('signs nobody in and uses nothing up by being loaded (scripts and all); the person then selects Sign in', async () => {
    const email = 'new.coordinator@example.org';
    const page = await newPage();
    await page.goto(`${platform.url}/`);
    await page.getByLabel('Staff email address').fill(email);
    await page.getByRole('button', { name: 'Email me a sign-in link' }).click();
    await page.getByRole('status').waitFor();
    const link = /(http:\/\/\S+\/staff\/sign-in#code=[\w-]+)/.exec((await waitForEmail(platform, email, /sign-in link/)).body.text)![1]!;

    // The scanner's browser loads the page and runs its scripts, then leaves without clicking.
    const scanner = await newPage();
    await scanner.goto(link);
    await scanner.getByRole('button', { name: 'Sign in', exact: true }).waitFor();
    await scanner.waitForTimeout(1500);
    expect(await scanner.evaluate(() => fetch('/api/auth/me').then((r) => r.status))).toBe(401);
    await accessible(scanner, 'sign-in-link');
    await scanner.context().close();

    // The person, later, with the same link.
    const person = await newPage();
    await person.goto(link);
    await person.getByRole('button', { name: 'Sign in', exact: true }).click();
    await person.getByText(`Signed in as ${email}`).waitFor();
  });
});
