import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { minimumNode, nodeVersionProblem } from '../../scripts/node-version.mjs';

const root = join(import.meta.dirname, '..', '..');
const pkg = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8')) as {
  bin?: string | Record<string, string>;
  main?: string;
  exports?: unknown;
  scripts: Record<string, string>;
  engines: { node: string };
};
const git = (...args: string[]) => execFileSync('git', args, { cwd: root, encoding: 'utf8' });
const tracked = new Set(git('ls-files').split('\n'));

const strings = (value: unknown): string[] =>
  typeof value === 'string' ? [value] : value && typeof value === 'object' ? Object.values(value).flatMap(strings) : [];
const normalise = (path: string) => path.replace(/^\.\//, '');
/** Every token of an npm script that names a file (node x.mjs, tsx y.ts, --config z.ts …). */
const filesRunBy = (script: string) => script.split(/\s+/).filter((t) => /^[\w./-]+\.(?:m?js|cjs|tsx?|json)$/.test(t)).map(normalise);

describe('package.json names only files a fresh clone has', () => {
  const named = [
    ...strings(pkg.bin).map((f) => ({ field: 'bin', file: normalise(f) })),
    ...strings(pkg.main).map((f) => ({ field: 'main', file: normalise(f) })),
    ...strings(pkg.exports).map((f) => ({ field: 'exports', file: normalise(f) })),
    ...Object.entries(pkg.scripts).flatMap(([name, script]) => filesRunBy(script).map((file) => ({ field: `scripts.${name}`, file }))),
  ];

  it('finds the launcher among the files it checks', () => {
    expect(named).toContainEqual({ field: 'bin', file: 'scripts/timepoint.mjs' });
    expect(named).toContainEqual({ field: 'scripts.start', file: 'scripts/timepoint.mjs' });
  });

  it.each(named)('$field: $file is tracked by git', ({ file }) => {
    expect(tracked.has(file), `${file} is not in git: a fresh clone would not have it`).toBe(true);
  });

  it('the command line is an executable file with a shebang, so npx can run it', () => {
    const bin = normalise(strings(pkg.bin)[0]!);
    expect(git('ls-files', '-s', bin)).toMatch(/^100755 /);
    expect(readFileSync(join(root, bin), 'utf8')).toMatch(/^#!\/usr\/bin\/env node\n/);
  });
});

describe('the Node.js version check', () => {
  it('reads the oldest supported version from package.json engines', () => {
    expect(pkg.engines.node).toMatch(/^>=\d+(\.\d+){0,2}$/);
    expect(minimumNode).toBe(pkg.engines.node.replace('>=', ''));
  });

  it('accepts the minimum and anything newer', () => {
    for (const version of ['20.11.0', '20.11.1', '20.20.2', '21.0.0', '22.1.0', '100.0.0']) expect(nodeVersionProblem(version, '20.11')).toBeNull();
  });

  it('refuses anything older in one line naming both versions', () => {
    for (const version of ['20.10.9', '18.19.0', '16.0.0', '4.9.1']) {
      const problem = nodeVersionProblem(version, '20.11');
      expect(problem).toContain(`Node.js 20.11 or newer is needed, and this is Node.js ${version}`);
      expect(problem).not.toContain('\n');
    }
  });
});
