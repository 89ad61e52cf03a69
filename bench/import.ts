/**
 * Bulk import: a participants CSV of N rows through the API Lambda's handler, as a dry run and then
 * for real (an import job: the request answers 202, the dispatcher's import step enrols it), each
 * against a floor measured in the same run on the same emulators: does a coordinator's request for a
 * 5,000-row file answer well within API Gateway's 29 s, and how long until the job is done? See bench/README.md.
 */
import { DeleteCommand, PutCommand } from '@aws-sdk/lib-dynamodb';
import { join } from 'node:path';
import { batchGet } from '../functions/adapters/dynamodb/batch-get';
import { keys } from '../functions/adapters/dynamodb/keys';
import type { Study } from '../functions/core/study/study';
import { demoStudy } from '../functions/demo/demo-study';
import { fmtInt, fmtMs, fmtRatio, options, Report, run, table, time } from './lib/harness';
import { apiEvent, loadHandler } from './lib/lambda-event';
import { runImportJobs } from '../functions/use-cases/import-jobs';
import { pool, startLocalStack } from './lib/local-stack';

const opts = options('bench/import.ts', 'A participants CSV through the API, dry run and import, each against its floor.', {
  rows: { kind: 'int', default: 5000, min: 1, help: 'rows in the CSV (the API takes at most 10,000)' },
});

/** As many enrolments in flight as functions/use-cases/import-jobs.ts enrols a chunk's rows at once. */
const WRITE_CONCURRENCY = 16;
const GOAL_MS = 10_000;

async function main(): Promise<void> {
  const report = new Report(
    'import',
    'Import: a participants CSV through the API Lambda, dry run and import job, against their floors',
    `functions/entrypoints/api-lambda.ts's handler (sources, in this process) fed POST /api/studies/:id/participants/import with ${fmtInt(opts.rows)} rows (email, arm, time zone; the demo arms in turn), ` +
      'then the dispatcher\'s import step (runImportJobs, functions/use-cases/import-jobs.ts, each call with the dispatcher\'s import budget) called back to back, as the local platform does, until the job is done; ' +
      "a coordinator's bearer token; a fresh copy of the demo study, so every row is new; emulators in a process of their own. Floors, same emulators: the dry run's, BatchGetItem of the keys its checks read " +
      `(each row's email reservation); the import's, the writes a safe enrolment cannot do without (per row four conditional PutItems, the contact write and the parked audit entry's deletion, items of the same sizes), ${WRITE_CONCURRENCY} rows at a time.`,
  );
  const stack = await startLocalStack();
  try {
    const handler = await loadHandler(join(import.meta.dirname, '..', 'functions', 'entrypoints', 'api-lambda.ts'), stack.env);
    const deps = stack.deps();
    // A study of its own, so every row is new; a coordinator's session, as the console would hold.
    const study: Study = { ...demoStudy, id: 'import-bench', name: 'Import benchmark' };
    await deps.studies.createIfAbsent(study);
    const token = deps.secrets.token();
    const now = new Date();
    await deps.staff.put({ email: 'bench@example.org', name: 'Bench', role: 'coordinator', studies: [study.id] });
    await deps.staff.putSession(deps.secrets.hash(token), { email: 'bench@example.org', role: 'coordinator', studies: [study.id], createdAt: now.toISOString(), expiresAt: new Date(now.getTime() + 3_600_000).toISOString() });

    const arms = study.arms.map((a) => a.id);
    const emails = Array.from({ length: opts.rows }, (_, i) => `row-${i + 1}@import.bench.test`);
    const csv = ['email,arm,timezone', ...emails.map((email, i) => `${email},${arms[i % arms.length]},Europe/London`)].join('\n');
    const importCsv = async (dryRun: boolean) => {
      const result = await handler(
        apiEvent('POST', `/api/studies/${study.id}/participants/import`, { body: csv, query: dryRun ? 'dryRun=true' : '', headers: { 'content-type': 'text/csv', authorization: `Bearer ${token}` } }),
      );
      return { status: result.statusCode, headers: result.headers ?? {}, body: JSON.parse(result.body ?? '{}') as { valid?: number; enrolled?: number; rows?: number; jobId?: string } };
    };

    report.log(`dry-run floor: BatchGetItem of the ${fmtInt(opts.rows)} reservation keys`);
    const dryFloor = await time(() => batchGet(stack.db, stack.db.tables.contacts, emails.map((email) => keys.emailReservation(study.id, email))));
    report.log(`dry run of ${fmtInt(opts.rows)} rows`);
    let dryAnswer: Awaited<ReturnType<typeof importCsv>> | undefined;
    const dry = await time(async () => (dryAnswer = await importCsv(true)));
    report.check(dryAnswer?.status === 200 && dryAnswer.body.valid === opts.rows && dryAnswer.body.enrolled === 0, `the dry run answered ${dryAnswer?.status} ${JSON.stringify(dryAnswer?.body).slice(0, 200)}`);

    report.log('import floor: the per-row writes');
    const item = (kind: string, i: number, size: number) => ({ pk: 'BENCH#import-floor', sk: `${kind}#${i}`, type: kind, filler: 'x'.repeat(size) });
    const put = (Item: Record<string, unknown>, conditional: boolean) =>
      stack.db.doc.send(new PutCommand({ TableName: stack.db.tables.research, Item, ...(conditional ? { ConditionExpression: 'attribute_not_exists(pk)' } : {}) }));
    const importFloor = await time(() =>
      pool(emails, WRITE_CONCURRENCY, async (_email, i) => {
        await put(item('reservation', i, 60), true);
        await put(item('contact', i, 60), false);
        for (const [kind, size] of [['parked', 300], ['participant', 240], ['audit', 260]] as const) await put(item(kind, i, size), true);
        await stack.db.doc.send(new DeleteCommand({ TableName: stack.db.tables.research, Key: { pk: 'BENCH#import-floor', sk: `parked#${i}` } }));
      }),
    );
    report.log(`import of ${fmtInt(opts.rows)} rows: the request (202)`);
    let answer: Awaited<ReturnType<typeof importCsv>> | undefined;
    const accepted = await time(async () => (answer = await importCsv(false)));
    report.check(answer?.status === 202 && answer.body.rows === opts.rows, `the import answered ${answer?.status} ${JSON.stringify(answer?.body).slice(0, 200)}`);
    report.log('import job: the dispatcher\'s import step until it is done');
    let passes = 0;
    const jobId = answer?.body.jobId ?? '';
    const toDone = await time(async () => {
      while ((await deps.importJobs.get(study.id, jobId))?.status !== 'done' && passes < 1000) {
        await runImportJobs(deps, { budgetMs: deps.dispatch.importBudgetMs });
        passes++;
      }
    });
    const job = await deps.importJobs.get(study.id, jobId);
    report.check(job?.status === 'done' && job.enrolled === opts.rows && job.failedRows === 0, `the job ended ${job?.status}, enrolled ${job?.enrolled}, failed ${job?.failedRows}`);
    const real = accepted + toDone;

    // Verified after the clock stops: every row is one participant, and its address is reserved for it alone.
    const participants = (await deps.participants.list(study.id)).length;
    report.check(participants === opts.rows, `${participants} participants stored, expected ${opts.rows}`);
    const holders = await deps.contacts.heldByMany(study.id, emails);
    const codes = new Set(holders.values());
    report.check(holders.size === opts.rows && codes.size === opts.rows, `${holders.size} addresses reserved for ${codes.size} codes, expected ${opts.rows} each`);

    report.section(
      `${fmtInt(opts.rows)} rows`,
      table(
        ['step', 'time', 'floor (same run)', 'ratio'],
        [
          ['dry run (checks only)', fmtMs(dry), fmtMs(dryFloor), fmtRatio(dry / dryFloor)],
          ['import request, to its 202 (checks, codes, the job stored)', fmtMs(accepted), fmtMs(dryFloor), fmtRatio(accepted / dryFloor)],
          [`import job, 202 to done (${passes} import step${passes === 1 ? '' : 's'} of ≤ ${deps.dispatch.importBudgetMs / 1000} s)`, fmtMs(toDone), fmtMs(importFloor), fmtRatio(toDone / importFloor)],
          ['import, request and job', fmtMs(real), fmtMs(importFloor), fmtRatio(real / importFloor)],
        ],
      ),
    );
    report.target({ name: `dry run, ${fmtInt(opts.rows)} rows`, measured: fmtMs(dry), baseline: `${fmtMs(dryFloor)} (BatchGetItem of the keys it reads)`, ratio: dry / dryFloor, goal: '≤ 10 s', met: dry <= GOAL_MS });
    report.target({ name: `import request to its 202, ${fmtInt(opts.rows)} rows`, measured: fmtMs(accepted), baseline: `${fmtMs(dryFloor)} (the dry run's floor: the request checks the same keys)`, ratio: accepted / dryFloor, goal: '≤ 10 s', met: accepted <= GOAL_MS });
    report.note(`the import job, from its 202 to done: ${fmtMs(toDone)} in ${passes} import steps against a floor of ${fmtMs(importFloor)} (the per-row writes), ${fmtRatio(toDone / importFloor)}; no request waits on it`);
    report.note(`verified: ${participants} participants, each address reserved for exactly one code`);
  } finally {
    await stack.stop();
  }
  report.finish(opts.json);
}

run(main);
