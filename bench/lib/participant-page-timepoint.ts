/**
 * Timepoint's side of bench/participant-page.ts: the web app built as shipped (web/vite.config.ts,
 * production) into a temporary folder, served by the real local platform (scripts/local/platform.ts,
 * in memory, demo studies seeded, fixed clock), and fresh participant links obtained the way a
 * coordinator gets them: sign in by emailed code, enrol, wait for the invitation email.
 */
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { build } from 'vite';
import { LINK_TOKEN_HEADER } from '../../functions/http/link-token';
import type { Platform } from '../../scripts/local/platform';
import { waitForEmail } from '../../test/e2e/platform';
import type { ParticipantView } from './participant-page-floor';

const repoRoot = join(import.meta.dirname, '..', '..');

/**
 * Builds web/ with its own Vite config (both entries, as deployed) into `<root>/web/dist`. The
 * platform is then started with `root` as its root: ensureWebBuild finds a build newer than every
 * source under `<root>/web` and `<root>/surveys` (there are none) and serves it unchanged, so the
 * repository's own web/dist (which others may be rebuilding) is never read or written.
 */
export async function buildTimepointWeb(root: string): Promise<string> {
  const outDir = join(root, 'web', 'dist');
  mkdirSync(join(root, 'surveys'), { recursive: true });
  await build({
    configFile: join(repoRoot, 'web', 'vite.config.ts'),
    mode: 'production',
    logLevel: 'warn',
    build: { outDir, emptyOutDir: true },
  });
  return outDir;
}

async function api<T>(platform: Platform, method: string, path: string, body?: unknown, token?: string): Promise<T> {
  const response = await fetch(`${platform.url}${path}`, {
    method,
    headers: { ...(body === undefined ? {} : { 'content-type': 'application/json' }), ...(token ? { authorization: `Bearer ${token}` } : {}) },
    ...(body === undefined ? {} : { body: JSON.stringify(body) }),
  });
  if (!response.ok) throw new Error(`${method} ${path}: ${response.status} ${await response.text()}`);
  return (await response.json()) as T;
}

/**
 * `count` participants enrolled in `study`/`arm`, each with their own invitation link (as
 * emailed; the dispatcher sends at once). One participant per sample: a sample taps the first
 * answer, which the page may save, so a link is never opened twice.
 */
export async function participantLinks(platform: Platform, count: number, study = 'demo', arm = 'mbpm'): Promise<string[]> {
  const staff = 'coordinator@example.org';
  await api(platform, 'POST', '/api/auth/login', { email: staff });
  const signIn = await waitForEmail(platform, staff, /sign-in link/);
  const code = /#code=([\w-]+)/.exec(signIn.body.text)?.[1];
  if (!code) throw new Error('no sign-in code in the email');
  const { token } = await api<{ token: string }>(platform, 'POST', '/api/auth/verify', { code });
  const stamp = Date.now();
  const emails = Array.from({ length: count }, (_, i) => `bench-${stamp}-${i}@participants.test`);
  for (const email of emails) await api(platform, 'POST', `/api/studies/${study}/participants`, { email, arm }, token);
  const links: string[] = [];
  for (const email of emails) {
    const invitation = await waitForEmail(platform, email, /./, 30_000);
    const link = /(https?:\/\/\S+\/p\/#[\w-]+)/.exec(invitation.body.text)?.[1];
    if (!link) throw new Error(`no participant link in the email to ${email}`);
    links.push(link);
  }
  return links;
}

/** What the participant page will fetch for a link (GET /api/p, the token from the link's fragment in its header: a read, it changes nothing). */
export async function participantView(platform: Platform, link: string): Promise<ParticipantView> {
  const token = new URL(link).hash.slice(1);
  const response = await fetch(`${platform.url}/api/p`, { headers: { [LINK_TOKEN_HEADER]: token } });
  if (!response.ok) throw new Error(`GET /api/p: ${response.status} ${await response.text()}`);
  return (await response.json()) as ParticipantView;
}

/** The link on 127.0.0.1 (where the platform listens), so neither page pays for resolving `localhost`. */
export function onLoopback(link: string): string {
  const url = new URL(link);
  url.hostname = '127.0.0.1';
  return url.toString();
}
