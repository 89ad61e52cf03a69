/**
 * Bulk import: a participants CSV of N rows (default 5,000) through the local server (the real
 * Hono app over loopback HTTP, dynalite in memory, as `npm start` runs it), first as a dry run,
 * then for real, each against a floor measured in the same run on the same dynalite:
 *
 * - dry run: the floor is BatchGetItem of the same keys the checks read (every row's email
 *   reservation), 100 keys a call, 8 calls in flight: the least any check of N rows can read.
 * - import: the floor is the writes a safe enrolment cannot do without: per row, the four
 *   conditional PutItems (email reservation; the audit entry parked, the participant carrying its
 *   mark, the audit entry itself: docs/security.md section 9), the contact write and the parked
 *   entry's deletion, items of the same sizes on fresh keys, as many rows in flight as the import
 *   enrols at once (16).
 *
 *   npx tsx bench/import.ts [--rows 5000] [--json <file>]
 *
 * It measures; it does not assert: the exit code is 0 whether or not a target is met, 1 only when
 * the run is invalid (bad options, a request refused, or not every row enrolled exactly once).
 */
import { DeleteCommand, PutCommand } from '@aws-sdk/lib-dynamodb';
import { parseArgs } from 'node:util';
import { batchGet } from '../functions/adapters/dynamodb/batch-get';
import { keys } from '../functions/adapters/dynamodb/keys';
import type { Study } from '../functions/core/study/study';
import { demoStudy } from '../functions/demo/demo-study';
import { commitInfo, machineInfo, writeBenchJson, type BenchTarget } from './lib/bench-json';
import { exitWithUsage, integerParser } from './lib/cli';
import { pool } from './lib/dispatch-population';
import { fmtInt, loadavg, table } from './lib/latency';
import { startLocalApi } from './lib/local-api';

/** The issue's target: under 10 s locally for 5,000 rows, dry run and import each. */
const TARGET_SECONDS = 10;
/** As many enrolments in flight as functions/use-cases/import-participants.ts's ENROL_CONCURRENCY. */
const WRITE_CONCURRENCY = 16;

const USAGE = `usage: npx tsx bench/import.ts [options]
  --rows <n>      rows in the CSV (default 5000; the API takes at most 10,000)
  --json <file>   also write the verdict as JSON (the contract of bench/lib/bench-json.ts)`;

function options() {
  const { values } = parseArgs({
    options: { rows: { type: 'string', default: '5000' }, json: { type: 'string' }, help: { type: 'boolean', short: 'h', default: false } },
    strict: true,
  });
  if (values.help) exitWithUsage(USAGE);
  const int = integerParser(USAGE);
  return { rows: int('rows', values.rows, 1), json: values.json };
}

const log = (message: string) => process.stderr.write(`[import] ${message}\n`);
const seconds = (ms: number) => `${(ms / 1000).toFixed(2)} s`;

async function timed<T>(work: () => Promise<T>): Promise<{ ms: number; result: T }> {
  const started = performance.now();
  const result = await work();
  return { ms: performance.now() - started, result };
}

async function main(): Promise<void> {
  const opts = options();
  process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED = 'true';
  const loadBefore = loadavg();
  log('starting dynalite, the SES emulator and the API on free loopback ports');
  const api = await startLocalApi();
  const problems: string[] = [];
  try {
    // A study of its own, so every row is new; a coordinator's session, as the console would hold.
    const study: Study = { ...demoStudy, id: 'import-bench', name: 'Import benchmark' };
    await api.deps.studies.createIfAbsent(study);
    const token = api.deps.secrets.token();
    const now = new Date();
    await api.deps.staff.put({ email: 'bench@example.org', name: 'Bench', role: 'coordinator', studies: [study.id] });
    await api.deps.staff.putSession(api.deps.secrets.hash(token), { email: 'bench@example.org', role: 'coordinator', studies: [study.id], createdAt: now.toISOString(), expiresAt: new Date(now.getTime() + 3_600_000).toISOString() });

    const arms = study.arms.map((a) => a.id);
    const emails = Array.from({ length: opts.rows }, (_, i) => `row-${i + 1}@import.bench.test`);
    const csv = ['email,arm,timezone', ...emails.map((email, i) => `${email},${arms[i % arms.length]},Europe/London`)].join('\n');
    const importCsv = (dryRun: boolean) =>
      fetch(`${api.url}/api/studies/${study.id}/participants/import${dryRun ? '?dryRun=true' : ''}`, { method: 'POST', headers: { 'content-type': 'text/csv', authorization: `Bearer ${token}` }, body: csv });

    log(`dry-run floor: BatchGetItem of the ${fmtInt(opts.rows)} reservation keys`);
    const dryFloor = await timed(() => batchGet(api.db, api.db.tables.contacts, emails.map((email) => keys.emailReservation(study.id, email))));
    log(`dry run of ${fmtInt(opts.rows)} rows through POST /participants/import?dryRun=true`);
    const dry = await timed(async () => {
      const response = await importCsv(true);
      return { status: response.status, body: (await response.json()) as { valid: number; invalid: number; enrolled: number } };
    });
    if (dry.result.status !== 200 || dry.result.body.valid !== opts.rows || dry.result.body.enrolled !== 0) problems.push(`dry run answered ${dry.result.status} ${JSON.stringify(dry.result.body).slice(0, 200)}`);

    log(`import floor: ${fmtInt(opts.rows * 4)} conditional PutItems, ${fmtInt(opts.rows)} contact writes and ${fmtInt(opts.rows)} deletions, ${WRITE_CONCURRENCY} rows at a time`);
    const floorItem = (kind: string, i: number, size: number) => ({ pk: `BENCH#import-floor`, sk: `${kind}#${i}`, type: kind, filler: 'x'.repeat(size) });
    const importFloor = await timed(() =>
      pool(emails, WRITE_CONCURRENCY, async (_email, i) => {
        await api.db.doc.send(new PutCommand({ TableName: api.db.tables.research, Item: floorItem('reservation', i, 60), ConditionExpression: 'attribute_not_exists(pk)' }));
        await api.db.doc.send(new PutCommand({ TableName: api.db.tables.research, Item: floorItem('contact', i, 60) }));
        for (const [kind, size] of [['parked', 300], ['participant', 240], ['audit', 260]] as const) {
          await api.db.doc.send(new PutCommand({ TableName: api.db.tables.research, Item: floorItem(kind, i, size), ConditionExpression: 'attribute_not_exists(pk)' }));
        }
        await api.db.doc.send(new DeleteCommand({ TableName: api.db.tables.research, Key: { pk: 'BENCH#import-floor', sk: `parked#${i}` } }));
      }),
    );
    log(`import of ${fmtInt(opts.rows)} rows through POST /participants/import`);
    const real = await timed(async () => {
      const response = await importCsv(false);
      return { status: response.status, body: (await response.json()) as { valid: number; invalid: number; enrolled: number } };
    });
    if (real.result.status !== 200 || real.result.body.enrolled !== opts.rows) problems.push(`import answered ${real.result.status}, enrolled ${real.result.body.enrolled}`);

    // Verified after the clock stops: every row is one participant, and its address is reserved for it alone.
    const participants = (await api.deps.participants.list(study.id)).length;
    if (participants !== opts.rows) problems.push(`${participants} participants stored, expected ${opts.rows}`);
    const holders = await api.deps.contacts.heldByMany(study.id, emails);
    const codes = new Set(holders.values());
    if (holders.size !== opts.rows || codes.size !== opts.rows) problems.push(`${holders.size} addresses reserved for ${codes.size} codes, expected ${opts.rows} each`);

    const rows = [
      ['dry run (checks only)', seconds(dry.ms), seconds(dryFloor.ms), (dry.ms / dryFloor.ms).toFixed(1), `≤ ${TARGET_SECONDS} s`, dry.ms <= TARGET_SECONDS * 1000 ? 'MET' : 'MISSED'],
      ['import (enrols every row)', seconds(real.ms), seconds(importFloor.ms), (real.ms / importFloor.ms).toFixed(2), `≤ ${TARGET_SECONDS} s`, real.ms <= TARGET_SECONDS * 1000 ? 'MET' : 'MISSED'],
    ];
    console.log(`Bulk import of ${fmtInt(opts.rows)} rows through the local server (commit ${commitInfo() ?? 'unknown'})`);
    console.log(`machine: ${machineInfo().cpu}, ${machineInfo().cores} cores; load average before ${loadBefore}, after ${loadavg()}`);
    console.log('');
    console.log(table(['step', 'measured', 'floor (same run)', 'ratio', 'target', 'verdict'], rows));
    console.log('');
    console.log(`floors: dry run = BatchGetItem of the ${fmtInt(opts.rows)} keys the checks read; import = ${fmtInt(opts.rows * 4)} conditional PutItems + ${fmtInt(opts.rows)} contact writes + ${fmtInt(opts.rows)} deletions, ${WRITE_CONCURRENCY} rows in flight`);
    console.log(`verified: ${participants} participants, ${holders.size} reservations for ${codes.size} distinct codes${problems.length > 0 ? `; problems: ${problems.join('; ')}` : ''}`);

    if (opts.json) {
      const targets: BenchTarget[] = [
        { name: `dry run, ${fmtInt(opts.rows)} rows`, measured: seconds(dry.ms), floor: seconds(dryFloor.ms), ratio: dry.ms / dryFloor.ms, target: `≤ ${TARGET_SECONDS} s`, met: dry.ms <= TARGET_SECONDS * 1000 },
        { name: `import, ${fmtInt(opts.rows)} rows`, measured: seconds(real.ms), floor: seconds(importFloor.ms), ratio: real.ms / importFloor.ms, target: `≤ ${TARGET_SECONDS} s`, met: real.ms <= TARGET_SECONDS * 1000 },
      ];
      writeBenchJson(opts.json, {
        bench: 'import',
        title: 'Bulk import against its floors',
        targets,
        notes: [
          `floors in the same run: dry run = BatchGetItem of the keys the checks read; import = the per-row writes (4 conditional PutItems, a contact write and a deletion per row, ${WRITE_CONCURRENCY} rows in flight)`,
          `verified: ${participants} participants, each address reserved for exactly one code${problems.length > 0 ? `; ${problems.length} problems` : ''}`,
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
