import { spawnSync } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { createDb } from '../../functions/adapters/dynamodb/client';
import { ensureTables } from '../../functions/adapters/dynamodb/create-tables';
import { createRepositories } from '../../functions/adapters/dynamodb/repositories';
import { runImportJobs } from '../../functions/use-cases/import-jobs';
import { enrolOne } from '../../functions/use-cases/enrol-participant';
import { runDispatch } from '../../functions/use-cases/dispatch';
import { demoStudy } from '../../functions/demo/demo-study';
import { LOCAL_TABLES } from '../../scripts/local/data-connection';
import { startEmulators } from '../../scripts/local/emulators';
import { unavailable } from '../../functions/core/errors';
import { failNext } from '../helpers/fault-injection';
import { getImportJob, postImport } from '../helpers/import-job';
import { createTestContext, type TestContext } from '../helpers/test-context';

/**
 * A participant import never waits on its enrolments inside a request (docs/security.md, "Bulk
 * import"): the request checks, assigns codes, stores a job and answers 202; the dispatcher's
 * import step enrols the job's chunks under leases. Every row must end enrolled exactly once,
 * whoever runs the chunks, however many run at once, and whichever worker dies half-way.
 */
let t: TestContext;
let coordinator: string;
const ARMS = ['mbpm', 'waitlist', 'healthy'];

beforeAll(async () => {
  t = await createTestContext();
  coordinator = await t.coordinator();
});

const csvOf = (emails: string[]) => ['email,arm,timezone', ...emails.map((e, i) => `${e},${ARMS[i % 3]},Europe/London`)].join('\n');

/** Every participant of the study whose address is one of `emails`, by address (an address enrolled twice shows as two codes). */
async function codesByAddress(emails: string[]): Promise<Map<string, string[]>> {
  const wanted = new Set(emails);
  const participants = await t.deps.participants.list('demo');
  const found = new Map<string, string[]>();
  await Promise.all(
    participants.map(async (p) => {
      const email = (await t.deps.contacts.get('demo', p.code))?.email;
      if (email !== undefined && wanted.has(email)) found.set(email, [...(found.get(email) ?? []), p.code]);
    }),
  );
  return found;
}

/** Each address enrolled exactly once, its reservation naming that participant, and one enrolment audit entry each. */
async function expectEnrolledOnce(emails: string[]) {
  const byAddress = await codesByAddress(emails);
  expect([...byAddress.keys()].sort()).toEqual([...emails].sort());
  for (const [email, codes] of byAddress) expect(codes, email).toHaveLength(1);
  const holders = await t.deps.contacts.heldByMany('demo', emails);
  for (const [email, [code]] of byAddress) expect(holders.get(email)).toBe(code);
  const codes = new Set([...byAddress.values()].map(([code]) => `participant:${code}`));
  const entries = (await t.deps.audit.list('study:demo')).filter((e) => e.action === 'participant.enrolled' && codes.has(e.target));
  expect(entries).toHaveLength(emails.length);
}

describe('an import through the API', () => {
  it('answers 202 with the job at once, enrols nothing in the request, and the dispatcher takes it to done with every row enrolled once', async () => {
    const emails = Array.from({ length: 600 }, () => t.uniqueEmail('job'));
    const response = await postImport(t, 'demo', csvOf(emails), coordinator);
    expect(response.status).toBe(202);
    const created = (await response.json()) as { jobId: string; rows: number; status: string };
    expect(created).toMatchObject({ rows: 600, status: 'queued' });
    const location = response.headers.get('location')!;
    expect(location).toBe(`/api/studies/demo/participants/imports/${created.jobId}`);
    // Nobody is enrolled by the request itself.
    expect((await codesByAddress(emails)).size).toBe(0);
    expect((await getImportJob(t, location, coordinator)).body).toMatchObject({ status: 'queued', rows: 600, done: 0, enrolled: 0, failed: [], startedAt: null, finishedAt: null });

    // The dispatcher's passes enrol it (and plan the new participants in the same pass). A pass
    // stops importing at its time budget, so on a slow machine it takes more than one; each
    // must make progress, and together they enrol every row once.
    let imported = 0;
    for (let pass = 0; pass < 10 && imported < 600; pass += 1) {
      const report = await runDispatch(t.deps);
      expect(report.imported).toBeGreaterThan(0);
      imported += report.imported;
    }
    expect(imported).toBe(600);
    const { status, body } = await getImportJob(t, location, coordinator);
    expect(status).toBe(200);
    expect(body).toMatchObject({ status: 'done', rows: 600, done: 600, enrolled: 600, failed: [] });
    expect(body.startedAt).not.toBeNull();
    expect(body.finishedAt).not.toBeNull();
    expect(body.enrolledRows).toHaveLength(600);
    expect(body.enrolledRows![0]).toMatchObject({ row: 1, arm: 'mbpm' });
    await expectEnrolledOnce(emails);

    // The audit trail has the job queued and its summary, once.
    const audit = await t.deps.audit.list('study:demo');
    expect(audit.filter((e) => e.target === `import:${created.jobId}`).map((e) => e.action).sort()).toEqual(['participants.import.queued', 'participants.imported']);
    // The rows with their addresses are gone from the job once enrolled.
    const chunks = (await t.scan('contacts')).filter((item) => item.type === 'import-chunk' && item.jobId === created.jobId);
    expect(chunks).toHaveLength(3);
    for (const chunk of chunks) expect(chunk.rows).toBeUndefined();
    // Another pass finds nothing more to do.
    expect((await runDispatch(t.deps)).imported).toBe(0);
  }, 300_000);

  it('still refuses a file with a bad row with 400 naming the row and field, and stores nothing', async () => {
    const before = { research: await t.scan('research'), contacts: await t.scan('contacts') };
    const csv = `email,arm\n${t.uniqueEmail('ok')},mbpm\nnot-an-email,mbpm\n`;
    const response = await postImport(t, 'demo', csv, coordinator);
    expect(response.status).toBe(400);
    expect(await response.json()).toMatchObject({
      error: { code: 'bad_request', message: '1 row has problems: nothing was imported (row 2: email: is not an email address)', details: [{ field: 'row 2: email' }] },
      valid: 1,
      invalid: 1,
      enrolled: 0,
    });
    expect(await t.scan('research')).toEqual(before.research);
    expect(await t.scan('contacts')).toEqual(before.contacts);
  });

  it("reports a row whose address was enrolled after the job's checks as failed, naming the row and field, and enrols the rest", async () => {
    const emails = Array.from({ length: 5 }, () => t.uniqueEmail('late'));
    const response = await postImport(t, 'demo', csvOf(emails), coordinator);
    expect(response.status).toBe(202);
    // Enrolled by hand between the job's checks and its run.
    expect((await t.request('POST', '/api/studies/demo/participants', { token: coordinator, body: { email: emails[2], arm: 'mbpm' } })).status).toBe(201);
    await runImportJobs(t.deps, { budgetMs: 60_000 });
    const { body } = await getImportJob(t, response.headers.get('location')!, coordinator);
    expect(body).toMatchObject({ status: 'done', rows: 5, done: 5, enrolled: 4, failed: [{ row: 3, field: 'email', message: 'a participant with this email is already enrolled in this study' }] });
    await expectEnrolledOnce(emails);
  });
});

describe('workers that die or race', () => {
  it("a chunk whose worker died half-way is left alone while its lease holds, then taken over, and nobody is enrolled twice", async () => {
    const emails = Array.from({ length: 300 }, () => t.uniqueEmail('dead'));
    const response = await postImport(t, 'demo', csvOf(emails), coordinator);
    const { jobId } = (await response.json()) as { jobId: string };
    const location = response.headers.get('location')!;

    // A worker leases chunk 0, enrols its first 100 rows, reserves the 101st's address, and dies.
    const now = t.clock.now();
    const { rows } = (await t.deps.importJobs.claimChunk('demo', jobId, 0, 'worker:dead', now, new Date(now.getTime() + t.deps.dispatch.importLeaseMs)))!;
    expect(rows).toHaveLength(250);
    const study = (await t.deps.studies.get('demo'))!;
    for (const row of rows.slice(0, 100)) {
      await enrolOne(t.deps, 'staff:coordinator@staff.test', study, { email: row.email, arm: row.arm, timezone: row.timezone! }, { code: row.code, counterCode: row.counterCode });
    }
    await t.deps.contacts.reserveEmail('demo', rows[100]!.email, rows[100]!.code, now);

    // While the lease holds, another worker does the rest and leaves that chunk alone.
    expect(await runImportJobs(t.deps, { budgetMs: 60_000 })).toMatchObject({ enrolled: 50, chunks: 1, jobsDone: 0, recovered: 0 });
    expect((await getImportJob(t, location, coordinator)).body).toMatchObject({ status: 'running', done: 50, enrolled: 50 });

    // After the lease lapses, the chunk is taken over and run again from the start.
    t.clock.advance(t.deps.dispatch.importLeaseMs + 1_000);
    expect(await runImportJobs(t.deps, { budgetMs: 60_000 })).toMatchObject({ enrolled: 250, chunks: 1, jobsDone: 1, recovered: 1 });
    // The dead worker can no longer finish it.
    expect(await t.deps.importJobs.finishChunk('demo', jobId, 0, 'worker:dead', { enrolled: 0, enrolledRows: [], failed: [] })).toBe(false);
    expect((await getImportJob(t, location, coordinator)).body).toMatchObject({ status: 'done', rows: 300, done: 300, enrolled: 300, failed: [] });
    await expectEnrolledOnce(emails);
  }, 120_000);

  it('three workers racing on the same job enrol each row exactly once and finish it once', async () => {
    const emails = Array.from({ length: 750 }, () => t.uniqueEmail('race'));
    const response = await postImport(t, 'demo', csvOf(emails), coordinator);
    const { jobId } = (await response.json()) as { jobId: string };
    const reports = await Promise.all([1, 2, 3].map((n) => runImportJobs(t.deps, { budgetMs: 60_000, worker: `worker:${n}` })));
    expect(reports.reduce((n, r) => n + r.enrolled, 0)).toBe(750);
    expect(reports.reduce((n, r) => n + r.chunks, 0)).toBe(3);
    expect(reports.reduce((n, r) => n + r.jobsDone, 0)).toBe(1);
    const view = (await getImportJob(t, response.headers.get('location')!, coordinator)).body;
    expect(view).toMatchObject({ status: 'done', enrolled: 750, failed: [] });
    // The job's own counters agree with its chunks: each chunk counted once.
    expect(await t.deps.importJobs.get('demo', jobId)).toMatchObject({ status: 'done', chunksDone: 3, enrolled: 750, failedRows: 0 });
    expect((await t.deps.audit.list('study:demo')).filter((e) => e.action === 'participants.imported' && e.target === `import:${jobId}`)).toHaveLength(1);
    await expectEnrolledOnce(emails);
  }, 120_000);
});

describe('a chunk that fails for a reason not its rows', () => {
  it('the database unavailable while it enrols: the pass goes on and counts it in importErrors, and the chunk is run again after its lease', async () => {
    const emails = Array.from({ length: 4 }, () => t.uniqueEmail('busy'));
    const response = await postImport(t, 'demo', csvOf(emails), coordinator);
    const location = response.headers.get('location')!;
    const busy = { ...t.deps, contacts: failNext(t.deps.contacts, 'putContact', { before: () => { throw unavailable('the database is busy just now: please try again in a moment'); } }) };
    expect(await runDispatch(busy)).toMatchObject({ imported: 0, importErrors: 1 });
    expect((await getImportJob(t, location, coordinator)).body).toMatchObject({ status: 'running', done: 0 });
    t.clock.advance(t.deps.dispatch.importLeaseMs + 1_000);
    expect(await runImportJobs(t.deps, { budgetMs: 60_000 })).toMatchObject({ enrolled: 4, recovered: 1, errors: [] });
    expect((await getImportJob(t, location, coordinator)).body).toMatchObject({ status: 'done', enrolled: 4, failed: [] });
    await expectEnrolledOnce(emails);
  }, 60_000);
});

describe('a chunk that fails on every attempt', () => {
  it(`is given up on after importAttempts attempts: the rows it enrolled count, the rest are reported failed saying why, and the job ends`, async () => {
    const emails = Array.from({ length: 4 }, () => t.uniqueEmail('stuck'));
    const response = await postImport(t, 'demo', csvOf(emails), coordinator);
    const { jobId } = (await response.json()) as { jobId: string };
    const location = response.headers.get('location')!;
    // The contacts table takes one address, then refuses every write (a fault no retry mends).
    let accepted = 1;
    const contacts = t.deps.contacts;
    const stuck = { ...t.deps, contacts: { ...contacts, putContact: (...args: Parameters<typeof contacts.putContact>) => (accepted-- > 0 ? contacts.putContact(...args) : Promise.reject(unavailable('the database is busy just now: please try again in a moment'))) } };

    for (let attempt = 1; attempt <= t.deps.dispatch.importAttempts; attempt++) {
      expect(await runImportJobs(stuck, { budgetMs: 60_000 })).toMatchObject({ chunks: 0, givenUp: 0, errors: [expect.stringContaining(`import ${jobId} chunk 0`)] });
      expect((await getImportJob(t, location, coordinator)).body).toMatchObject({ status: 'running', done: 0 });
      t.clock.advance(t.deps.dispatch.importLeaseMs + 1_000);
    }
    expect(await runImportJobs(stuck, { budgetMs: 60_000 })).toMatchObject({ chunks: 1, jobsDone: 1, givenUp: 1, enrolled: 1, failed: 3, errors: [] });

    const { body } = await getImportJob(t, location, coordinator);
    const attempts = t.deps.dispatch.importAttempts;
    expect(body).toMatchObject({ status: 'done', rows: 4, done: 4, enrolled: 1 });
    const failed = (body as { failed: Array<{ row: number; message: string }> }).failed;
    expect(failed).toHaveLength(3);
    for (const f of failed) expect(f.message).toBe(`not enrolled: this part of the import failed ${attempts} times for a reason not in the row (the dispatcher's log says why); import the row again`);
    const [enrolled] = (body as { enrolledRows: Array<{ row: number; code: string }> }).enrolledRows;
    expect(failed.map((f) => f.row)).not.toContain(enrolled!.row);
    expect(await t.deps.participants.get('demo', enrolled!.code)).not.toBeNull();
    expect((await t.deps.audit.list('study:demo')).filter((e) => e.action === 'participants.imported' && e.target === `import:${jobId}`)).toEqual([
      expect.objectContaining({ after: { rows: 4, enrolled: 1, failed: 3 } }),
    ]);

    // The rows reported failed can be imported again, and are then enrolled.
    const again = await postImport(t, 'demo', csvOf(failed.map((f) => emails[f.row - 1]!)), coordinator);
    expect(again.status).toBe(202);
    await runImportJobs(t.deps, { budgetMs: 60_000 });
    expect((await getImportJob(t, again.headers.get('location')!, coordinator)).body).toMatchObject({ status: 'done', enrolled: 3, failed: [] });
    await expectEnrolledOnce(emails);
  }, 120_000);
});

describe('who may start and follow an import', () => {
  let otherJob: string;
  let analyst: string;
  let otherCoordinator: string;
  beforeAll(async () => {
    await t.deps.studies.createIfAbsent({ ...demoStudy, id: 'other', name: 'Another study' });
    otherCoordinator = await t.signIn({ email: 'coordinator@other.test', role: 'coordinator', studies: ['other'] });
    analyst = await t.signIn({ email: 'analyst@staff.test', role: 'analyst', studies: ['demo'] });
    const response = await postImport(t, 'other', `email,arm\n${t.uniqueEmail('other')},mbpm\n`, otherCoordinator);
    expect(response.status).toBe(202);
    otherJob = ((await response.json()) as { jobId: string }).jobId;
  });

  it("another study's job is not found through this study", async () => {
    const { status, body } = await getImportJob(t, `/api/studies/demo/participants/imports/${otherJob}`, coordinator);
    expect(status).toBe(404);
    expect(body).toEqual({ error: { code: 'not_found', message: `import job ${otherJob} not found` } });
    expect((await getImportJob(t, `/api/studies/other/participants/imports/${otherJob}`, otherCoordinator)).status).toBe(200);
  });

  it("a coordinator of another study, an analyst, and nobody signed in are refused, and nothing is stored", async () => {
    expect((await getImportJob(t, `/api/studies/other/participants/imports/${otherJob}`, coordinator)).status).toBe(403);
    expect((await getImportJob(t, `/api/studies/other/participants/imports/${otherJob}`, analyst)).status).toBe(403);
    const before = await t.scan('research');
    expect((await postImport(t, 'demo', `email,arm\n${t.uniqueEmail('analyst')},mbpm\n`, analyst)).status).toBe(403);
    expect((await postImport(t, 'demo', `email,arm\n${t.uniqueEmail('outsider')},mbpm\n`, otherCoordinator)).status).toBe(403);
    expect((await postImport(t, 'demo', `email,arm\n${t.uniqueEmail('nobody')},mbpm\n`, '')).status).toBe(401);
    expect(await t.scan('research')).toEqual(before);
  });
});

describe('npx timepoint import (in this process, on the data folder)', () => {
  const bin = join(import.meta.dirname, '..', '..', 'scripts', 'timepoint.mjs');
  const timepoint = (args: string[]) => {
    const result = spawnSync(process.execPath, [bin, ...args], { encoding: 'utf8', timeout: 120_000 });
    return { code: result.status, stdout: result.stdout, stderr: result.stderr };
  };

  it('enrols every row, printing progress as rows go; a file with a bad row enrols nobody and names the row and column', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'tp-import-'));
    const emulators = await startEmulators({ dataDir: join(dir, 'dynamodb'), dynamoPort: 0, sesPort: 0 });
    const db = () => createDb({ endpoint: emulators.dynamoEndpoint, region: 'eu-west-2' }, { research: LOCAL_TABLES.RESEARCH_TABLE, contacts: LOCAL_TABLES.CONTACTS_TABLE });
    try {
      await ensureTables(db());
      await createRepositories(db()).studies.createIfAbsent(demoStudy);
    } finally {
      await emulators.stop();
    }
    const bad = join(dir, 'bad.csv');
    writeFileSync(bad, 'email,arm\nfine@cli.test,mbpm\nfine@cli.test,placebo\n');
    const refused = timepoint(['import', '--study', 'demo', '--input', bad, '--data-dir', dir, '--dynamodb-port', '9']);
    expect(refused.code).toBe(1);
    expect(refused.stderr).toContain('row 2, email: also on row 1');
    expect(refused.stderr).toContain('row 2, arm: unknown arm "placebo"');

    const good = join(dir, 'participants.csv');
    writeFileSync(good, ['email,arm', ...Array.from({ length: 520 }, (_, i) => `p${i + 1}@cli.test,${ARMS[i % 3]}`)].join('\n'));
    const imported = timepoint(['import', '--study', 'demo', '--input', good, '--data-dir', dir, '--dynamodb-port', '9']);
    expect(imported.stderr).toBe('500 of 520 rows\n520 of 520 rows\n');
    expect(imported.code).toBe(0);
    expect(imported.stdout).toContain('Enrolled 520 of 520 participants into "demo"');

    const again = await startEmulators({ dataDir: join(dir, 'dynamodb'), dynamoPort: 0, sesPort: 0 });
    try {
      const repos = createRepositories(createDb({ endpoint: again.dynamoEndpoint, region: 'eu-west-2' }, { research: LOCAL_TABLES.RESEARCH_TABLE, contacts: LOCAL_TABLES.CONTACTS_TABLE }));
      expect(await repos.participants.list('demo')).toHaveLength(520);
    } finally {
      await again.stop();
    }
  }, 180_000);
});

