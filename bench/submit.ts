/**
 * A participant's submission through the Lambda handler that serves participant routes, against a
 * bare PutItem of an item the same size, alternately, against the same dynalite; the DynamoDB calls
 * of each step of a participant's path (enrolment, invitation, opening the link, a save, the
 * submission, the dispatcher's follow-up), which bench/cost.ts prices. See bench/README.md.
 */
import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import { GetCommand, PutCommand } from '@aws-sdk/lib-dynamodb';
import { keys } from '../functions/adapters/dynamodb/keys';
import { LINK_TOKEN_HEADER } from '../functions/core/auth/link-token';
import { demoStudy } from '../functions/demo/demo-study';
import { answersFor, checkAnswers } from '../functions/core/scoring/check-answers';
import { scoreInstrument } from '../functions/core/scoring/engine';
import { loadSurveyValidator } from '../functions/adapters/surveyjs/survey-validation';
import { runDispatch } from '../functions/use-cases/dispatch';
import { recordDynamoCalls } from './lib/db-calls';
import { alternate, fmtBytes, fmtMs, fmtSpread, options, Report, run, stats, table, time } from './lib/harness';
import { apiEvent, loadHandler, type LambdaHandler } from './lib/lambda-event';
import { answersTo, batteryOf, emailOf, enrol, keepingMailer, linkToken, seeded, startLocalStack } from './lib/local-stack';

const opts = options('bench/submit.ts', "A participant's submission against a bare PutItem, and the DynamoDB calls of each step of a participant's path.", {
  n: { kind: 'int', default: 200, min: 10, help: 'timed submissions, each alternating with one PutItem' },
  warmup: { kind: 'int', default: 30, min: 2, help: 'untimed submissions (and PutItems) first' },
  seed: { kind: 'int', default: 20251125, help: 'seed of the answers' },
});

const root = join(import.meta.dirname, '..');
/** The entry that serves /api/p/*: a participant Lambda's once one exists (functions/entrypoints/*participant*.ts), else the API's. */
const entry = (() => {
  const own = readdirSync(join(root, 'functions', 'entrypoints')).find((f) => /participant.*\.ts$/.test(f));
  return join('functions', 'entrypoints', own ?? 'api-lambda.ts');
})();

async function main(): Promise<void> {
  const report = new Report(
    'submit',
    "Submit: a participant's submission through the Lambda handler against a bare PutItem",
    `${entry}'s handler (the TypeScript sources, in this process) fed API Gateway events; dynalite and the SES emulator in a process of their own (a call waits for them, as for DynamoDB); ` +
      `${opts.n} submissions alternating with ${opts.n} PutItems of an item the size of a completed instance, after ${opts.warmup} of each untimed; one request at a time; ` +
      'participants enrolled and invited through the product\'s use cases; demo study, baseline battery (PHQ-9, GAD-7, PEG-3).',
  );
  // Before any client exists, so every document client carries the counter.
  const db = recordDynamoCalls();
  const stack = await startLocalStack();
  try {
    const handler: LambdaHandler = await loadHandler(join(root, entry), stack.env);
    const mailer = keepingMailer();
    // Enrolled and invited yesterday morning (the demo study sends at 09:00 in London), so the run
    // does not depend on the time of day it starts at; the handler runs on the real clock, inside
    // the baseline window (a week), and so does the follow-up pass after the submissions.
    const yesterday = new Date(Date.now() - 86_400_000).toISOString().slice(0, 10);
    let fixed: number | undefined = Date.parse(`${yesterday}T07:00:00.000Z`);
    const clock = { now: () => new Date(fixed ?? Date.now()) };
    const deps = stack.deps({ clock, mailer, dispatch: { maxSendRate: Infinity, sleep: async () => {} } });
    const count = opts.warmup + opts.n + 5;

    report.log(`enrolling and inviting ${count} participants`);
    const codes = await db.measure(() => enrol(deps, demoStudy.id, count, { arms: demoStudy.arms.map((a) => a.id), emailPrefix: 'submit' }));
    report.recordUsage('enrolment', db.usage(count));
    fixed = Date.parse(`${yesterday}T10:00:00.000Z`);
    const sent = await db.measure(async () => {
      let total = 0;
      for (let pass = 0; pass < 20; pass++) {
        const r = await runDispatch(deps);
        total += r.sent;
        if (r.sent === 0) break;
      }
      return total;
    });
    report.check(sent === count, `the dispatcher sent ${sent} invitations to ${count} participants`);
    fixed = undefined;
    report.recordUsage('invitation sent', db.usage(sent, { emails: 1 }));
    const battery = batteryOf(deps, demoStudy.protocol.timepoints[0]!.instruments);
    const random = seeded(opts.seed);
    const people = codes.map((code, i) => {
      const email = mailer.emails.find((e) => e.to.some((to) => to.includes(emailOf('submit', i))));
      const token = email && linkToken(email);
      if (token === undefined) throw new Error(`no invitation with a link for ${code}`);
      return { code, token, answers: answersTo(battery, random) };
    });

    // As the participant page calls the API: the link's token in its header, never in the path.
    const call = async (method: string, path: string, token: string, body?: unknown) => {
      const result = await handler(apiEvent(method, path, { headers: { [LINK_TOKEN_HEADER]: token }, ...(body === undefined ? {} : { body }) }));
      return { status: result.statusCode, body: JSON.parse(result.body ?? 'null') as Record<string, unknown> };
    };
    const submit = async (p: (typeof people)[number]) => {
      const r = await call('POST', '/api/p/submit', p.token, { answers: p.answers });
      report.check(r.status === 200 && r.body.status === 'completed', `${p.code}: submit answered ${r.status} ${JSON.stringify(r.body).slice(0, 200)}`);
      return r;
    };

    // The other participant requests, on the warm-up participants: opening the link and one save.
    const warm = people.slice(0, opts.warmup);
    const openMs: number[] = [];
    await db.measure(async () => {
      for (const p of warm) openMs.push(await time(async () => report.check((await call('GET', '/api/p', p.token)).status === 200, `${p.code}: open failed`)));
    });
    report.recordUsage('link opened', db.usage(warm.length, { ms: stats(openMs).median }));
    const saveMs: number[] = [];
    const firstHalf = (a: Record<string, number>) => Object.fromEntries(Object.entries(a).slice(0, Math.ceil(Object.keys(a).length / 2)));
    await db.measure(async () => {
      for (const p of warm) saveMs.push(await time(async () => report.check((await call('PUT', '/api/p/answers', p.token, { answers: firstHalf(p.answers) })).status === 200, `${p.code}: save failed`)));
    });
    report.recordUsage('answers saved', db.usage(warm.length, { ms: stats(saveMs).median }));

    // The baseline's item: a completed instance as submit leaves it, under keys of its own.
    await submit(warm[0]!);
    const { Item: completed } = await stack.db.doc.send(new GetCommand({ TableName: stack.db.tables.research, Key: keys.instance(demoStudy.id, warm[0]!.code, 'baseline') }));
    if (completed === undefined) throw new Error('the first submission left no instance item');
    const itemBytes = Buffer.byteLength(JSON.stringify(completed));
    // Each timed request split by the event loop's own accounting: idle (waiting on DynamoDB with
    // nothing to run; requests go one at a time) and working (the handler, the SDK's marshalling,
    // signing and HTTP, JSON, the benchmark's bookkeeping). The idle part is what no change to the
    // handler's code can remove; the PutItem's working part is what one more call costs here.
    const recorded = { on: false };
    const split = { submit: { idle: [] as number[], working: [] as number[] }, put: { idle: [] as number[], working: [] as number[] } };
    const timed = async (name: keyof typeof split, work: () => Promise<unknown>) => {
      const before = performance.eventLoopUtilization();
      const ms = await time(work);
      const loop = performance.eventLoopUtilization(before);
      if (recorded.on) (split[name].idle.push(loop.idle), split[name].working.push(loop.active));
      return ms;
    };
    let puts = 0;
    const put = () => timed('put', () => stack.db.doc.send(new PutCommand({ TableName: stack.db.tables.research, Item: { ...completed, pk: 'BENCH#BASELINE', sk: `PUT#${puts++}`, duePk: undefined, dueSk: undefined } })));

    const queue = people.slice(1, opts.warmup + opts.n);
    let next = 0;
    const timedSubmit = async () => {
      const p = queue[next++]!;
      db.recording = recorded.on;
      const ms = await timed('submit', () => submit(p));
      db.recording = false;
      return ms;
    };
    report.log(`${opts.n} submissions alternating with ${opts.n} PutItems`);
    await alternate({ submit: timedSubmit, put }, { rounds: opts.warmup - 1, progress: () => {} });
    db.reset();
    recorded.on = true;
    const samples = await alternate({ submit: timedSubmit, put }, { rounds: opts.n, progress: (r) => r % 50 === 0 && report.log(`${r}/${opts.n}`) });
    const submitUsage = db.usage(opts.n);
    const commands = db.commands(opts.n);
    const targets = db.targets(opts.n);
    const [sub, base] = [stats(samples.submit), stats(samples.put)];
    const [waited, worked, baseWaited, baseWorked] = [stats(split.submit.idle), stats(split.submit.working), stats(split.put.idle), stats(split.put.working)];
    report.recordUsage('submission', { ...submitUsage, ms: sub.median });

    const followed = await db.measure(async () => (await runDispatch(deps)).followedUp);
    report.check(followed === opts.warmup + opts.n, `the follow-up pass handled ${followed} completions, expected ${opts.warmup + opts.n}`);
    report.recordUsage('completion followed up', db.usage(Math.max(1, followed)));

    // Checks: every submission stored once and scored; a repeat is answered alike and changes nothing; the rest untouched.
    for (const p of people.slice(0, opts.warmup + opts.n)) {
      const instance = await deps.instances.get(demoStudy.id, p.code, 'baseline');
      report.check(instance?.status === 'completed' && (instance.scores ?? []).length === battery.length, `${p.code}: instance ${instance?.status} with ${(instance?.scores ?? []).length} scores`);
    }
    for (const p of people.slice(opts.warmup + opts.n)) report.check((await deps.instances.get(demoStudy.id, p.code, 'baseline'))?.status === 'open', `${p.code} (never submitted) is not open`);
    const again = people[opts.warmup]!;
    report.check((await call('POST', '/api/p/submit', again.token, { answers: again.answers })).status === 200, 'the same answers submitted again were not answered 200');
    const [first, code] = Object.entries(again.answers)[0]!;
    report.check((await call('POST', '/api/p/submit', again.token, { answers: { ...again.answers, [first]: code === 0 ? 1 : 0 } })).status === 409, 'different answers submitted again were not refused with 409');

    report.section(
      'Latency, one request at a time',
      table(
        ['request', 'median (p90, min–max)'],
        [
          ['POST /api/p/submit (handler)', fmtSpread(sub)],
          [`baseline: PutItem of ${fmtBytes(itemBytes)}`, fmtSpread(base)],
          ['of each submission: idle, waiting on DynamoDB', fmtSpread(waited)],
          ['of each submission: working (handler, SDK, JSON)', fmtSpread(worked)],
          ['of each PutItem: idle, waiting on DynamoDB', fmtSpread(baseWaited)],
          ['of each PutItem: working (SDK, HTTP)', fmtSpread(baseWorked)],
          ['GET /api/p (handler, untimed phase)', fmtSpread(stats(openMs))],
          ['PUT /api/p/answers (handler, untimed phase)', fmtSpread(stats(saveMs))],
        ],
      ),
    );
    // The submission's CPU-only steps, timed apart on the same answers: how much of it is not DynamoDB.
    const validate = await loadSurveyValidator();
    const step = (work: (answers: Record<string, number>) => void) =>
      stats(people.slice(0, 50).map((p) => {
        const started = performance.now();
        work(p.answers);
        return performance.now() - started;
      })).median;
    const steps = [
      ['checkAnswers (the codes)', step((a) => void checkAnswers(battery.map((i) => i.scoring), a))],
      ['SurveyJS validation (a survey-core Model per instrument)', step((a) => void battery.forEach((i) => validate(i.survey, answersFor(i.scoring, a))))],
      ['scoring', step((a) => void battery.forEach((i) => scoreInstrument(i.scoring, answersFor(i.scoring, a))))],
    ] as const;
    report.section('CPU-only steps of a submission, timed apart (median)', table(['step', 'time'], steps.map(([name, ms]) => [name, fmtMs(ms)])));
    report.section(
      "DynamoDB per step of a participant's path (per operation; RRU/WRU as billed on demand, see bench/lib/db-calls.ts)",
      `${report.usageTable()}\nsubmission's calls: ${commands}\nby the kind of item they touch: ${targets}`,
    );
    const ratio = sub.median / base.median;
    report.target({
      name: 'submission p50 (through the handler)',
      measured: `${fmtMs(sub.median)} (p90 ${fmtMs(sub.p90)}); ${submitUsage.calls.toFixed(1)} DynamoDB calls, ${submitUsage.sequential!.toFixed(1)} in sequence; idle ${fmtMs(waited.median)}, working ${fmtMs(worked.median)} (a PutItem: idle ${fmtMs(baseWaited.median)}, working ${fmtMs(baseWorked.median)})`,
      baseline: `${fmtMs(base.median)} (PutItem, ${fmtBytes(itemBytes)})`,
      ratio,
      goal: '≤ 3× a bare PutItem',
      met: ratio <= 3,
    });
    report.note(`${opts.warmup + opts.n} submissions each stored once with one score per instrument; a repeat with the same answers answered 200, with other answers 409; 5 participants never submitted still open`);
  } finally {
    await stack.stop();
  }
  report.finish(opts.json);
}

run(main);
