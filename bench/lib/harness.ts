/**
 * The one harness every benchmark in bench/ is built on: options with --help, the machine and its
 * load average, same-run baselines sampled alternately with the measured thing, robust statistics,
 * one report format, and the `--json` file bench/run-all.ts collects into bench/RESULTS.md.
 *
 * A benchmark measures; it does not assert. Its exit code is 0 whether or not a target is met, and
 * 1 only when the benchmark itself is invalid (bad options, a check of what it measured failed, a
 * crash): a ratio between two things that did not do what they claim would be worthless.
 */
import { execFileSync } from 'node:child_process';
import { mkdirSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import { dirname } from 'node:path';
import { parseArgs } from 'node:util';

// The SDK's notice about Node 20 would only clutter the reports (the Lambdas set the same variable).
process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED = 'true';

/** One verdict: a measured value against its goal, usually as a ratio to a baseline measured in the same run. */
export interface Target {
  name: string;
  /** Display strings with units (`"12.3 ms"`). */
  measured: string;
  baseline?: string;
  /** measured ÷ baseline (or whatever the goal compares). */
  ratio?: number;
  /** The goal in words (`"≤ 3× the baseline"`). */
  goal: string;
  met: boolean;
}

/** What one operation costs in AWS terms, as bench/cost.ts needs it (per operation, means). */
export interface Usage {
  /** DynamoDB calls, and how many of them had to wait for an earlier one (sequential steps). */
  calls: number;
  sequential?: number;
  /** Read and write capacity units as DynamoDB bills them on demand (minimums applied, see db-calls.ts). */
  rru: number;
  wru: number;
  /** Wall time of the operation here, ms (the emulators run on this machine). */
  ms?: number;
  emails?: number;
}

export interface Machine {
  cpu: string;
  cores: number;
  memoryGiB: number;
  node: string;
  platform: string;
  /** 1, 5 and 15-minute load averages when the benchmark started, and when it ended. */
  loadStart: number[];
  loadEnd: number[];
}

/** The `--json` contract (bench/run-all.ts reads it; a missing file means the run did not finish). */
export interface BenchJson {
  bench: string;
  title: string;
  machine: Machine;
  commit?: string;
  targets: Target[];
  notes: string[];
  usage: Record<string, Usage>;
  valid: boolean;
}

type OptionSpec = { help: string } & ({ kind: 'int'; default: number; min?: number } | { kind: 'text'; default?: string } | { kind: 'flag' });
type OptionValue<S extends OptionSpec> = S extends { kind: 'int' } ? number : S extends { kind: 'flag' } ? boolean : S extends { default: string } ? string : string | undefined;
export type Options<S extends Record<string, OptionSpec>> = { [K in keyof S]: OptionValue<S[K]> } & { json: string | undefined };

/**
 * Parses `process.argv` against `spec`; `--help` prints the usage and exits 0, a bad option prints
 * it and exits 1. Every benchmark also takes `--json <file>`.
 */
export function options<S extends Record<string, OptionSpec>>(command: string, summary: string, spec: S): Options<S> {
  const names = Object.keys(spec);
  const usage = [
    `usage: npx tsx ${command} [options]`,
    summary,
    '',
    ...names.map((name) => {
      const s = spec[name]!;
      const left = `  --${name}${s.kind === 'flag' ? '' : ` <${s.kind === 'int' ? 'n' : 'value'}>`}`;
      const byDefault = s.kind !== 'flag' && s.default !== undefined ? ` (default ${s.default})` : '';
      return `${left.padEnd(26)} ${s.help}${byDefault}`;
    }),
    `${'  --json <file>'.padEnd(26)} also write the verdicts as JSON (the contract of bench/lib/harness.ts)`,
    `${'  --help'.padEnd(26)} this text`,
  ].join('\n');
  const fail = (message: string): never => {
    console.error(`${message}\n${usage}`);
    process.exit(1);
  };
  let parsed: ReturnType<typeof parseArgs>;
  try {
    parsed = parseArgs({
      options: {
        ...Object.fromEntries(names.map((n) => [n, { type: spec[n]!.kind === 'flag' ? ('boolean' as const) : ('string' as const) }])),
        json: { type: 'string' },
        help: { type: 'boolean', short: 'h' },
      },
      strict: true,
    });
  } catch (error) {
    return fail(error instanceof Error ? error.message : String(error));
  }
  if (parsed.values.help) {
    console.log(usage);
    process.exit(0);
  }
  const result: Record<string, unknown> = { json: parsed.values.json };
  for (const name of names) {
    const s = spec[name]!;
    const raw = parsed.values[name];
    if (s.kind === 'flag') result[name] = raw === true;
    else if (s.kind === 'text') result[name] = raw ?? s.default;
    else {
      const n = raw === undefined ? s.default : Number(raw);
      if (!Number.isInteger(n) || n < (s.min ?? 0)) fail(`--${name} must be an integer ≥ ${s.min ?? 0} (got ${String(raw)})`);
      result[name] = n;
    }
  }
  return result as Options<S>;
}

// ---------------------------------------------------------------------------------------------
// Statistics

export interface Stats {
  n: number;
  median: number;
  p90: number;
  min: number;
  max: number;
  mean: number;
}

/** Nearest-rank percentile (p in 0…100) of an ascending array: a value that was actually observed. */
export function percentile(sorted: readonly number[], p: number): number {
  if (sorted.length === 0) return NaN;
  return sorted[Math.min(sorted.length, Math.max(1, Math.ceil((p / 100) * sorted.length))) - 1]!;
}

export function stats(samples: readonly number[]): Stats {
  const sorted = [...samples].sort((a, b) => a - b);
  return {
    n: sorted.length,
    median: percentile(sorted, 50),
    p90: percentile(sorted, 90),
    min: sorted[0] ?? NaN,
    max: sorted.at(-1) ?? NaN,
    mean: sorted.reduce((s, x) => s + x, 0) / Math.max(1, sorted.length),
  };
}

/**
 * Samples every variant `rounds` times, alternating: each round runs all of them once, in an
 * order that rotates from round to round, so slow stretches of a shared machine (and JIT, caches,
 * emulator state) hit each alike. A variant measures itself and returns its value (usually ms).
 * `warmup` untimed rounds come first.
 */
export async function alternate<K extends string>(
  variants: Record<K, () => number | Promise<number>>,
  settings: { rounds: number; warmup?: number; progress?: (round: number) => void },
): Promise<Record<K, number[]>> {
  const names = Object.keys(variants) as K[];
  const samples = Object.fromEntries(names.map((n) => [n, [] as number[]])) as Record<K, number[]>;
  for (let round = -(settings.warmup ?? 0); round < settings.rounds; round++) {
    for (let k = 0; k < names.length; k++) {
      const name = names[(Math.abs(round) + k) % names.length]!;
      const value = await variants[name]();
      if (round >= 0) samples[name].push(value);
    }
    if (round >= 0) settings.progress?.(round + 1);
  }
  return samples;
}

/** Runs `work` and returns its wall time in ms. */
export async function time(work: () => unknown): Promise<number> {
  const started = performance.now();
  await work();
  return performance.now() - started;
}

// ---------------------------------------------------------------------------------------------
// Formatting

export const fmtMs = (ms: number): string => (ms >= 1000 ? `${(ms / 1000).toFixed(2)} s` : ms >= 100 ? `${ms.toFixed(0)} ms` : ms >= 10 ? `${ms.toFixed(1)} ms` : `${ms.toFixed(2)} ms`);
export const fmtInt = (n: number): string => Math.round(n).toLocaleString('en-US');
export const fmtMiB = (bytes: number): string => `${(bytes / 2 ** 20).toFixed(1)} MiB`;
export const fmtBytes = (bytes: number): string => (bytes >= 2 ** 20 ? `${(bytes / 2 ** 20).toFixed(2)} MiB` : bytes >= 1024 ? `${(bytes / 1024).toFixed(1)} KiB` : `${bytes} B`);
export const fmtRatio = (r: number): string => `${r.toFixed(r >= 10 ? 1 : 2)}×`;
/** `median (p90 …, min–max)` of a sample, in ms. */
export const fmtSpread = (s: Stats): string => `${fmtMs(s.median)} (p90 ${fmtMs(s.p90)}, ${fmtMs(s.min)}–${fmtMs(s.max)})`;

/** A plain-text table: first column left-aligned, the others right-aligned. */
export function table(header: string[], rows: string[][]): string {
  const widths = header.map((h, c) => Math.max(h.length, ...rows.map((r) => (r[c] ?? '').length)));
  const line = (cells: string[]) => cells.map((cell, c) => (c === 0 ? cell.padEnd(widths[c]!) : cell.padStart(widths[c]!))).join('  ').trimEnd();
  return [line(header), widths.map((w) => '-'.repeat(w)).join('  '), ...rows.map(line)].join('\n');
}

// ---------------------------------------------------------------------------------------------
// The report

/** The machine, with the load average at `loadStart` and now. */
export function machine(loadStart: number[]): Machine {
  const cpus = os.cpus();
  return {
    cpu: cpus[0]?.model.trim() ?? 'unknown',
    cores: os.availableParallelism?.() ?? cpus.length,
    memoryGiB: Math.round((os.totalmem() / 2 ** 30) * 10) / 10,
    node: `${process.version} (V8 ${process.versions.v8})`,
    platform: `${os.platform()} ${os.release()} ${os.arch()}`,
    loadStart,
    loadEnd: os.loadavg(),
  };
}

/** The short commit, `+dirty` when tracked files differ from it; undefined outside a checkout. */
export function commit(): string | undefined {
  try {
    const git = (...args: string[]) => execFileSync('git', args, { encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] }).trim();
    return `${git('rev-parse', '--short', 'HEAD')}${git('status', '--porcelain', '--untracked-files=no') ? '+dirty' : ''}`;
  } catch {
    return undefined;
  }
}

const loads = (l: number[]) => l.map((x) => x.toFixed(2)).join(' ');

/**
 * Collects a benchmark's report: sections (printed as they come, after the header), targets,
 * notes, usage and problems. `finish` prints the targets and writes the JSON.
 */
export class Report {
  private readonly loadStart = os.loadavg();
  private readonly targets: Target[] = [];
  private readonly notes: string[] = [];
  private readonly usage: Record<string, Usage> = {};
  private readonly problems: string[] = [];
  private headerPrinted = false;

  constructor(
    readonly bench: string,
    readonly title: string,
    private readonly method: string,
  ) {}

  /** Progress, on stderr (stdout is the report). */
  log(message: string): void {
    process.stderr.write(`[${this.bench}] ${message}\n`);
  }

  private header(): void {
    if (this.headerPrinted) return;
    this.headerPrinted = true;
    const m = machine(this.loadStart);
    const c = commit();
    console.log(`${this.title}\n`);
    console.log(`machine   ${m.cpu}, ${m.cores} logical cores, ${m.memoryGiB} GiB; Node ${m.node}, ${m.platform}`);
    if (c) console.log(`commit    ${c}`);
    console.log(`load avg  ${loads(this.loadStart)} at the start (1/5/15 min; a shared machine: compare ratios, not times)`);
    console.log(`method    ${this.method}\n`);
  }

  section(title: string, body: string): void {
    this.header();
    console.log(`${title}\n${body}\n`);
  }

  target(t: Target): void {
    this.targets.push(t);
  }

  note(text: string): void {
    this.notes.push(text);
  }

  recordUsage(name: string, u: Usage): void {
    this.usage[name] = u;
  }

  /** The usage recorded so far, as a table (per operation). */
  usageTable(): string {
    const n = (x: number | undefined) => (x === undefined ? '—' : x.toFixed(2));
    return table(
      ['operation', 'DynamoDB calls', 'in sequence', 'RRU', 'WRU', 'emails', 'time here'],
      Object.entries(this.usage).map(([name, u]) => [name, n(u.calls), n(u.sequential), n(u.rru), n(u.wru), n(u.emails), u.ms === undefined ? '—' : fmtMs(u.ms)]),
    );
  }

  /** A check of the benchmark itself failed: the run is reported INVALID and exits 1. */
  check(ok: boolean, problem: string): boolean {
    if (!ok) this.problems.push(problem);
    return ok;
  }

  finish(json: string | undefined): void {
    this.header();
    const m = machine(this.loadStart);
    console.log(`load avg  ${loads(m.loadEnd)} at the end\n`);
    if (this.targets.length > 0) {
      console.log('Targets');
      console.log(
        table(
          ['target', 'measured', 'baseline (same run)', 'ratio', 'goal', 'result'],
          this.targets.map((t) => [t.name, t.measured, t.baseline ?? '—', t.ratio === undefined ? '—' : fmtRatio(t.ratio), t.goal, t.met ? 'MET' : 'MISSED']),
        ),
      );
    }
    for (const n of this.notes) console.log(`- ${n}`);
    if (this.problems.length > 0) {
      console.log('\nINVALID: the benchmark did not do what it claims:');
      for (const p of this.problems.slice(0, 20)) console.log(`  - ${p}`);
      process.exitCode = 1;
    }
    if (json !== undefined) {
      const out: BenchJson = { bench: this.bench, title: this.title, machine: m, targets: this.targets, notes: this.notes, usage: this.usage, valid: this.problems.length === 0 };
      const c = commit();
      if (c) out.commit = c;
      mkdirSync(dirname(json), { recursive: true });
      writeFileSync(json, `${JSON.stringify(out, null, 2)}\n`);
    }
  }
}

/** Runs a benchmark's main; a crash is an invalid run (exit 1), never a silent pass. */
export function run(main: () => Promise<void>): void {
  main().then(
    () => {
      // Emulators and SDK sockets may keep the loop alive; the report is written.
      setTimeout(() => process.exit(), 100).unref();
    },
    (error: unknown) => {
      console.error(error);
      process.exit(1);
    },
  );
}
