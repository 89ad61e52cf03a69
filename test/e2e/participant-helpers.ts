import { randomBytes } from 'node:crypto';
import { parse } from 'csv-parse/sync';
import type { BrowserContext, Page } from 'playwright-core';
import { loadConfig } from '../../functions/config';
import { demoStudy } from '../../functions/demo/demo-study';
import { buildDependencies } from '../../functions/dependencies';
import type { AppDeps } from '../../functions/http/env';
import { LINK_TOKEN_HEADER } from '../../functions/http/link-token';
import type { Study } from '../../functions/core/study/study';
import { createStudyIfAbsent } from '../../functions/use-cases/create-study';
import { LOCAL_TABLES } from '../../scripts/local/data-connection';
import type { Platform } from '../../scripts/local/platform';
import { completeAnswers, fakeLicensedText } from '../helpers/licensed-fixtures';
import { waitForEmail } from './platform';

export const phone = { name: 'phone', viewport: { width: 360, height: 740 }, isMobile: true, hasTouch: true } as const;
export const desktop = { name: 'desktop', viewport: { width: 1280, height: 900 }, isMobile: false, hasTouch: false } as const;
export type Device = typeof phone | typeof desktop;

/** A battery of four questionnaires, eleven pages: PROMIS-29 (licensed: test wording loaded here) before the demo's three. */
export const longStudy: Study = {
  ...demoStudy,
  id: 'long-battery',
  name: 'Long battery (browser tests)',
  protocol: {
    version: 1,
    timepoints: [
      {
        ...demoStudy.protocol.timepoints[0]!,
        instruments: [{ id: 'promis29', version: '2.0' }, ...demoStudy.protocol.timepoints[0]!.instruments],
      },
    ],
  },
};

export interface Invited {
  code: string;
  email: string;
  token: string;
  url: string;
  /** The stop-emails link at the foot of the invitation. */
  unsubscribeUrl: string;
}

/**
 * What the participant tests need from the platform: a coordinator's API session (enrol,
 * withdraw, export, as the console would), and the platform's own repositories for the states a
 * browser test cannot wait days for (a window that has closed, one that opens next month).
 */
export class ParticipantFixtures {
  private constructor(
    readonly platform: Platform,
    readonly deps: AppDeps,
    private readonly bearer: string,
  ) {}

  static async start(platform: Platform): Promise<ParticipantFixtures> {
    const deps = buildDependencies(
      loadConfig({
        TIMEPOINT_BASE_URL: platform.url,
        ...LOCAL_TABLES,
        AWS_REGION: 'eu-west-2',
        DYNAMODB_ENDPOINT: platform.dynamoEndpoint,
        SES_ENDPOINT: platform.inboxUrl,
        TIMEPOINT_SYSTEM_SENDER: 'timepoint@example.org',
      }),
    );
    // The long battery: its study, PROMIS-29's stand-in licensed wording, and the coordinator on it.
    await createStudyIfAbsent(deps, longStudy);
    const promis = (await deps.catalogue.find('promis29', '2.0'))!;
    await deps.licensedTexts.put(fakeLicensedText(promis.scoring));
    const coordinator = (await deps.staff.get('coordinator@example.org'))!;
    await deps.staff.put({ ...coordinator, studies: [...new Set([...coordinator.studies, longStudy.id])] });

    await fetch(`${platform.url}/api/auth/login`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ email: coordinator.email }) });
    const mail = await waitForEmail(platform, coordinator.email, /sign-in link/);
    const code = /#code=([\w-]+)/.exec(mail.body.text)![1]!;
    const verified = await fetch(`${platform.url}/api/auth/verify`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ code }) });
    const { token } = (await verified.json()) as { token: string };
    return new ParticipantFixtures(platform, deps, token);
  }

  async api(method: string, path: string, body?: unknown): Promise<Response> {
    return fetch(`${this.platform.url}${path}`, {
      method,
      headers: { authorization: `Bearer ${this.bearer}`, ...(body === undefined ? {} : { 'content-type': 'application/json' }) },
      ...(body === undefined ? {} : { body: JSON.stringify(body) }),
    });
  }

  /** Enrols a participant; the platform's dispatcher emails the baseline link, which is read from the inbox. */
  async invite(options: { study?: string; language?: 'en' | 'fr'; label?: string } = {}): Promise<Invited> {
    const email = `${options.label ?? 'p'}-${randomBytes(4).toString('hex')}@participants.test`;
    const response = await this.api('POST', `/api/studies/${options.study ?? 'demo'}/participants`, {
      email,
      arm: 'mbpm',
      ...(options.language ? { language: options.language } : {}),
    });
    if (response.status !== 201) throw new Error(`enrolment failed: ${response.status} ${await response.text()}`);
    const { code } = (await response.json()) as { code: string };
    const invitation = await waitForEmail(this.platform, email, /./, 30_000).catch(async (error: Error) => {
      throw new Error(`${error.message}\nthe participant's ledger: ${await this.ledger(options.study ?? 'demo', code)}`);
    });
    const url = /(http:\/\/\S+\/p\/#[\w-]{43})/.exec(invitation.body.text)![1]!;
    const unsubscribeUrl = /(http:\/\/\S+\/u\/#[\w-]+)/.exec(invitation.body.text)![1]!;
    return { code, email, url, unsubscribeUrl, token: url.split('/p/#')[1]! };
  }

  /** A participant's messages as the dispatcher left them (kind, status, attempts, reason), for a failure message. */
  private async ledger(study: string, code: string): Promise<string> {
    const messages = await this.deps.messages.listForParticipant(study, code).catch((error: Error) => error);
    if (messages instanceof Error) return `unreadable (${messages.message})`;
    return JSON.stringify(messages.map(({ timepoint, kind, n, status, sendAt, attempts, reason }) => ({ timepoint, kind, n, status, sendAt, attempts, reason })));
  }

  /** What the link API says now (status, saved answers …). */
  async view(token: string): Promise<{ status: string; answers: Record<string, unknown>; language: string }> {
    return (await (await fetch(`${this.platform.url}/api/p`, { headers: { [LINK_TOKEN_HEADER]: token } })).json()) as never;
  }

  /** Every item of a study's baseline answered with its first real code, submitted through the API. */
  async completeByApi(token: string, study: Study = demoStudy): Promise<void> {
    const installed = await this.deps.catalogue.list();
    const definitions = study.protocol.timepoints[0]!.instruments.map(({ id, version }) => installed.find((i) => i.id === id && i.version === version)!.scoring);
    const response = await fetch(`${this.platform.url}/api/p/submit`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', [LINK_TOKEN_HEADER]: token },
      body: JSON.stringify({ answers: completeAnswers(definitions) }),
    });
    if (response.status !== 200) throw new Error(`submit failed: ${response.status} ${await response.text()}`);
  }

  async withdraw(code: string, study = 'demo'): Promise<void> {
    const response = await this.api('POST', `/api/studies/${study}/participants/${code}/withdraw`, { reason: 'browser test' });
    if (response.status !== 200) throw new Error(`withdraw failed: ${response.status} ${await response.text()}`);
  }

  /** The window closes without an answer: the same transition the dispatcher makes at closing time. */
  async expire(code: string, study = 'demo'): Promise<void> {
    const instance = (await this.deps.instances.get(study, code, 'baseline'))!;
    if (!(await this.deps.instances.end(instance, 'expired', 'window closed (browser test)', this.deps.clock.now()))) throw new Error('could not expire');
  }

  /**
   * A link to the participant's week-8 questionnaires, which open weeks from now. Links are only
   * emailed when a window opens, so the test writes one the way the dispatcher does (by hash).
   */
  async notYetOpenLink(code: string, study = 'demo'): Promise<string> {
    const deadline = Date.now() + 15_000;
    while ((await this.deps.instances.get(study, code, 'week8')) === null) {
      if (Date.now() > deadline) throw new Error('week 8 was never planned');
      await new Promise((r) => setTimeout(r, 200));
    }
    const token = randomBytes(32).toString('base64url');
    await this.deps.links.put(this.deps.secrets.hash(token), { studyId: study, code, timepoint: 'week8', createdAt: new Date().toISOString() });
    return `${this.platform.url}/p/#${token}`;
  }

  /**
   * A link to baseline questionnaires whose licensed wording is not installed. The dispatcher never
   * emails one (it holds the invitation), so this is a link issued earlier (e.g. under an older
   * protocol version), written the way the dispatcher writes links (by hash).
   */
  async linkWithoutWording(study = 'aygun2024'): Promise<string> {
    const email = `unready-${randomBytes(4).toString('hex')}@participants.test`;
    const response = await this.api('POST', `/api/studies/${study}/participants`, { email, arm: 'mbpm' });
    if (response.status !== 201) throw new Error(`enrolment failed: ${response.status} ${await response.text()}`);
    const { code } = (await response.json()) as { code: string };
    const token = randomBytes(32).toString('base64url');
    await this.deps.links.put(this.deps.secrets.hash(token), { studyId: study, code, timepoint: 'baseline', createdAt: new Date().toISOString() });
    return `${this.platform.url}/p/${token}`;
  }

  /** The participant's baseline rows in the long export, as an analyst downloads them. */
  async exportedScores(code: string, study = 'demo'): Promise<string[][]> {
    const response = await this.api('GET', `/api/studies/${study}/export?format=long`);
    if (response.status !== 200) throw new Error(`export failed: ${response.status}`);
    const rows = parse(await response.text(), { columns: true }) as Array<Record<string, string>>;
    return rows.filter((r) => r.participant === code && r.timepoint === 'baseline').map((r) => [r.instrument!, r.scale!, r.value!, r.status!]);
  }
}

/** A fresh browser context (its own storage) at a device's size. */
export const newDeviceContext = (browser: { newContext: (o: object) => Promise<BrowserContext> }, device: Device) =>
  browser.newContext({ viewport: device.viewport, isMobile: device.isMobile, hasTouch: device.hasTouch, deviceScaleFactor: 1 });

/** The status line's current wording. */
export const saveStatus = (page: Page) => page.getByRole('status').first().textContent();

/** The progress heading, e.g. "Questionnaire 2 of 4 · page 10 of 11". */
export const progress = (page: Page) => page.locator('h2.progress-line').textContent();

/** True when the page is no wider than the screen (nothing to scroll sideways). */
export const noSidewaysScroll = (page: Page) =>
  page.evaluate(() => document.scrollingElement!.scrollWidth <= document.scrollingElement!.clientWidth);
