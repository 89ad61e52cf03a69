import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { fencedBlocks, outputFiles, readmeCommands, SHELL_FENCES } from '../../.ci/readme-commands';

const root = join(import.meta.dirname, '..', '..');
const readme = readFileSync(join(root, 'README.md'), 'utf8');
const tracked = new Set(execFileSync('git', ['ls-files'], { cwd: root, encoding: 'utf8' }).split('\n'));

describe('reading the commands of a README', () => {
  const markdown = [
    'Intro',
    '```sh',
    'npm install && npm start   # the platform',
    'npm test',
    '',
    '# a comment line is not a command',
    'npx timepoint export --study demo \\',
    '  --format long --out demo.csv',
    '```',
    '```text',
    'npx timepoint not-run',
    '```',
    '   ```sh',
    '   npx cdk deploy --all   # needs AWS',
    '   ```',
  ].join('\n');

  it('takes every line of every sh block, joins continued lines and keeps their README line', () => {
    expect(readmeCommands(markdown).map(({ line, command }) => ({ line, command }))).toEqual([
      { line: 3, command: 'npm install && npm start   # the platform' },
      { line: 4, command: 'npm test' },
      { line: 7, command: 'npx timepoint export --study demo --format long --out demo.csv' },
      { line: 14, command: 'npx cdk deploy --all   # needs AWS' },
    ]);
  });

  it('starts the platform with the start command, skips the test suite and AWS commands by name, runs the rest', () => {
    expect(readmeCommands(markdown).map((c) => [c.role, c.reason])).toEqual([
      ['start', undefined],
      ['skip', 'the test suite itself: .ci/run runs it'],
      ['run', undefined],
      ['skip', 'needs AWS credentials'],
    ]);
  });

  it('knows which files a command writes its output to', () => {
    expect(outputFiles('npx timepoint score --input a.csv > scored.csv')).toEqual(['scored.csv']);
    expect(outputFiles('npx timepoint export --study demo --out demo-long.csv')).toEqual(['demo-long.csv']);
    expect(outputFiles('npx timepoint instruments   # > not.csv')).toEqual([]);
  });
});

describe('this README, as a contract', () => {
  const commands = readmeCommands(readme);
  const run = commands.filter((c) => c.role === 'run').map((c) => c.command);

  it('shows its shell commands only in sh blocks, so none escapes being run', () => {
    const other = fencedBlocks(readme).filter((b) => SHELL_FENCES.includes(b.language) && b.language !== 'sh');
    expect(other.map((b) => `line ${b.line}: ${b.language}`)).toEqual([]);
  });

  it('starts with the install-and-start command and the test command', () => {
    expect(commands[0]).toMatchObject({ role: 'start', command: expect.stringMatching(/^npm (install|ci) && npm start\b/) });
    expect(commands[1]?.command).toMatch(/^npm test\b/);
  });

  it('shows every command-line example the contract needs, in the one form npx timepoint', () => {
    for (const needed of [/^npx timepoint instruments\b/, /\| npx timepoint score\b/, /^npx timepoint score .*--input \S+/, /^npx timepoint simulate\b/, /^npx timepoint export\b/, /^npx timepoint dispatch\b/, /^npx timepoint staff add\b/, /^npx timepoint staff list\b/, /^npx timepoint staff remove\b/]) {
      expect(run.some((c) => needed.test(c)), String(needed)).toBe(true);
    }
    expect(run.filter((c) => /\btimepoint\b/.test(c) && !/npx timepoint /.test(c))).toEqual([]);
  });

  it('has no placeholder in an example (they belong in the reference table)', () => {
    expect(commands.filter((c) => /<[a-z][\w-]*>/i.test(c.command)).map((c) => c.command)).toEqual([]);
  });

  it('ships every file an example reads', () => {
    const inputs = run.flatMap((c) => [...c.matchAll(/--(?:input|file) (\S+)/g)].map((m) => m[1]!)).filter((f) => f !== '-');
    expect(inputs.length).toBeGreaterThan(0);
    for (const file of inputs) expect(tracked.has(file), `${file} is not tracked`).toBe(true);
  });
});
