import { existsSync, readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';

/** Newest modification time of any file under a folder. */
function newest(dir: string): number {
  let latest = 0;
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    if (entry.name === 'dist' || entry.name === 'node_modules') continue;
    const path = join(dir, entry.name);
    latest = Math.max(latest, entry.isDirectory() ? newest(path) : statSync(path).mtimeMs);
  }
  return latest;
}

/** Builds the web app with Vite when web/dist is missing or older than its sources (or the instruments). */
export async function ensureWebBuild(root: string, log: (line: string) => void): Promise<string> {
  const dist = join(root, 'web', 'dist');
  const marker = join(dist, 'participant.html');
  const sources = Math.max(newest(join(root, 'web')), newest(join(root, 'surveys')));
  if (existsSync(marker) && statSync(marker).mtimeMs >= sources) return dist;
  log('Building the web app (first start, or its sources changed)…');
  const { build } = await import('vite');
  await build({ configFile: join(root, 'web', 'vite.config.ts'), logLevel: 'warn' });
  return dist;
}
