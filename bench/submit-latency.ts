/**
 * Submit latency: `POST /api/p/submit` (the link's token in its header, as the page sends it) through the local server (the real Hono app served
 * by @hono/node-server over loopback HTTP, dynalite in memory, as `npm start` runs it) against the
 * floor, a bare DynamoDB PutItem of an item of the same size through the SDK to the same dynalite,
 * measured interleaved in the same run. See bench/README.md.
 *
 *   npx tsx bench/submit-latency.ts [--n 200] [--warmup 30] [--seed 20251125] [--json <file>]
 *
 * It measures; it does not assert: the exit code is 0 whether or not the target is met. It is 1
 * only when the benchmark itself is invalid (bad options, a submission not answered 200, or a
 * submission not stored and scored exactly once).
 */
import os from 'node:os';
import { parseArgs } from 'node:util';
import { GetCommand, PutCommand } from '@aws-sdk/lib-dynamodb';
import { keys } from '../functions/adapters/dynamodb/keys';
import { LINK_TOKEN_HEADER } from '../functions/http/link-token';
import { answersFor, checkAnswers } from '../functions/core/scoring/check-answers';
import { scoreInstrument } from '../functions/core/scoring/engine';
import { demoStudy } from '../functions/demo/demo-study';
import { loadSurveyValidator, type SurveyValidator } from '../functions/adapters/surveyjs/survey-validation';
import { commitInfo, machineInfo, writeBenchJson, type BenchTarget } from './lib/bench-json';
import { recordDynamoCalls } from './lib/db-calls';
import { type Summary, fmtBytes, fmtInt, fmtMs, loadavg, summarise, table } from './lib/latency';
import { batteryOf, prepareOpenInvitations, startLocalApi, verifyStoredOnce, type OpenInvitation } from './lib/local-api';
import { exitWithUsage, integerParser } from './lib/cli';

const TARGET_RATIO = 2;

const USAGE = `usage: npx tsx bench/submit-latency.ts [options]
  --n <submissions>   timed submissions, each interleaved with one floor PutItem and one GET /api/health (default 200)
  --warmup <k>        untimed submissions (and as many floor puts and health checks) first (default 30)
  --seed <int>        seed of the answers (default 20251125)
  --json <file>       also write the verdict as JSON (the contract of bench/lib/bench-json.ts)`;

function options() {
  const { values } = parseArgs({
    options: {
      n: { type: 'string', default: '200' },
      warmup: { type: 'string', default: '30' },
      seed: { type: 'string', default: '20251125' },
      json: { type: 'string' },
      help: { type: 'boolean', short: 'h', default: false },
    },
    strict: true,
  });
  if (values.help) exitWithUsage(USAGE);
  const int = integerParser(USAGE);
  return { n: int('n', values.n, 10), warmup: int('warmup', values.warmup, 1), seed: int('seed', values.seed, 0), json: values.json };
}

/**
 * The CPU-only steps of submitAnswers, timed in this process on the same answers (mean ms per
 * submission): the strict code check, SurveyJS's own form validation (a survey-core Model per
 * instrument) and scoring. Not part of the target; it says where the non-DynamoDB time goes.
 */
function cpuSteps(invitations: OpenInvitation[], find: Parameters<typeof batteryOf>[1], validateWithSurvey: SurveyValidator): Array<[string, number]> {
  const battery = batteryOf('baseline', find);
  const time = (work: (answers: OpenInvitation['answers']) => void) => {
    for (const inv of invitations.slice(0, 10)) work(inv.answers);
    const started = performance.now();
    for (const inv of invitations) work(inv.answers);
    return (performance.now() - started) / invitations.length;
  };
  return [
    ['checkAnswers (codes)', time((a) => void checkAnswers(battery.map((i) => i.scoring), a))],
    ['validateWithSurvey (survey-core Model per instrument)', time((a) => void battery.forEach((i) => validateWithSurvey(i.survey, answersFor(i.scoring, a))))],
    ['scoreInstrument', time((a) => void battery.forEach((i) => scoreInstrument(i.scoring, answersFor(i.scoring, a))))],
  ];
}

const log = (message: string) => process.stderr.write(`[submit-latency] ${message}\n`);

async function main(): Promise<void> {
  const opts = options();
  // The SDK's notice about Node 20 support would only clutter the report.
  process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED = 'true';
  const loadBefore = loadavg();
  // Before any client exists, so the app's own document client carries the counter (see db-calls.ts).
  const recorder = recordDynamoCalls();
  log('starting dynalite, the SES emulator and the API on free loopback ports');
  const api = await startLocalApi();
  const problems: string[] = [];
  try {
    log(`enrolling ${opts.warmup + opts.n} participants and dispatching their baseline invitations`);
    const prepStarted = performance.now();
    const invitations = await prepareOpenInvitations(api.config, { count: opts.warmup + opts.n + 5, prefix: 'S-', seed: opts.seed, log });
    const prepSeconds = (performance.now() - prepStarted) / 1000;
    // Five are never submitted: afterwards they must still be open, with no completion anywhere.
    const untouched = invitations.slice(opts.warmup + opts.n);
    const warm = invitations.slice(0, opts.warmup);
    const measured = invitations.slice(opts.warmup, opts.warmup + opts.n);

    const submitted: Array<{ invitation: OpenInvitation; completedAt: string }> = [];
    const submit = async (invitation: OpenInvitation): Promise<number> => {
      const started = performance.now();
      const response = await fetch(`${api.url}/api/p/submit`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', [LINK_TOKEN_HEADER]: invitation.token },
        body: JSON.stringify({ answers: invitation.answers }),
      });
      const body = (await response.json()) as { status?: string; completedAt?: string };
      const ms = performance.now() - started;
      if (response.status !== 200 || body.status !== 'completed' || body.completedAt === undefined) {
        problems.push(`${invitation.code}: HTTP ${response.status} ${JSON.stringify(body).slice(0, 200)}`);
      } else submitted.push({ invitation, completedAt: body.completedAt });
      return ms;
    };

    // The floor's item: a completed instance exactly as submit left it (answers, scores, the queued
    // follow-up's due-index entry), under keys of its own, so it is the same size and index work.
    await submit(warm[0]!);
    const { Item: completed } = await api.db.doc.send(
      new GetCommand({ TableName: api.db.tables.research, Key: keys.instance(demoStudy.id, warm[0]!.code, 'baseline') }),
    );
    if (completed === undefined) throw new Error('the first warm-up submission left no instance item');
    const itemBytes = Buffer.byteLength(JSON.stringify(completed));
    const floorItem = (i: number) => ({
      ...completed,
      pk: 'BENCH#FLOOR',
      sk: `PUT#${String(i).padStart(6, '0')}`,
      ...(completed.duePk !== undefined ? { duePk: 'BENCH#FLOOR-DUE' } : {}),
    });
    let floorCount = 0;
    const floorPut = async (): Promise<number> => {
      const item = floorItem(floorCount++);
      const started = performance.now();
      await api.db.doc.send(new PutCommand({ TableName: api.db.tables.research, Item: item }));
      return performance.now() - started;
    };
    const health = async (): Promise<number> => {
      const started = performance.now();
      const response = await fetch(`${api.url}/api/health`);
      await response.text();
      if (response.status !== 200) problems.push(`GET /api/health: HTTP ${response.status}`);
      return performance.now() - started;
    };

    log(`warm-up: ${warm.length} submissions, floor puts and health checks (untimed)`);
    for (const invitation of warm.slice(1)) {
      await submit(invitation);
      await floorPut();
      await health();
    }

    log(`timing ${measured.length} submissions, each next to one floor PutItem and one GET /api/health`);
    const submitMs: number[] = [];
    const floorMs: number[] = [];
    const healthMs: number[] = [];
    const wallStarted = performance.now();
    for (let i = 0; i < measured.length; i++) {
      // Rotate the order so that none of the three always runs right after another.
      const steps = [
        async () => {
          recorder.recording = true;
          submitMs.push(await submit(measured[i]!));
          recorder.recording = false;
        },
        async () => void floorMs.push(await floorPut()),
        async () => void healthMs.push(await health()),
      ];
      for (let k = 0; k < 3; k++) await steps[(i + k) % 3]!();
      if ((i + 1) % 100 === 0) log(`${i + 1}/${measured.length}`);
    }
    const wallSeconds = (performance.now() - wallStarted) / 1000;
    recorder.recording = false;

    log('verifying every submission is stored and scored exactly once');
    // Submitting a completed link again changes nothing: the same answers are a retry (answered 200
    // with the first completion's time), different ones are refused (409). Checked in the table below.
    const again = submitted.slice(warm.length, warm.length + 5);
    const resubmit = async (token: string, answers: OpenInvitation['answers']) => {
      const response = await fetch(`${api.url}/api/p/submit`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', [LINK_TOKEN_HEADER]: token },
        body: JSON.stringify({ answers }),
      });
      return { status: response.status, body: (await response.json()) as { completedAt?: string } };
    };
    for (const { invitation, completedAt } of again) {
      const same = await resubmit(invitation.token, invitation.answers);
      if (same.status !== 200 || same.body.completedAt !== completedAt) {
        problems.push(`${invitation.code}: the same answers again answered ${same.status} ${JSON.stringify(same.body).slice(0, 120)}, expected 200 with completedAt ${completedAt}`);
      }
      const [first, code] = Object.entries(invitation.answers)[0]!;
      const other = await resubmit(invitation.token, { ...invitation.answers, [first]: code === 0 ? 1 : 0 });
      if (other.status !== 409) problems.push(`${invitation.code}: different answers again answered ${other.status}, expected 409`);
    }
    const steps = cpuSteps(measured, api.deps.catalogue.find, await loadSurveyValidator());
    const check = await verifyStoredOnce(api.deps, submitted, untouched);
    problems.push(...check.problems);
    if (submitted.length !== warm.length + measured.length) problems.push(`${submitted.length} submissions accepted of ${warm.length + measured.length}`);

    // ---------------------------------------------------------------------------------------
    const submitS = summarise(submitMs);
    const floorS = summarise(floorMs);
    const healthS = summarise(healthMs);
    const ratio = submitS.p50 / floorS.p50;
    const m = machineInfo();
    const commit = commitInfo();
    console.log('Submit latency: POST /api/p/submit through the local server vs a bare PutItem\n');
    console.log(`CPU:         ${m.cpu} (${m.cores} logical cores)`);
    console.log(`Node:        ${m.node}, ${m.platform}`);
    console.log(`Memory:      ${m.memoryGiB} GiB`);
    if (commit) console.log(`Code:        commit ${commit}`);
    console.log(`Load avg:    ${loadBefore} before, ${loadavg()} after (1/5/15 min; a shared machine: expect noise)`);
    console.log(
      `Setup:       dynalite (in memory), the SES emulator and the API (createApp on @hono/node-server) in this process, loopback HTTP ` +
        `with keep-alive (fetch); ${fmtInt(invitations.length)} demo-study participants enrolled and invited in ${prepSeconds.toFixed(1)} s; ` +
        `battery PHQ-9 + GAD-7 + PEG-3 (${Object.keys(measured[0]!.answers).length} answers); one request at a time; ` +
        `${warm.length} untimed warm-up rounds, then ${measured.length} timed rounds in ${wallSeconds.toFixed(1)} s\n`,
    );
    const row = (name: string, s: Summary) => [name, fmtInt(s.n), fmtMs(s.p50), fmtMs(s.p90), fmtMs(s.p99), fmtMs(s.max), fmtMs(s.mean)];
    console.log(
      table(
        ['request', 'n', 'p50', 'p90', 'p99', 'max', 'mean'],
        [
          row('POST /api/p/submit', submitS),
          row(`floor: PutItem (${fmtBytes(itemBytes)} item)`, floorS),
          row('GET /api/health (HTTP + app only)', healthS),
        ],
      ),
    );

    const total = recorder.total();
    console.log('\nWhere a submission goes (per timed submission, mean)');
    const perSubmit = (x: number) => x / measured.length;
    const calls = [...recorder.byCommand.entries()].sort((a, b) => b[1].calls - a[1].calls);
    console.log(
      table(
        ['DynamoDB command', 'calls', 'mean latency'],
        calls.map(([name, s]) => [name, perSubmit(s.calls).toFixed(2), fmtMs(s.ms / s.calls)]),
      ),
    );
    console.log(
      `  ${perSubmit(total.calls).toFixed(1)} DynamoDB calls per submission; some in flight during ${fmtMs(perSubmit(recorder.busyMs))} of its ` +
        `${fmtMs(submitS.mean)} (mean); the rest is HTTP, validation, scoring and JSON. The CPU-only steps, timed apart on the same answers:`,
    );
    console.log(table(['step (in process, mean per submission)', 'time'], steps.map(([name, ms]) => [name, fmtMs(ms)])));

    const met = ratio <= TARGET_RATIO;
    console.log('\nTarget');
    console.log(
      table(
        ['target', 'measured p50', 'floor p50', 'ratio', 'result'],
        [[`submit p50 ≤ ${TARGET_RATIO}× the PutItem floor`, fmtMs(submitS.p50), fmtMs(floorS.p50), `${ratio.toFixed(2)}×`, met ? 'MET' : 'MISSED']],
      ),
    );
    console.log(
      `\nVerified: ${fmtInt(submitted.length)} submissions answered 200 'completed'; each instance completed with the answers sent, ` +
        `one score per instrument, the completedAt answered, and exactly one instance.completed audit entry; ` +
        `${again.length} completed links submitted again: the same answers answered 200 with the first completedAt, different ones 409, nothing changed; ${untouched.length} participants never submitted still open. ` +
        `${problems.length === 0 ? 'All as expected.' : `${problems.length} PROBLEM(S):`}`,
    );
    for (const p of problems.slice(0, 20)) console.log(`  ${p}`);
    if (problems.length > 0) console.log('\nINVALID: the submissions were not all stored and scored exactly once.');

    if (opts.json !== undefined) {
      const targets: BenchTarget[] = [
        {
          name: 'submit latency p50 (POST /api/p/submit, local server)',
          measured: `${fmtMs(submitS.p50)} (p90 ${fmtMs(submitS.p90)}, p99 ${fmtMs(submitS.p99)}, max ${fmtMs(submitS.max)})`,
          floor: `${fmtMs(floorS.p50)} (PutItem, ${fmtBytes(itemBytes)})`,
          ratio,
          target: `≤ ${TARGET_RATIO}× the floor`,
          met,
        },
      ];
      writeBenchJson(opts.json, {
        bench: 'submit-latency',
        title: 'Submit latency against a bare PutItem',
        targets,
        notes: [
          `n=${measured.length} sequential submissions (after ${warm.length} warm-up), ${perSubmit(total.calls).toFixed(1)} DynamoDB calls each; GET /api/health p50 ${fmtMs(healthS.p50)}`,
          `verified: ${submitted.length} stored and scored exactly once (audit), ${again.length} repeated submissions changed nothing${problems.length > 0 ? `; ${problems.length} problems` : ''}`,
        ],
        valid: problems.length === 0,
      });
    }
    if (problems.length > 0) process.exitCode = 1;
  } finally {
    await api.stop();
  }
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
