import { beforeAll, describe, expect, it } from 'vitest';
import { runImportJobs } from '../../functions/use-cases/import-jobs';
import { getImportJob, postImport } from '../helpers/import-job';
import { createTestContext, type TestContext } from '../helpers/test-context';

/**
 * The bulk import (docs/security.md, "Bulk import") reads its checks in batches and its job enrols
 * many rows at once, but still makes every enrolment's own conditional writes. Raced
 * against single enrolments of the same addresses and against a second import of the same file,
 * no address may end up with two participants, no code with two addresses, and every losing row
 * must be reported.
 */
let t: TestContext;
let coordinator: string;
beforeAll(async () => {
  t = await createTestContext();
  coordinator = await t.coordinator();
});

/**
 * An import as the console makes it, raced as a whole: posted (202, or 400 when a row was already
 * taken at its checks), then its job run by the dispatcher's import step. The job's result, or the refusal.
 */
async function importCsv(csv: string): Promise<{ status: number; enrolled: number; failed: Array<{ row: number; field?: string }> }> {
  const response = await postImport(t, 'demo', csv, coordinator);
  if (response.status !== 202) return { status: response.status, enrolled: 0, failed: [] };
  const location = response.headers.get('location')!;
  // Another import's worker may hold one of this job's chunks: run until this job is done.
  for (let pass = 0; pass < 100; pass++) {
    await runImportJobs(t.deps, { budgetMs: 60_000 });
    if ((await getImportJob(t, location, coordinator)).body.status === 'done') break;
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  const { body } = await getImportJob(t, location, coordinator);
  expect(body.status).toBe('done');
  return { status: 202, enrolled: body.enrolled, failed: body.failed };
}

/** Every participant of the study with the address stored for it. */
async function addressesByCode(): Promise<Map<string, string>> {
  const participants = await t.deps.participants.list('demo');
  const contacts = await Promise.all(participants.map(async (p) => [p.code, (await t.deps.contacts.get('demo', p.code))?.email ?? ''] as const));
  return new Map(contacts);
}

describe('a bulk import raced against other enrolments of the same addresses', () => {
  it('single enrolments of 20 of its 120 addresses, sent while it runs: each address is enrolled exactly once', async () => {
    const emails = Array.from({ length: 120 }, () => t.uniqueEmail('race'));
    const csv = ['email,arm', ...emails.map((e, i) => `${e},${['mbpm', 'waitlist', 'healthy'][i % 3]}`)].join('\n');
    const contested = emails.filter((_, i) => i % 6 === 0);
    const [report, ...singles] = await Promise.all([
      importCsv(csv),
      ...contested.map((email) => t.request('POST', '/api/studies/demo/participants', { token: coordinator, body: { email, arm: 'mbpm' } })),
    ]);
    // Whoever won a row, the job says how many it enrolled and which rows it did not (or, refused at its checks, enrolled nobody).
    expect([202, 400]).toContain(report.status);
    const singleWins = singles.filter((s) => s.status === 201).length;
    for (const single of singles) expect([201, 409]).toContain(single.status);

    const byCode = await addressesByCode();
    const ours = [...byCode.entries()].filter(([, email]) => emails.includes(email));
    // No address twice, no code twice.
    expect(new Set(ours.map(([, email]) => email)).size).toBe(ours.length);
    expect(ours).toHaveLength(report.enrolled + singleWins);
    for (const row of report.failed) expect(row.field).toBe('email');
    if (report.status === 202) {
      // The import got past its checks: every address is enrolled once, by one side or the other, and it reports each row it lost.
      expect(ours.map(([, email]) => email).sort()).toEqual([...emails].sort());
      expect(report.failed.length).toBe(singleWins);
    }
    // Every reservation names the one participant holding the address.
    const holders = await t.deps.contacts.heldByMany('demo', emails);
    for (const [code, email] of ours) expect(holders.get(email)).toBe(code);
  });

  it('the same file imported twice at once: each address is enrolled once, and the rows the other import won are reported', async () => {
    const emails = Array.from({ length: 80 }, () => t.uniqueEmail('twice'));
    const csv = ['email,arm', ...emails.map((e) => `${e},waitlist`)].join('\n');
    const reports = await Promise.all([importCsv(csv), importCsv(csv)]);
    for (const report of reports) expect([202, 400]).toContain(report.status);
    const enrolled = reports.reduce((n, r) => n + r.enrolled, 0);
    const ours = [...(await addressesByCode()).entries()].filter(([, email]) => emails.includes(email));
    expect(ours).toHaveLength(emails.length);
    expect(new Set(ours.map(([, email]) => email)).size).toBe(emails.length);
    // Together the two jobs account for every address exactly once: what one enrolled, the other reports as failed.
    expect(reports.reduce((n, r) => n + r.failed.length, 0)).toBe(reports.filter((r) => r.status === 202).length * emails.length - enrolled);
    expect(enrolled).toBe(emails.length);
  });
});
