import { mkdirSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import { chromium, type Browser, type Page } from 'playwright-core';
import type { Platform } from '../../scripts/local/platform';
import { artifactsDir } from './browser';
import { waitForEmail } from './platform';

/**
 * One Chromium for the whole file (launching costs seconds); each staff member gets their own
 * context, so their session cookies stay apart. Same binary and flags as browser.ts.
 */
export async function launchBrowser(): Promise<Browser> {
  mkdirSync(artifactsDir, { recursive: true });
  return chromium.launch({
    executablePath: process.env.CHROMIUM_PATH ?? '/usr/bin/chromium',
    headless: true,
    args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'],
  });
}

/** axe-core's browser build, injected from node_modules (never from a CDN). */
const axeSource = readFileSync(createRequire(import.meta.url).resolve('axe-core/axe.min.js'), 'utf8');

export interface AxeViolation {
  id: string;
  impact: string | null;
  help: string;
  nodes: Array<{ target: string[]; failureSummary?: string }>;
}

/** Runs axe on the page as it is now; returns the serious and critical violations, and every violation as `id (impact)`. */
export async function axeCheck(page: Page): Promise<{ serious: AxeViolation[]; all: string[] }> {
  // Evaluated through the DevTools protocol, which the page's CSP does not govern: a <script> tag
  // would be (rightly) refused by script-src 'self', and the tests must run under the real CSP.
  if (!(await page.evaluate(() => 'axe' in window))) await page.evaluate(axeSource);
  // The email preview is a sandboxed iframe (no scripts), which axe cannot enter: check the console document itself.
  const violations = await page.evaluate(async () => {
    const axe = (window as unknown as { axe: { run: (context: Document, options: object) => Promise<{ violations: AxeViolation[] }> } }).axe;
    const result = await axe.run(document, { iframes: false, resultTypes: ['violations'] });
    return result.violations.map((v) => ({ id: v.id, impact: v.impact, help: v.help, nodes: v.nodes.map((n) => ({ target: n.target, failureSummary: n.failureSummary })) }));
  });
  return { serious: violations.filter((v) => v.impact === 'serious' || v.impact === 'critical'), all: violations.map((v) => `${v.id} (${v.impact})`) };
}

/** Signs a staff member in through the emailed link, as a person would. */
export async function signIn(page: Page, platform: Platform, email: string): Promise<void> {
  await page.goto(`${platform.url}/`);
  await page.getByLabel('Staff email address').fill(email);
  await page.getByRole('button', { name: 'Email me a sign-in link' }).click();
  await page.getByRole('status').waitFor();
  const message = await waitForEmail(platform, email, /sign-in link/);
  const link = /(http:\/\/\S+\/staff\/sign-in#code=[\w-]+)/.exec(message.body.text)![1]!;
  await page.goto(link);
  // Loading the link uses nothing up (mail scanners open links): the person selects Sign in.
  await page.getByRole('button', { name: 'Sign in', exact: true }).click();
  await page.getByText(`Signed in as ${email}`).waitFor();
}

/** Clicks a download link and returns the file's name and text. */
export async function download(page: Page, linkName: string | RegExp): Promise<{ filename: string; text: string }> {
  const [file] = await Promise.all([page.waitForEvent('download'), page.getByRole('link', { name: linkName }).click()]);
  const path = await file.path();
  return { filename: file.suggestedFilename(), text: readFileSync(path, 'utf8') };
}

export const shot = (page: Page, name: string) => page.screenshot({ path: join(artifactsDir, `${name}.png`), fullPage: true });

/** True when nothing on the page is wider than the viewport (readable at 360 px without sideways scrolling of the page). */
export const fitsViewport = (page: Page) => page.evaluate(() => document.documentElement.scrollWidth <= window.innerWidth);
