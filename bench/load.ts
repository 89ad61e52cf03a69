/**
 * Load test: the local platform (`startPlatform`, in memory, on free ports, in a process of its
 * own) under concurrent participant submissions and staff sign-in requests, in phases of rising
 * concurrency; throughput and latency per phase, errors, and afterwards every submission checked
 * in the table (stored and scored exactly once, nothing lost). See bench/README.md.
 *
 *   npx tsx bench/load.ts [--phases 8,32,64] [--per-phase 400] [--max-phase-seconds 30] [--warmup 40]
 *                         [--seed 20251125] [--json <file>]
 *
 * It measures; it does not assert: the exit code is 0 whether or not the targets are met (zero
 * errors, zero lost submissions). It is 1 only when the benchmark itself is invalid (bad options,
 * the platform failing to start).
 */
import { fork, type ChildProcess } from 'node:child_process';
import { createServer } from 'node:net';
import os from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { commitInfo, machineInfo, writeBenchJson } from './lib/bench-json';
import { type Summary, fmtBytes, fmtInt, fmtMs, loadavg, summarise, table } from './lib/latency';
import { bulkOpenInvitations, localConfig, verifyStoredOnce, type OpenInvitation } from './lib/local-api';
import type { PlatformMessage } from './lib/load-platform';
import { buildDependencies } from '../functions/dependencies';
import { LINK_TOKEN_HEADER } from '../functions/http/link-token';
import { exitWithUsage, integerParser } from './lib/cli';

const USAGE = `usage: npx tsx bench/load.ts [options]
  --phases <list>            concurrent submitting clients per phase (default 8,32,64); each phase also runs
                             one sign-in client per 8 submitting ones (at least one)
  --per-phase <n>            submissions per phase (default 400)
  --max-phase-seconds <s>    a phase stops starting submissions after this long (default 30); the rest stay unsubmitted
  --warmup <n>               untimed submissions (4 clients) before the first phase (default 40)
  --seed <int>               seed of the answers (default 20251125)
  --json <file>              also write the verdict as JSON (the contract of bench/lib/bench-json.ts)`;

function options() {
  const { values } = parseArgs({
    options: {
      phases: { type: 'string', default: '8,32,64' },
      'per-phase': { type: 'string', default: '400' },
      'max-phase-seconds': { type: 'string', default: '30' },
      warmup: { type: 'string', default: '40' },
      seed: { type: 'string', default: '20251125' },
      json: { type: 'string' },
      help: { type: 'boolean', short: 'h', default: false },
    },
    strict: true,
  });
  if (values.help) exitWithUsage(USAGE);
  const int = integerParser(USAGE);
  const phases = values.phases.split(',').map((p) => int('phases', p.trim(), 1));
  return {
    phases,
    perPhase: int('per-phase', values['per-phase'], 1),
    maxPhaseSeconds: int('max-phase-seconds', values['max-phase-seconds'], 1),
    warmup: int('warmup', values.warmup, 0),
    seed: int('seed', values.seed, 0),
    json: values.json,
  };
}

const log = (message: string) => process.stderr.write(`[load] ${message}\n`);

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as { port: number };
      server.close(() => resolve(port));
    });
  });
}

// ---------------------------------------------------------------------------------------------
// The platform's process

class PlatformProcess {
  private waiting = new Map<string, (message: PlatformMessage) => void>();
  private constructor(private readonly child: ChildProcess) {
    child.on('message', (message: PlatformMessage) => {
      const waiter = this.waiting.get(message.type);
      this.waiting.delete(message.type);
      waiter?.(message);
    });
  }

  static async start(): Promise<{ platform: PlatformProcess; ready: Extract<PlatformMessage, { type: 'ready' }> }> {
    const ports = [await freePort(), await freePort(), await freePort()];
    const child = fork(join(import.meta.dirname, 'lib', 'load-platform.ts'), [JSON.stringify(ports)], {
      execArgv: process.execArgv,
      env: { ...process.env, AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: 'true' },
      stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
    });
    const platform = new PlatformProcess(child);
    const ready = await new Promise<PlatformMessage>((resolve, reject) => {
      platform.waiting.set('ready', resolve);
      child.once('exit', (code) => reject(new Error(`the platform exited (${code}) before it was ready`)));
    });
    return { platform, ready: ready as Extract<PlatformMessage, { type: 'ready' }> };
  }

  private ask<T extends PlatformMessage['type']>(type: T, request: string): Promise<Extract<PlatformMessage, { type: T }>> {
    return new Promise((resolve) => {
      this.waiting.set(type, resolve as (m: PlatformMessage) => void);
      this.child.send({ type: request });
    });
  }

  cpu() {
    return this.ask('cpu', 'cpu');
  }

  async stop(): Promise<void> {
    if (this.child.exitCode !== null) return;
    const exited = new Promise<void>((resolve) => this.child.once('exit', () => resolve()));
    this.child.send({ type: 'stop' });
    const timer = setTimeout(() => this.child.kill(), 15_000);
    await exited;
    clearTimeout(timer);
  }
}

// ---------------------------------------------------------------------------------------------
// Phases

interface PhaseResult {
  concurrency: number;
  signInClients: number;
  submitted: Array<{ invitation: OpenInvitation; completedAt: string }>;
  submitMs: number[];
  submitSeconds: number;
  signIn: { known: number[]; unknown: number[]; seconds: number };
  errors: string[];
  errorCount: number;
  tooMany: number;
  platformCpuSeconds: number;
  platformRss: number;
  stoppedEarly: boolean;
}

async function runPhase(
  url: string,
  platform: PlatformProcess,
  invitations: OpenInvitation[],
  concurrency: number,
  signInClients: number,
  maxSeconds: number,
): Promise<PhaseResult> {
  const result: PhaseResult = {
    concurrency,
    signInClients,
    submitted: [],
    submitMs: [],
    submitSeconds: 0,
    signIn: { known: [], unknown: [], seconds: 0 },
    errors: [],
    errorCount: 0,
    tooMany: 0,
    platformCpuSeconds: 0,
    platformRss: 0,
    stoppedEarly: false,
  };
  const error = (what: string) => {
    result.errorCount++;
    if (result.errors.length < 10) result.errors.push(what);
  };
  const cpuBefore = await platform.cpu();
  const started = performance.now();
  const deadline = started + maxSeconds * 1000;
  let next = 0;
  let submitting = true;

  const submitClient = async () => {
    while (next < invitations.length) {
      if (performance.now() > deadline) {
        result.stoppedEarly = true;
        return;
      }
      const invitation = invitations[next++]!;
      const t0 = performance.now();
      try {
        const response = await fetch(`${url}/api/p/submit`, {
          method: 'POST',
          headers: { 'content-type': 'application/json', [LINK_TOKEN_HEADER]: invitation.token },
          body: JSON.stringify({ answers: invitation.answers }),
        });
        const body = (await response.json()) as { status?: string; completedAt?: string };
        result.submitMs.push(performance.now() - t0);
        if (response.status === 429) result.tooMany++;
        if (response.status === 200 && body.status === 'completed' && body.completedAt !== undefined) {
          result.submitted.push({ invitation, completedAt: body.completedAt });
        } else error(`submit ${invitation.code}: HTTP ${response.status} ${JSON.stringify(body).slice(0, 160)}`);
      } catch (e) {
        error(`submit ${invitation.code}: ${e instanceof Error ? e.message : String(e)}`);
      }
    }
  };
  let signIns = 0;
  const signInClient = async () => {
    while (submitting) {
      // Alternately a staff address and an unknown one: both must answer 202 in the same fixed time.
      const known = signIns++ % 2 === 0;
      const t0 = performance.now();
      try {
        const response = await fetch(`${url}/api/auth/login`, {
          method: 'POST',
          headers: { 'content-type': 'application/json' },
          body: JSON.stringify({ email: known ? 'coordinator@example.org' : `nobody-${signIns}@example.org` }),
        });
        await response.text();
        (known ? result.signIn.known : result.signIn.unknown).push(performance.now() - t0);
        if (response.status === 429) result.tooMany++;
        if (response.status !== 202) error(`sign-in (${known ? 'staff' : 'unknown'} address): HTTP ${response.status}`);
      } catch (e) {
        error(`sign-in: ${e instanceof Error ? e.message : String(e)}`);
      }
    }
  };
  const signing = Promise.all(Array.from({ length: signInClients }, signInClient));
  await Promise.all(Array.from({ length: concurrency }, submitClient));
  result.submitSeconds = (performance.now() - started) / 1000;
  submitting = false;
  await signing;
  result.signIn.seconds = (performance.now() - started) / 1000;
  const cpuAfter = await platform.cpu();
  result.platformCpuSeconds = cpuAfter.seconds - cpuBefore.seconds;
  result.platformRss = cpuAfter.rssBytes;
  return result;
}

// ---------------------------------------------------------------------------------------------

async function main(): Promise<void> {
  const opts = options();
  process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED = 'true';
  const loadBefore = loadavg();
  log('starting the platform (startPlatform, in memory, free ports) in a process of its own');
  const { platform, ready } = await PlatformProcess.start();
  const problems: string[] = [];
  try {
    const config = localConfig(ready.dynamoEndpoint, ready.inboxUrl, ready.url);
    const total = opts.warmup + opts.phases.length * opts.perPhase;
    log(`writing ${fmtInt(total + 5)} demo-study participants with open baseline invitations`);
    const prepStarted = performance.now();
    const invitations = await bulkOpenInvitations(config, { count: total + 5, prefix: 'L-', seed: opts.seed, log });
    const prepSeconds = (performance.now() - prepStarted) / 1000;

    let warmSubmitted: PhaseResult['submitted'] = [];
    if (opts.warmup > 0) {
      log(`warm-up: ${opts.warmup} submissions, 4 clients (untimed)`);
      const warm = await runPhase(ready.url, platform, invitations.slice(0, opts.warmup), 4, 1, 60);
      if (warm.errorCount > 0) problems.push(`warm-up: ${warm.errorCount} errors, e.g. ${warm.errors[0]}`);
      warmSubmitted = warm.submitted;
    }

    const phases: PhaseResult[] = [];
    const unsubmitted: OpenInvitation[] = [...invitations.slice(total)];
    for (let k = 0; k < opts.phases.length; k++) {
      const c = opts.phases[k]!;
      const slice = invitations.slice(opts.warmup + k * opts.perPhase, opts.warmup + (k + 1) * opts.perPhase);
      log(`phase ${k + 1}/${opts.phases.length}: ${c} submitting clients + ${Math.max(1, Math.floor(c / 8))} sign-in clients, ${slice.length} submissions`);
      const phase = await runPhase(ready.url, platform, slice, c, Math.max(1, Math.floor(c / 8)), opts.maxPhaseSeconds);
      const done = new Set(phase.submitted.map((s) => s.invitation.code));
      // Not attempted (the phase ran out of time): they must stay untouched. Attempted and failed ones are checked below.
      const attempted = phase.submitMs.length;
      unsubmitted.push(...slice.slice(attempted).filter((i) => !done.has(i.code)));
      phases.push(phase);
      log(`  ${phase.submitted.length} submitted in ${phase.submitSeconds.toFixed(1)} s, ${phase.errorCount} errors`);
    }

    log('verifying every submission in the table');
    const deps = buildDependencies(config);
    const submitted = [...warmSubmitted, ...phases.flatMap((p) => p.submitted)];
    const check = await verifyStoredOnce(deps, submitted, unsubmitted);
    const failedAttempts = phases.reduce((s, p) => s + p.submitMs.length - p.submitted.length, 0);
    const lost = check.problems.length;

    // -----------------------------------------------------------------------------------------
    const m = machineInfo();
    const commit = commitInfo();
    console.log('Load test: the local platform under concurrent submissions and staff sign-in requests\n');
    console.log(`CPU:         ${m.cpu} (${m.cores} logical cores)`);
    console.log(`Node:        ${m.node}, ${m.platform}`);
    console.log(`Memory:      ${m.memoryGiB} GiB`);
    if (commit) console.log(`Code:        commit ${commit}`);
    console.log(`Load avg:    ${loadBefore} before, ${loadavg()} after (1/5/15 min; a shared machine: expect noise)`);
    console.log(
      `Setup:       startPlatform (dynalite in memory, SES emulator, web app + API on @hono/node-server, dispatcher every minute and on ` +
        `each submission) in its own process; clients in this process (fetch, keep-alive, loopback). ${fmtInt(invitations.length)} ` +
        `demo-study participants with open baseline invitations written in ${prepSeconds.toFixed(1)} s; battery PHQ-9 + GAD-7 + PEG-3. ` +
        `Sign-in clients alternate a staff address and an unknown one (both must answer 202 in a fixed ≥ 600 ms).\n`,
    );
    const rows = phases.map((p) => {
      const s = summarise(p.submitMs);
      const known = summarise(p.signIn.known);
      const unknown = summarise(p.signIn.unknown);
      return [
        `${p.concurrency} + ${p.signInClients}`,
        `${fmtInt(p.submitted.length)}${p.stoppedEarly ? '*' : ''}`,
        `${(p.submitted.length / p.submitSeconds).toFixed(1)}/s`,
        fmtMs(s.p50),
        fmtMs(s.p99),
        fmtMs(s.max),
        fmtInt(p.signIn.known.length + p.signIn.unknown.length),
        `${((p.signIn.known.length + p.signIn.unknown.length) / p.signIn.seconds).toFixed(1)}/s`,
        `${fmtMs(known.p50)} / ${fmtMs(unknown.p50)}`,
        `${fmtMs(Math.max(known.p99, unknown.p99))}`,
        fmtInt(p.errorCount),
        `${(p.platformCpuSeconds / p.submitSeconds * 100).toFixed(0)}%`,
        fmtBytes(p.platformRss),
      ];
    });
    console.log(
      table(
        ['clients (submit + sign-in)', 'submitted', 'submit/s', 'submit p50', 'submit p99', 'submit max', 'sign-ins', 'sign-in/s', 'sign-in p50 staff/unknown', 'sign-in p99', 'errors', 'platform CPU', 'platform RSS'],
        rows,
      ),
    );
    if (phases.some((p) => p.stoppedEarly)) console.log(`* the phase reached --max-phase-seconds ${opts.maxPhaseSeconds} before all its submissions were started`);
    const errorCount = phases.reduce((s, p) => s + p.errorCount, 0);
    const tooMany = phases.reduce((s, p) => s + p.tooMany, 0);
    for (const p of phases) for (const e of p.errors) console.log(`  error (${p.concurrency} clients): ${e}`);

    console.log('\nTargets');
    const targets = [
      { name: 'errors under load (every submission 200, every sign-in request 202)', measured: `${errorCount} (${tooMany} × 429)`, target: '0', met: errorCount === 0 },
      { name: 'lost submissions (each accepted one stored and scored exactly once)', measured: `${lost} of ${submitted.length}`, target: '0', met: lost === 0 },
    ];
    console.log(table(['target', 'measured', 'result'], targets.map((t) => [t.name, t.measured, t.met ? 'MET' : 'MISSED'])));
    console.log(
      `\nVerified in the table: ${fmtInt(submitted.length)} accepted submissions (warm-up included), each instance completed with the answers ` +
        `sent, one score per instrument, the completedAt answered and exactly one instance.completed audit entry; ` +
        `${fmtInt(unsubmitted.length)} never submitted still open; ${failedAttempts} failed attempts. ` +
        `${check.problems.length === 0 ? 'All as expected.' : `${check.problems.length} PROBLEM(S):`}`,
    );
    for (const p of check.problems.slice(0, 20)) console.log(`  ${p}`);

    if (opts.json !== undefined) {
      const summaryOf = (p: PhaseResult): Summary => summarise(p.submitMs);
      writeBenchJson(opts.json, {
        bench: 'load',
        title: 'Load test: concurrent submissions and sign-ins against the local platform',
        targets,
        notes: phases.map((p) => {
          const s = summaryOf(p);
          const signIn = summarise([...p.signIn.known, ...p.signIn.unknown]);
          return (
            `${p.concurrency} submit + ${p.signInClients} sign-in clients: ${(p.submitted.length / p.submitSeconds).toFixed(1)} submissions/s ` +
            `(p50 ${fmtMs(s.p50)}, p99 ${fmtMs(s.p99)}), sign-in p50 ${fmtMs(signIn.p50)} p99 ${fmtMs(signIn.p99)}, ${p.errorCount} errors`
          );
        }),
        valid: problems.length === 0,
      });
    }
    if (problems.length > 0) {
      console.log(`\nINVALID: ${problems.join('; ')}`);
      process.exitCode = 1;
    }
  } finally {
    await platform.stop();
  }
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
