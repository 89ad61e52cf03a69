import { join } from 'node:path';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Platform } from '../../scripts/local/platform';
import { artifactsDir } from './browser';
import { axeCheck, launchBrowser } from './console-helpers';
import { desktop, newDeviceContext, noSidewaysScroll, ParticipantFixtures, phone, progress, saveStatus, type Device } from './participant-helpers';
import { startTestPlatform } from './platform';

/**
 * The participant's questionnaires in a browser, on a phone and on a desktop: a whole battery,
 * save and resume across reloads and devices, offline and back, keyboard only, French. Every
 * request the page makes is watched: only the page's own host, and never a Referer.
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
  console.log(`axe-core, violations of any impact by participant page: ${JSON.stringify(axeReport)}`);
});

const labels = ['Not at all', 'Several days', 'More than half the days', 'Nearly every day'];
const phq = [1, 2, 1, 1, 0, 1, 2, 0, 0];
const gad = [1, 1, 0, 0, 2, 1, 0];
const peg = [7, 5, 6];
const offlineText = 'Offline – your answers are kept on this device and will be sent when you are back online';

/** A context for one device whose every request is recorded (URL, and any Referer it carried). */
async function watchedDevice(device: Device) {
  const context = await newDeviceContext(browser, device);
  const requests: Array<{ url: string; referer: string | undefined }> = [];
  context.on('request', (request) => {
    void request.allHeaders().then((headers) => requests.push({ url: request.url(), referer: headers.referer }));
  });
  return { context, requests };
}

/** Only the page's own host was contacted, and no request said where it came from (the token is in the page's URL). */
function expectOnlyOwnHost(requests: Array<{ url: string; referer: string | undefined }>) {
  expect(requests.length).toBeGreaterThan(0);
  const own = new URL(platform.url).origin;
  expect(requests.filter((r) => !r.url.startsWith('data:') && new URL(r.url).origin !== own)).toEqual([]);
  // No Referer at all (an empty header carries nothing), so the token cannot leak through one.
  expect(requests.filter((r) => r.referer)).toEqual([]);
}

async function accessible(page: Page, name: string) {
  const { serious, all } = await axeCheck(page);
  axeReport[name] = all;
  expect(serious, `${name}: ${JSON.stringify(serious, null, 2)}`).toEqual([]);
}

const shot = (page: Page, name: string) => page.screenshot({ path: join(artifactsDir, `participant-${name}.png`), fullPage: true });

/** Picks a choice the way the device would: a tap on a phone, a click on a desktop. */
async function choose(page: Page, device: Device, item: string, value: number) {
  const choice = page.locator(`[data-name="${item}"] label:has(input[value="${value}"])`);
  if (device.hasTouch) await choice.tap();
  else await choice.click();
}

/** Every question on the page shown now answered with its first choice. */
async function answerPage(page: Page, device: Device, count = Infinity) {
  const questions = page.locator('.sd-page .sd-question[data-name]');
  await questions.first().waitFor();
  const n = Math.min(count, await questions.count());
  for (let i = 0; i < n; i++) {
    const choice = questions.nth(i).locator('label:has(input[type=radio])').first();
    if (device.hasTouch) await choice.tap();
    else await choice.click();
  }
}

const next = (page: Page) => page.getByRole('button', { name: 'Next' }).click();
const checked = (page: Page, item: string, value: number) => page.locator(`[data-name="${item}"] input[value="${value}"]`).isChecked();
const unsentKeys = (page: Page) =>
  page.evaluate(() => Object.keys(localStorage).filter((k) => k.startsWith('timepoint:unsent:')).map((k) => [k, localStorage.getItem(k) ?? ''] as [string, string]));

describe.each([phone, desktop])('the questionnaires on a $name', (device) => {
  let context: BrowserContext;
  let requests: Array<{ url: string; referer: string | undefined }>;

  beforeAll(async () => {
    ({ context, requests } = await watchedDevice(device));
  });
  afterAll(async () => {
    await context?.close();
  });

  it('completes the demo battery a page at a time, ends on a thank-you page, and the scores are stored', async () => {
    const participant = await fixtures.invite({ label: `complete-${device.name}` });
    const page = await context.newPage();
    await page.goto(participant.url);
    await page.getByRole('heading', { level: 1, name: 'Mindfulness-Based Pain Management (demo)' }).waitFor();
    expect(await progress(page)).toBe('Questionnaire 1 of 3 · page 1 of 3');
    expect(await page.evaluate(() => document.documentElement.lang)).toBe('en');
    // SurveyJS lays itself out for a phone below 600 px, and for a desktop above.
    expect(await page.locator('.sd-root-modern--mobile').count()).toBe(device.isMobile ? 1 : 0);
    if (device === phone) {
      // Every choice and button is a comfortable touch target.
      const small = await page.evaluate(() =>
        [...document.querySelectorAll('label.sd-selectbase__label, .sd-navigation__next-btn')]
          .map((e) => e.getBoundingClientRect())
          .filter((r) => r.height < 44 || r.width < 44).length,
      );
      expect(small).toBe(0);
    }
    expect(await noSidewaysScroll(page)).toBe(true);
    await accessible(page, `form-phq9-${device.name}`);

    for (const [i, answer] of phq.entries()) await choose(page, device, `PHQ9_${i + 1}`, answer);
    // The difficulty item appears once a symptom is reported (it is optional).
    await page.locator('[data-name="PHQ9_10"]').waitFor();
    await shot(page, `phq9-${device.name}`);
    await next(page);
    expect(await progress(page)).toBe('Questionnaire 2 of 3 · page 2 of 3');
    // Focus goes to the top of the new page (keyboard and screen-reader users start there).
    expect(await page.evaluate(() => document.activeElement?.className)).toContain('progress-line');
    for (const [i, answer] of gad.entries()) await choose(page, device, `GAD7_${i + 1}`, answer);
    await accessible(page, `form-gad7-${device.name}`);
    await next(page);
    expect(await progress(page)).toBe('Questionnaire 3 of 3 · page 3 of 3');
    for (const [i, answer] of peg.entries()) await choose(page, device, `PEG_${i + 1}`, answer);
    expect(await noSidewaysScroll(page)).toBe(true);
    await accessible(page, `form-peg3-${device.name}`);
    await shot(page, `peg3-${device.name}`);
    await page.getByRole('button', { name: 'Submit my answers' }).click();

    await page.getByRole('heading', { level: 1, name: 'Thank you' }).waitFor();
    expect(await page.title()).toBe('Thank you');
    expect(await page.evaluate(() => document.activeElement?.tagName)).toBe('H1');
    await accessible(page, `thank-you-${device.name}`);
    await shot(page, `thank-you-${device.name}`);
    expect(await fixtures.exportedScores(participant.code)).toEqual([
      ['phq9', 'total', '8', 'complete'],
      ['gad7', 'total', '5', 'complete'],
      ['peg3', 'peg', '6', 'complete'],
    ]);
    // Reopening the link: the completed state, no form.
    await page.reload();
    await page.getByRole('heading', { level: 1, name: 'Thank you' }).waitFor();
    expect(await page.locator('.sd-root-modern').count()).toBe(0);
    expect(await unsentKeys(page)).toEqual([]);
    // The form's code (SurveyJS) came in its own chunk, from this host.
    expect(requests.some((r) => /\/assets\/questionnaire-form-[\w-]+\.js$/.test(r.url))).toBe(true);
    expectOnlyOwnHost(requests);
    // The token stayed in the fragment: no request the browser made (what an access log records) carried it.
    expect(participant.url).toContain('/p/#');
    expect(requests.filter((r) => r.url.includes(participant.token))).toEqual([]);
    await page.close();
  });

  it('opens a link emailed in the older form (/p/<token>), then keeps the token out of every later request', async () => {
    const participant = await fixtures.invite({ label: `old-link-${device.name}` });
    const page = await context.newPage();
    const before = requests.length;
    await page.goto(`${platform.url}/p/${participant.token}`);
    await page.getByRole('heading', { level: 1, name: 'Mindfulness-Based Pain Management (demo)' }).waitFor();
    // The address bar now shows the current form: a reload or a bookmark never sends the token again.
    expect(new URL(page.url()).pathname).toBe('/p/');
    expect(new URL(page.url()).hash).toBe(`#${participant.token}`);
    await choose(page, device, 'PHQ9_1', 1);
    await expect.poll(() => saveStatus(page), { timeout: 10_000 }).toBe('Saved');
    await page.reload();
    await expect.poll(() => progress(page), { timeout: 20_000 }).toBe('Questionnaire 1 of 3 · page 1 of 3');
    expect(await checked(page, 'PHQ9_1', 1)).toBe(true);
    // Only the first navigation (the emailed URL itself) carried the token.
    const carrying = requests.slice(before).filter((r) => r.url.includes(participant.token));
    expect(carrying.map((r) => new URL(r.url).pathname)).toEqual([`/p/${participant.token}`]);
    expectOnlyOwnHost(requests);
    await page.close();
  });

  it('saves as the participant goes: a reload, and then another device, resume on the first unanswered page', async () => {
    const participant = await fixtures.invite({ study: 'long-battery', label: `resume-${device.name}` });
    const page = await context.newPage();
    await page.goto(participant.url);
    expect(await progress(page)).toBe('Questionnaire 1 of 4 · page 1 of 11');
    for (let p = 1; p <= 3; p++) {
      await answerPage(page, device);
      await next(page);
    }
    expect(await progress(page)).toBe('Questionnaire 1 of 4 · page 4 of 11');
    // Half of page 4: two of its four questions.
    await answerPage(page, device, 2);
    await expect.poll(() => saveStatus(page), { timeout: 10_000 }).toBe('Saved');
    const saved = await fixtures.view(participant.token);
    expect(saved.status).toBe('started');
    expect(Object.keys(saved.answers)).toHaveLength(14);

    await page.reload();
    await expect.poll(() => progress(page), { timeout: 20_000 }).toBe('Questionnaire 1 of 4 · page 4 of 11');
    const [first, second, third] = await page.locator('.sd-page .sd-question[data-name]').evaluateAll((els) => els.map((e) => e.getAttribute('data-name')!));
    expect([await page.locator(`[data-name="${first}"] input:checked`).count(), await page.locator(`[data-name="${second}"] input:checked`).count()]).toEqual([1, 1]);
    expect(await page.locator(`[data-name="${third}"] input:checked`).count()).toBe(0);
    await shot(page, `resumed-${device.name}`);

    // The same link on a second device (no shared storage): the server's copy is enough.
    const other = await newDeviceContext(browser, device);
    const second_ = await other.newPage();
    await second_.goto(participant.url);
    await expect.poll(() => progress(second_), { timeout: 20_000 }).toBe('Questionnaire 1 of 4 · page 4 of 11');
    expect(await second_.locator(`[data-name="${first}"] input:checked`).count()).toBe(1);
    // Earlier pages keep their answers too.
    await second_.getByRole('button', { name: 'Previous' }).click();
    expect(await progress(second_)).toBe('Questionnaire 1 of 4 · page 3 of 11');
    expect(await second_.locator('.sd-page input:checked').count()).toBe(4);
    expect(await noSidewaysScroll(second_)).toBe(true);
    await other.close();
    await page.close();
    expectOnlyOwnHost(requests);
  });

  it('keeps answers on the device while offline, sends them when back online, and queues a submit made offline', async () => {
    const participant = await fixtures.invite({ label: `offline-${device.name}` });
    // Its own context: were this test to fail while offline, the others would not inherit a dead network.
    const { context: offlineContext, requests: seen } = await watchedDevice(device);
    const page = await offlineContext.newPage();
    await page.goto(participant.url);
    for (const [i, answer] of phq.entries()) await choose(page, device, `PHQ9_${i + 1}`, answer);
    await next(page);
    await expect.poll(() => saveStatus(page), { timeout: 10_000 }).toBe('Saved');

    await offlineContext.setOffline(true);
    for (const [i, answer] of gad.entries()) await choose(page, device, `GAD7_${i + 1}`, answer);
    await expect.poll(() => saveStatus(page), { timeout: 10_000 }).toBe(offlineText);
    await shot(page, `offline-${device.name}`);
    await accessible(page, `form-offline-${device.name}`);
    // Nothing of GAD-7 reached the server; all of it is kept on the device, under a hash, never the token.
    expect(Object.keys((await fixtures.view(participant.token)).answers).some((k) => k.startsWith('GAD7'))).toBe(false);
    const kept = await unsentKeys(page);
    expect(kept).toHaveLength(1);
    expect(JSON.parse(kept[0]![1]).answers).toMatchObject({ GAD7_1: 1, GAD7_5: 2 });
    expect(JSON.stringify(kept)).not.toContain(participant.token);

    await offlineContext.setOffline(false);
    await expect.poll(() => saveStatus(page), { timeout: 15_000 }).toBe('Saved');
    expect((await fixtures.view(participant.token)).answers).toMatchObject({ GAD7_1: 1, GAD7_5: 2, GAD7_7: 0 });

    await next(page);
    for (const [i, answer] of peg.entries()) await choose(page, device, `PEG_${i + 1}`, answer);
    await offlineContext.setOffline(true);
    await page.getByRole('button', { name: 'Submit my answers' }).click();
    await page.getByRole('heading', { level: 1, name: 'Your answers will be sent when you are back online' }).waitFor();
    expect(await saveStatus(page)).toBe(offlineText);
    await accessible(page, `queued-${device.name}`);
    await shot(page, `queued-${device.name}`);
    expect((await fixtures.view(participant.token)).status).toBe('started');
    // The submit is remembered on the device (PEG-3's answers are kept there too unless a save got them out first).
    expect(JSON.parse((await unsentKeys(page))[0]![1])).toMatchObject({ submit: true });

    await offlineContext.setOffline(false);
    await page.getByRole('heading', { level: 1, name: 'Thank you' }).waitFor({ timeout: 20_000 });
    expect((await fixtures.view(participant.token)).status).toBe('completed');
    expect(await unsentKeys(page)).toEqual([]);
    expect(await fixtures.exportedScores(participant.code)).toEqual([
      ['phq9', 'total', '8', 'complete'],
      ['gad7', 'total', '5', 'complete'],
      ['peg3', 'peg', '6', 'complete'],
    ]);
    await offlineContext.close();
    expectOnlyOwnHost(seen);
  });

  it('can be completed with the keyboard alone', async () => {
    const participant = await fixtures.invite({ label: `keyboard-${device.name}` });
    const page = await context.newPage();
    await page.goto(participant.url);
    await page.locator('h2.progress-line').waitFor();

    /** Tabs forward until focus is inside `item`'s choices (or on the button named `button`). */
    const tabTo = async (target: { item: string } | { button: string }) => {
      for (let presses = 0; presses < 60; presses++) {
        await page.keyboard.press('Tab');
        const here = await page.evaluate(() => {
          const active = document.activeElement as HTMLElement | null;
          return { item: active?.closest('[data-name]')?.getAttribute('data-name'), button: active?.getAttribute('value') ?? active?.textContent?.trim() };
        });
        if ('item' in target ? here.item === target.item : here.button === target.button) return;
      }
      throw new Error(`could not reach ${JSON.stringify(target)} with Tab`);
    };
    /** The first choice with Space, then down the list with the arrow keys (as a native radio group works). */
    const pick = async (item: string, index: number) => {
      await tabTo({ item });
      await page.keyboard.press('Space');
      for (let i = 0; i < index; i++) await page.keyboard.press('ArrowDown');
    };

    for (const [i, answer] of phq.entries()) await pick(`PHQ9_${i + 1}`, answer);
    // The focused choice is visibly marked.
    const outline = await page.evaluate(() => getComputedStyle((document.activeElement as HTMLElement).nextElementSibling!).outlineStyle);
    expect(outline).toBe('solid');
    await tabTo({ button: 'Next' });
    await page.keyboard.press('Enter');
    await expect.poll(() => progress(page)).toBe('Questionnaire 2 of 3 · page 2 of 3');
    for (const [i, answer] of gad.entries()) await pick(`GAD7_${i + 1}`, answer);
    await tabTo({ button: 'Next' });
    await page.keyboard.press('Enter');
    await expect.poll(() => progress(page)).toBe('Questionnaire 3 of 3 · page 3 of 3');
    for (const [i, answer] of peg.entries()) {
      await tabTo({ item: `PEG_${i + 1}` });
      await page.keyboard.press('Space');
      for (let k = 0; k < answer; k++) await page.keyboard.press('ArrowRight');
    }
    await tabTo({ button: 'Submit my answers' });
    await page.keyboard.press('Enter');
    await page.getByRole('heading', { level: 1, name: 'Thank you' }).waitFor();
    expect(await fixtures.exportedScores(participant.code)).toEqual([
      ['phq9', 'total', '8', 'complete'],
      ['gad7', 'total', '5', 'complete'],
      ['peg3', 'peg', '6', 'complete'],
    ]);
    await page.close();
  });

  it('speaks French to a French participant: the page, SurveyJS’s own buttons and messages, and <html lang>', async () => {
    const participant = await fixtures.invite({ language: 'fr', label: `fr-${device.name}` });
    const { context: offlineContext } = await watchedDevice(device);
    const page = await offlineContext.newPage();
    await page.goto(participant.url);
    await expect.poll(() => progress(page)).toBe('Questionnaire 1 sur 3 · page 1 sur 3');
    expect(await page.evaluate(() => document.documentElement.lang)).toBe('fr');
    expect(await page.getByText('Merci de les remplir avant le', { exact: false }).count()).toBe(1);
    expect(await saveStatus(page)).toContain('Vos réponses sont enregistrées au fur et à mesure');
    // Next without answering: SurveyJS's button and its required-answer message, in French.
    await page.getByRole('button', { name: 'Suivant' }).click();
    await page.getByText('La réponse à cette question est obligatoire.').first().waitFor();
    await accessible(page, `form-fr-errors-${device.name}`);
    await shot(page, `fr-errors-${device.name}`);
    await answerPage(page, device);
    await expect.poll(() => saveStatus(page), { timeout: 10_000 }).toBe('Enregistré');
    await offlineContext.setOffline(true);
    await page.getByRole('button', { name: 'Suivant' }).click();
    await answerPage(page, device, 1);
    await expect.poll(() => saveStatus(page), { timeout: 10_000 }).toContain('Hors ligne');
    await offlineContext.setOffline(false);
    await expect.poll(() => saveStatus(page), { timeout: 15_000 }).toBe('Enregistré');

    await fixtures.completeByApi(participant.token);
    await page.reload();
    await page.getByRole('heading', { level: 1, name: 'Merci' }).waitFor();
    expect(await page.evaluate(() => document.documentElement.lang)).toBe('fr');
    await shot(page, `fr-completed-${device.name}`);
    await offlineContext.close();
  });
});
