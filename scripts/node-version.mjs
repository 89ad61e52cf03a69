import { readFileSync } from 'node:fs';

/** The oldest Node.js the project runs on, from package.json's `engines` (">=20.11"). */
export const minimumNode = JSON.parse(readFileSync(new URL('../package.json', import.meta.url), 'utf8')).engines.node.replace(/^>=\s*/, '');

const parts = (version) => version.split('.').map((n) => Number.parseInt(n, 10) || 0);

/** Why this Node.js cannot run Timepoint, in one line; null when it can. */
export function nodeVersionProblem(version, minimum = minimumNode) {
  const [have, need] = [parts(version), parts(minimum)];
  for (let i = 0; i < Math.max(have.length, need.length); i += 1) {
    if ((have[i] ?? 0) > (need[i] ?? 0)) return null;
    if ((have[i] ?? 0) < (need[i] ?? 0)) {
      return `Node.js ${minimum} or newer is needed, and this is Node.js ${version}: install a current Node.js (https://nodejs.org) and run the command again`;
    }
  }
  return null;
}
