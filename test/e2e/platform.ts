import { createServer } from 'node:net';
import { join } from 'node:path';
import { runningClockFrom } from '../../functions/adapters/system/system-clock';
import { startPlatform, type Platform } from '../../scripts/local/platform';

const freePort = () =>
  new Promise<number>((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as { port: number };
      server.close(() => resolve(port));
    });
  });

/** The platform's recent log lines (dispatcher passes and errors), kept for a test's failure message. */
const recentLogs = new WeakMap<Platform, string[]>();
const KEPT_LOG_LINES = 100;

/**
 * The whole local platform, in memory, on free ports: what `npm start` runs. Its clock starts at
 * 10:00 London time on a Monday, so the 09:00 baseline invitation is due whatever the real hour.
 * Unless `logging.log` is given, its log is kept (the last lines) and quoted when an awaited
 * email does not come, so a failure says what the dispatcher did meanwhile.
 */
export async function startTestPlatform(
  /** Where the web app is built and served from (this checkout by default). */
  root = join(import.meta.dirname, '..', '..'),
  /** Where the platform's log lines go (nowhere by default), and whether it logs a line per request. */
  logging: { log?: (line: string) => void; logRequests?: boolean } = {},
  /** `syntheticDemo`: give the demo study its synthetic history, as `npm start` does on a first start. */
  options: { syntheticDemo?: boolean } = {},
): Promise<Platform> {
  const kept: string[] = [];
  const keep = (line: string) => {
    kept.push(`${new Date().toISOString()} ${line}`);
    if (kept.length > KEPT_LOG_LINES) kept.shift();
  };
  const platform = await startPlatform({
    ...(options.syntheticDemo ? { syntheticDemo: true } : {}),
    root,
    port: await freePort(),
    dynamoPort: 0,
    sesPort: 0,
    dataDir: null,
    dispatchEveryMs: 60_000,
    seedDemo: true,
    log: logging.log ?? keep,
    logRequests: logging.logRequests ?? false,
    clock: runningClockFrom('2026-03-02T10:00:00.000Z'),
  });
  recentLogs.set(platform, kept);
  return platform;
}

/** What the platform logged lately, oldest first (empty when the test took its log elsewhere). */
export const recentLog = (platform: Platform): string[] => [...(recentLogs.get(platform) ?? [])];

export interface InboxEmail {
  destination: { to: string[] };
  subject: string;
  body: { text: string; html?: string };
}

/** Waits for an email to arrive for `to` whose subject matches. */
export async function waitForEmail(platform: Platform, to: string, subject: RegExp, timeoutMs = 15_000): Promise<InboxEmail> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    const { emails } = (await (await fetch(`${platform.inboxUrl}/store`)).json()) as { emails: InboxEmail[] };
    const found = emails.filter((e) => e.destination.to.some((a) => a.includes(to)) && subject.test(e.subject)).at(-1);
    if (found) return found;
    await new Promise((r) => setTimeout(r, 200));
  }
  const log = recentLog(platform);
  throw new Error(`no email to ${to} matching ${subject} within ${timeoutMs / 1000} s${log.length > 0 ? `; the platform's last log lines:\n${log.join('\n')}` : ''}`);
}
