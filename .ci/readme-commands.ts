/**
 * The commands a README shows, read the way a new user reads them: every line of every fenced
 * `sh` block is a command to type. `.ci/readme-contract.ts` runs them on a fresh clone.
 */

/** What the contract does with a README command. */
export type CommandRole =
  /** Starts the platform (in the background, on free ports, with an empty data folder). */
  | 'start'
  /** Runs against the started platform; must exit 0 and print (or write) something. */
  | 'run'
  /** Not run here, for the reason given (named in the report, never silently). */
  | 'skip';

export interface ReadmeCommand {
  /** 1-based line of the README where the command starts. */
  line: number;
  /** The command as written (continuation lines joined), comments included. */
  command: string;
  role: CommandRole;
  /** Why a `skip` is skipped. */
  reason?: string;
}

/** Fence languages that mean "type this in a shell": only `sh` is run, so the others are refused. */
export const SHELL_FENCES = ['sh', 'bash', 'shell', 'console', 'zsh', 'shell-session'];

const START = /^npm (?:install|ci)(?: [^&]*)? && npm start\b|^npm start\b|^npx timepoint start\b/;

function roleOf(command: string): Pick<ReadmeCommand, 'role' | 'reason'> {
  if (/#\s*needs AWS\b/i.test(command)) return { role: 'skip', reason: 'needs AWS credentials' };
  if (/^npm test\b/.test(command)) return { role: 'skip', reason: 'the test suite itself: .ci/run runs it' };
  if (/^\.ci\/run\b/.test(command)) return { role: 'skip', reason: 'CI itself' };
  if (START.test(command)) return { role: 'start' };
  return { role: 'run' };
}

/** Fenced blocks of a Markdown text: their language, first content line and lines. */
export function fencedBlocks(markdown: string): Array<{ language: string; line: number; lines: string[] }> {
  const blocks: Array<{ language: string; line: number; lines: string[] }> = [];
  let open: { language: string; line: number; lines: string[]; fence: string } | null = null;
  markdown.split('\n').forEach((text, index) => {
    const fence = /^(\s*)(`{3,}|~{3,})\s*([\w-]*)/.exec(text);
    if (open === null) {
      if (fence) open = { language: fence[3]!.toLowerCase(), line: index + 2, lines: [], fence: fence[2]! };
      return;
    }
    if (fence && fence[2]!.startsWith(open.fence) && fence[3] === '') {
      const { fence: _f, ...block } = open;
      blocks.push(block);
      open = null;
      return;
    }
    open.lines.push(text);
  });
  return blocks;
}

/** Every command of every `sh` block, in README order. */
export function readmeCommands(markdown: string): ReadmeCommand[] {
  const commands: ReadmeCommand[] = [];
  for (const block of fencedBlocks(markdown)) {
    if (block.language !== 'sh') continue;
    let pending: { line: number; text: string } | null = null;
    block.lines.forEach((raw, i) => {
      const text = raw.trim();
      if (pending === null && (text === '' || text.startsWith('#'))) return;
      const joined: { line: number; text: string } = pending ? { line: pending.line, text: `${pending.text} ${text}` } : { line: block.line + i, text };
      if (joined.text.endsWith('\\')) {
        pending = { line: joined.line, text: joined.text.slice(0, -1).trimEnd() };
        return;
      }
      pending = null;
      commands.push({ line: joined.line, command: joined.text, ...roleOf(joined.text) });
    });
  }
  return commands;
}

/** Files a command writes its output to (`> file`, `--out file`): its output when stdout is empty. */
export function outputFiles(command: string): string[] {
  const withoutComment = command.replace(/\s#.*$/, '');
  return [...withoutComment.matchAll(/(?:^|\s)(?:>|--out[ =])\s*([^\s|;&<>]+)/g)].map((m) => m[1]!);
}
