/**
 * Export memory: the peak resident set of the long export at each study size (1,000 and 10,000
 * participants, each with baseline and week 8 completed on the motivating battery), through what
 * serves an export in AWS (the export Lambda's streaming handler, deployed bundle) and through the
 * export use case streamed to a sink, against a process that only reads the same items page by
 * page. See bench/README.md.
 */
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { build } from 'esbuild';
import { aygunStudy } from '../functions/demo/demo-study';
import { runDispatch } from '../functions/use-cases/dispatch';
import { submitAnswers } from '../functions/use-cases/submit-answers';
import { snapshot, writeClones } from './lib/clone';
import type { ChildInput, ChildResult } from './lib/export-child';
import { fmtBytes, fmtInt, fmtMiB, fmtMs, fmtRatio, options, Report, run, table } from './lib/harness';
import { answersTo, batteryOf, emailOf, enrol, keepingMailer, linkToken, loadPlaceholderWording, seeded, signIn, startLocalStack } from './lib/local-stack';
import { synthesize } from './lib/synth';

const opts = options('bench/export-memory.ts', 'Peak RSS of the long export at each study size, through the export Lambda and streamed, against a raw read.', {
  sizes: { kind: 'text', default: '1000,10000', help: 'study sizes in participants, ascending' },
  templates: { kind: 'int', default: 20, min: 2, help: 'participants taken through enrolment, invitations and both submissions by the use cases; the rest are copies' },
  seed: { kind: 'int', default: 20251125, help: 'seed of the answers' },
});

const ENROLLED = Date.parse('2025-11-25T10:00:00.000Z');
/** Lambda response streaming's maximum response (raised from 20 MB to 200 MB in July 2025). */
const STREAMED_RESPONSE_LIMIT = 200 * 2 ** 20;
const HOUR = 3_600_000;
const MODES = ['read', 'stream', 'lambda'] as const;
const LABEL: Record<(typeof MODES)[number], string> = {
  read: 'baseline: SDK Query pages, dropped',
  stream: 'exportStudy streamed to a sink',
  lambda: 'export Lambda, streamed (deployed bundle)',
};

async function main(): Promise<void> {
  const sizes = opts.sizes.split(',').map(Number);
  if (sizes.some((n, i) => !Number.isInteger(n) || n < opts.templates || (i > 0 && n <= sizes[i - 1]!))) throw new Error(`--sizes must ascend, each ≥ --templates (got ${opts.sizes})`);
  const study = aygunStudy;
  const report = new Report(
    'export-memory',
    'Export memory: the long export at each study size, through the export Lambda (streamed) and the use case, against a raw read',
    `study "${study.id}" (the motivating battery at baseline and week 8); ${opts.templates} participants enrolled, invited and submitting both timepoints through the use cases ` +
      `(placeholder wording loaded for the licensed instruments), the others copies of their items (bench/lib/clone.ts); each measurement a fresh process built with the functions' esbuild options ` +
      'and run with their Node options, peak RSS = max(VmHWM, RSS sampled every 20 ms); the emulators in a process of their own.',
  );
  const work = mkdtempSync(join(os.tmpdir(), 'bench-export-'));
  report.log('synthesizing the app with bundling, for the export bundle');
  const synth = synthesize({ bundle: true });
  const stack = await startLocalStack();
  try {
    const exporter = synth.functions.find((f) => /^ExportFunction/.test(f.logicalId) && f.assetDir !== undefined);
    if (exporter === undefined) throw new Error('no bundled export function in the synthesized app');
    await build({
      entryPoints: [join(import.meta.dirname, 'lib', 'export-child.ts')],
      outdir: work,
      outExtension: { '.js': '.mjs' },
      bundle: true,
      splitting: true,
      platform: 'node',
      format: 'esm',
      target: `node${process.versions.node.split('.')[0]}`,
      minify: true,
      sourcemap: true,
      mainFields: ['module', 'main'],
      banner: { js: "import { createRequire } from 'module';const require = createRequire(import.meta.url);" },
      logLevel: 'warning',
    });

    // ---- Templates, through the use cases ----
    let at = ENROLLED;
    const mailer = keepingMailer();
    const deps = stack.deps({ clock: { now: () => new Date(at) }, mailer, dispatch: { maxSendRate: Infinity, sleep: async () => {} } });
    const random = seeded(opts.seed);
    for (const tp of study.protocol.timepoints) await loadPlaceholderWording(deps, batteryOf(deps, tp.instruments));
    report.log(`enrolling ${opts.templates} template participants and taking them through both timepoints`);
    const codes = await enrol(deps, study.id, opts.templates, { arms: ['mbpm', 'waitlist'], emailPrefix: 'tpl', codes: (i) => `TPL-${String(i + 1).padStart(2, '0')}` });
    for (const [tp, invited] of [[study.protocol.timepoints[0]!, ENROLLED + 60_000], [study.protocol.timepoints[1]!, ENROLLED + 56 * 24 * HOUR + HOUR]] as const) {
      at = invited;
      const before = mailer.emails.length;
      await runDispatch(deps);
      at = invited + 2 * HOUR;
      for (const [i, code] of codes.entries()) {
        const invitation = mailer.emails.slice(before).find((e) => e.to.some((to) => to.includes(emailOf('tpl', i))));
        const token = invitation && linkToken(invitation);
        if (token === undefined) throw new Error(`${code}: no ${tp.id} invitation`);
        await submitAnswers(deps, token, { answers: answersTo(batteryOf(deps, tp.instruments), random) });
      }
      at += 60_000;
      await runDispatch(deps);
    }
    const perTemplate: number[] = [];
    for (const code of codes) {
      let rows = 0;
      for (const tp of study.protocol.timepoints) {
        const instance = await deps.instances.get(study.id, code, tp.id);
        report.check(instance?.status === 'completed', `${code}: ${tp.id} is ${instance?.status}, not completed`);
        rows += (instance?.scores ?? []).reduce((s, score) => s + Object.keys(score.scales).length, 0);
      }
      perTemplate.push(rows);
    }
    const templates = await snapshot(stack.db, codes.map((code, i) => ({ code, email: emailOf('tpl', i) })));
    const token = await signIn(stack, 'analyst@example.org');

    // ---- Each size: copies up to it, then one process per mode, in rotating order ----
    const results: Array<{ size: number; mode: (typeof MODES)[number]; r: ChildResult }> = [];
    let copies = 0;
    for (const [k, size] of sizes.entries()) {
      const add = size - opts.templates - copies;
      report.log(`copying ${fmtInt(add)} participants (study of ${fmtInt(size)})`);
      await writeClones(stack.db, templates, add, { code: (i) => `P-${String(copies + i + 1).padStart(6, '0')}`, email: (i) => emailOf('p', copies + i) }, { log: (l) => report.log(l) });
      const expected = expectedFor(perTemplate, size);
      copies += add;
      for (let m = 0; m < MODES.length; m++) {
        const mode = MODES[(k + m) % MODES.length]!;
        report.log(`${fmtInt(size)} participants: ${mode}`);
        const input: ChildInput = { mode, env: stack.env, studyId: study.id, ...(mode === 'lambda' ? { bundle: pathToFileURL(join(exporter.assetDir!, 'index.mjs')).href, token } : {}) };
        // Asynchronously: this process keeps reporting progress while the child runs.
        const { stdout } = await promisify(execFile)(process.execPath, [join(work, 'export-child.mjs'), JSON.stringify(input)], {
          encoding: 'utf8',
          maxBuffer: 2 ** 24,
          env: { ...process.env, ...exporter.env, ...stack.env, NODE_OPTIONS: exporter.env.NODE_OPTIONS ?? '' },
        });
        const r = JSON.parse(stdout.trim().split('\n').at(-1)!) as ChildResult;
        results.push({ size, mode, r });
        report.check(r.status === 200, `${mode} at ${size}: HTTP ${r.status}`);
        report.check(r.rows === (mode === 'read' ? 2 * size : expected), `${mode} at ${size}: ${r.rows} rows, expected ${mode === 'read' ? 2 * size : expected}`);
      }
    }

    const get = (size: number, mode: (typeof MODES)[number]) => results.find((x) => x.size === size && x.mode === mode)!.r;
    report.section(
      'Peak resident set of each process (RSS before the export: modules loaded, clients built)',
      table(
        ['participants', 'process', 'rows', 'CSV', 'time', 'RSS before', 'peak RSS', 'peak V8 heap used / reserved', 'peak external (array buffers)'],
        results.map(({ size, mode, r }) => [
          fmtInt(size),
          LABEL[mode],
          fmtInt(r.rows),
          r.bytes > 0 ? fmtBytes(r.bytes) : '—',
          fmtMs(r.ms),
          fmtMiB(r.idleRss),
          fmtMiB(r.peakRss),
          `${fmtMiB(r.peakHeapUsed)} / ${fmtMiB(r.peakHeapTotal)}`,
          `${fmtMiB(r.peakExternal)} (${fmtMiB(r.peakArrayBuffers)})`,
        ]),
      ),
    );
    const [small, large] = [sizes[0]!, sizes.at(-1)!];
    const handlerLarge = get(large, 'lambda');
    report.target({
      name: `export peak RSS at ${fmtInt(large)} participants (export Lambda, streamed)`,
      measured: fmtMiB(handlerLarge.peakRss),
      baseline: `${fmtMiB(get(large, 'read').peakRss)} (raw read)`,
      ratio: handlerLarge.peakRss / get(large, 'read').peakRss,
      goal: '< 250 MB',
      met: handlerLarge.peakRss < 250e6,
    });
    const growth = handlerLarge.peakRss / get(small, 'lambda').peakRss;
    report.target({
      name: `flat: export Lambda's peak RSS at ${fmtInt(large)} ÷ at ${fmtInt(small)}`,
      measured: `${fmtMiB(handlerLarge.peakRss)} ÷ ${fmtMiB(get(small, 'lambda').peakRss)}`,
      baseline: `raw read ${fmtRatio(get(large, 'read').peakRss / get(small, 'read').peakRss)}, streamed use case ${fmtRatio(get(large, 'stream').peakRss / get(small, 'stream').peakRss)}`,
      ratio: growth,
      goal: '≤ 1.1× (flat)',
      met: growth <= 1.1,
    });
    report.note(
      `export sizes: ${sizes.map((size) => `${fmtBytes(get(size, 'lambda').bytes)} in ${fmtInt(get(size, 'lambda').chunks)} writes at ${fmtInt(size)}`).join(', ')}, streamed by the export Lambda ` +
        `(a buffered Lambda response stops at 6 MB; a streamed one at ${fmtBytes(STREAMED_RESPONSE_LIMIT)})`,
    );
    report.note(`rows checked at every size: each export holds exactly the rows of the stored scores (${fmtInt(expectedFor(perTemplate, large))} at ${fmtInt(large)}); the raw read found 2 instances per participant`);
  } finally {
    await stack.stop();
    synth.dispose();
    rmSync(work, { recursive: true, force: true });
  }
  report.finish(opts.json);
}

/** Rows of the first `n` copies (copy i is of template i mod templates). */
function expectedCopies(perTemplate: number[], n: number): number {
  let rows = 0;
  for (let i = 0; i < n; i++) rows += perTemplate[i % perTemplate.length]!;
  return rows;
}

/** Rows of a study of `size` participants: the templates and their copies. */
function expectedFor(perTemplate: number[], size: number): number {
  return perTemplate.reduce((s, r) => s + r, 0) + expectedCopies(perTemplate, size - perTemplate.length);
}

run(main);
