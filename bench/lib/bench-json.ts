/**
 * The `--json <file>` contract every benchmark in bench/ honours, so that bench/run-all.ts can
 * collect their verdicts into bench/RESULTS.md without parsing their human-readable output:
 *
 *   { bench, title, machine, targets: [{ name, measured, floor?, ratio?, target, met }], notes?, valid }
 *
 * - `bench`: the script's base name (`submit-latency` for bench/submit-latency.ts).
 * - `machine`: what the run was measured on (see `machineInfo`), sampled when the run ends.
 * - `targets`: one entry per target of the issue. `measured` and `floor` are display strings with
 *   their units (`"12.3 ms"`); `ratio` is measured ÷ floor (or whatever the target compares) as a
 *   plain number; `target` says the goal in words (`"p50 ≤ 2× the floor"`); `met` the verdict.
 * - `notes`: short lines worth repeating in the results table (what was verified, caveats).
 * - `valid`: false when the benchmark found itself invalid (it then also exits 1).
 *
 * A benchmark writes the file at the very end, after printing its report; a missing file means the
 * run did not finish.
 */
import { execFileSync } from 'node:child_process';
import { mkdirSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import { dirname } from 'node:path';

export interface BenchTarget {
  name: string;
  measured: string;
  floor?: string;
  ratio?: number;
  target: string;
  met: boolean;
}

export interface MachineInfo {
  cpu: string;
  cores: number;
  memoryGiB: number;
  node: string;
  platform: string;
  /** 1, 5 and 15 minute load averages when sampled. */
  loadavg: [number, number, number];
}

export interface BenchJson {
  bench: string;
  title: string;
  machine: MachineInfo;
  targets: BenchTarget[];
  notes?: string[];
  valid: boolean;
}

export function machineInfo(): MachineInfo {
  const cpus = os.cpus();
  const [a, b, c] = os.loadavg();
  return {
    cpu: cpus[0]?.model.trim() ?? 'unknown',
    cores: os.availableParallelism?.() ?? cpus.length,
    memoryGiB: Math.round((os.totalmem() / 2 ** 30) * 10) / 10,
    node: `${process.version} (V8 ${process.versions.v8})`,
    platform: `${os.platform()} ${os.release()} ${os.arch()}`,
    loadavg: [a ?? 0, b ?? 0, c ?? 0],
  };
}

/** The short commit, with `+dirty` when tracked files differ from it; undefined outside a checkout. */
export function commitInfo(): string | undefined {
  try {
    const commit = execFileSync('git', ['rev-parse', '--short', 'HEAD'], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] }).trim();
    const dirty = execFileSync('git', ['status', '--porcelain', '--untracked-files=no'], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] }).trim();
    return dirty ? `${commit}+dirty` : commit;
  } catch {
    return undefined;
  }
}

/** Writes the contract's JSON (creating the folder); `machine` is filled in here. */
export function writeBenchJson(file: string, result: Omit<BenchJson, 'machine'>): void {
  const json: BenchJson = { ...result, machine: machineInfo() };
  mkdirSync(dirname(file), { recursive: true });
  writeFileSync(file, `${JSON.stringify(json, null, 2)}\n`);
}
