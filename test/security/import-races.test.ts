import { beforeAll, describe, expect, it } from 'vitest';
import { createTestContext, type TestContext } from '../helpers/test-context';

/**
 * The batched bulk import (docs/security.md, "Bulk import") reads its checks in batches and
 * enrols many rows at once, but still makes every enrolment's own conditional writes. Raced
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

const importCsv = (csv: string) =>
  t.app.request('/api/studies/demo/participants/import', { method: 'POST', headers: { 'content-type': 'text/csv', authorization: `Bearer ${coordinator}` }, body: csv });

interface Report {
  enrolled: number;
  rows: Array<{ row: number; email: string; enrolledAs?: string; problems: Array<{ column: string; message: string }> }>;
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
    const [imported, ...singles] = await Promise.all([
      importCsv(csv),
      ...contested.map((email) => t.request('POST', '/api/studies/demo/participants', { token: coordinator, body: { email, arm: 'mbpm' } })),
    ]);
    // Whoever won a row, the import's report (200, or 400 listing the rows it lost) says how many it enrolled and which it did not.
    expect([200, 400]).toContain(imported.status);
    const report = (await imported.json()) as Report;
    const singleWins = singles.filter((s) => s.status === 201).length;
    for (const single of singles) expect([201, 409]).toContain(single.status);

    const byCode = await addressesByCode();
    const ours = [...byCode.entries()].filter(([, email]) => emails.includes(email));
    // No address twice, no code twice.
    expect(new Set(ours.map(([, email]) => email)).size).toBe(ours.length);
    expect(ours).toHaveLength(report.enrolled + singleWins);
    const lost = report.rows.filter((r) => r.enrolledAs === undefined);
    for (const row of lost) expect(row.problems.map((p) => p.column)).toContain('email');
    if (report.enrolled > 0) {
      // The import got past its checks: every address is enrolled once, by one side or the other, and it reports each row it lost.
      expect(ours.map(([, email]) => email).sort()).toEqual([...emails].sort());
      expect(lost.length).toBe(singleWins);
    }
    // Every reservation names the one participant holding the address.
    const holders = await t.deps.contacts.heldByMany('demo', emails);
    for (const [code, email] of ours) expect(holders.get(email)).toBe(code);
  });

  it('the same file imported twice at once: each address is enrolled once, and the rows the other import won are reported', async () => {
    const emails = Array.from({ length: 80 }, () => t.uniqueEmail('twice'));
    const csv = ['email,arm', ...emails.map((e) => `${e},waitlist`)].join('\n');
    const [a, b] = await Promise.all([importCsv(csv), importCsv(csv)]);
    const reports = await Promise.all([a, b].map(async (r) => ({ status: r.status, body: (await r.json()) as Report })));
    for (const report of reports) expect([200, 400]).toContain(report.status);
    const enrolled = reports.reduce((n, r) => n + r.body.enrolled, 0);
    const ours = [...(await addressesByCode()).entries()].filter(([, email]) => emails.includes(email));
    expect(ours).toHaveLength(emails.length);
    expect(new Set(ours.map(([, email]) => email)).size).toBe(emails.length);
    // Together the two reports account for every address exactly once.
    expect(enrolled).toBe(emails.length);
  });
});
