import { buildSync, type Metafile } from 'esbuild';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { App, Stack } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import { Key } from 'aws-cdk-lib/aws-kms';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { bundleOptions, TimepointFunction } from '../../infra/constructs/timepoint-function';

/**
 * The bundles as TimepointFunction builds them (the same esbuild options), read from esbuild's
 * metafile: which source files a cold start compiles (index.mjs and the chunks it imports
 * statically) and which wait in chunks until first imported.
 */
interface Bundle {
  /** Source files compiled at every cold start. */
  atLoad: string[];
  /** Source files only in chunks reached by a dynamic import. */
  onFirstUse: string[];
}

const out = mkdtempSync(join(tmpdir(), 'timepoint-bundles-'));
afterAll(() => rmSync(out, { recursive: true, force: true }));

function bundle(entry: string): Bundle {
  const { metafile } = buildSync({ ...bundleOptions(entry, join(out, entry.replace(/\W/g, '-')), false), metafile: true, write: false });
  const outputs = (metafile as Metafile).outputs;
  const index = Object.keys(outputs).find((f) => f.endsWith('/index.mjs'))!;
  const reached = new Set<string>();
  const pending = [index];
  while (pending.length > 0) {
    const file = pending.pop()!;
    if (reached.has(file)) continue;
    reached.add(file);
    for (const i of outputs[file]!.imports) if (i.kind === 'import-statement' && outputs[i.path]) pending.push(i.path);
  }
  const sources = (files: string[]) => [...new Set(files.flatMap((f) => Object.keys(outputs[f]!.inputs)))];
  return { atLoad: sources([...reached]), onFirstUse: sources(Object.keys(outputs).filter((f) => f.endsWith('.mjs') && !reached.has(f))) };
}

const has = (files: string[], pattern: RegExp) => files.filter((f) => pattern.test(f));

/** Each source file waits in a chunk until first used: not compiled at load, but in the bundle. */
function expectFilesOnFirstUseOnly(b: Bundle, files: string[]) {
  for (const file of files) {
    expect(b.atLoad, file).not.toContain(file);
    expect(b.onFirstUse, file).toContain(file);
  }
}

/** Each package (its files under node_modules) waits in a chunk until first used. */
function expectPackagesOnFirstUseOnly(b: Bundle, packages: string[]) {
  for (const name of packages) {
    const pattern = new RegExp(`node_modules/${name}/`);
    expect(has(b.atLoad, pattern), name).toEqual([]);
    expect(has(b.onFirstUse, pattern).length, name).toBeGreaterThan(0);
  }
}

let participant: Bundle;
let staff: Bundle;
beforeAll(() => {
  participant = bundle('functions/entrypoints/participant-lambda.ts');
  staff = bundle('functions/entrypoints/api-lambda.ts');
});

describe('the participant Lambda bundle', () => {
  it('holds the participant, unsubscribe and join routes and the shared middleware', () => {
    for (const file of ['functions/http/routes/participant-routes.ts', 'functions/http/routes/join-routes.ts', 'functions/http/app-shell.ts', 'functions/http/front-door.ts']) {
      expect(participant.atLoad).toContain(file);
    }
  });

  it('holds no staff route, staff sign-in check, OpenAPI generator, export, CSV, chart, statistics or PDF code at all', () => {
    const all = [...participant.atLoad, ...participant.onFirstUse];
    expect(has(all, /functions\/http\/routes\/(auth|study|staff|summary|instrument|participant-admin|import-job)-routes\.ts$/)).toEqual([]);
    expect(has(all, /functions\/http\/(app|openapi|api-routes|auth)\.ts$|functions\/use-cases\/sign-in\.ts$/)).toEqual([]);
    expect(has(all, /functions\/core\/(export|analysis)\//)).toEqual([]);
    expect(has(all, /node_modules\/(csv-parse|csv-stringify|d3-scale|d3-shape|jstat|pdf-lib|markdown-it)\//)).toEqual([]);
  });

  it('compiles survey-core (a submission), the MIME composer and the SES client (an email) and the KMS client (an allocation) only when first used', () => {
    expectPackagesOnFirstUseOnly(participant, ['survey-core', 'nodemailer', '@aws-sdk/client-ses', '@aws-sdk/client-kms']);
  });

  it('compiles self-enrolment\'s use cases (schedule planning, allocation, enrolment emails, luxon) only on the first request to /api/join', () => {
    expect(participant.atLoad).toContain('functions/http/routes/join-routes.ts');
    expectFilesOnFirstUseOnly(participant, ['functions/use-cases/self-enrol.ts', 'functions/use-cases/allocate-participant.ts', 'functions/core/schedule/plan.ts', 'functions/core/email/enrolment-emails.ts']);
    expectPackagesOnFirstUseOnly(participant, ['luxon']);
  });

  it('compiles the instrument catalogue (every form and scoring definition) only on its first look-up', () => {
    expect(has(participant.atLoad, /^surveys\/|functions\/adapters\/bundled-catalogue\/bundled-catalogue\.ts$/)).toEqual([]);
    expect(participant.onFirstUse).toEqual(expect.arrayContaining(['surveys/catalogue.ts', 'surveys/phq9/survey.json', 'surveys/phq9/scoring.json', 'functions/adapters/bundled-catalogue/bundled-catalogue.ts']));
  });

  it('compiles zod, and every schema built with it, only when a request has a body to check: opening a link loads none', () => {
    expectPackagesOnFirstUseOnly(participant, ['zod']);
    expect(participant.atLoad).toEqual(expect.arrayContaining(['functions/config.ts', 'functions/use-cases/open-survey.ts', 'functions/use-cases/submit-answers.ts', 'functions/core/catalogue/apply-licensed-text.ts']));
    for (const file of ['functions/use-cases/participant-input.ts', 'functions/use-cases/self-enrol-input.ts', 'functions/core/i18n/language-schema.ts', 'functions/core/catalogue/licensed-text.ts', 'functions/core/study/study.ts']) {
      expect(participant.atLoad, file).not.toContain(file);
    }
    expect(participant.onFirstUse).toEqual(expect.arrayContaining(['functions/use-cases/participant-input.ts', 'functions/use-cases/self-enrol-input.ts']));
  });

  it('leaves out zod\'s translations of its messages (only the English ones are used)', () => {
    expect(has([...participant.atLoad, ...participant.onFirstUse], /node_modules\/zod\/v4\/locales\/(?!en\.js)/)).toEqual([]);
  });
});

describe('the staff API bundle', () => {
  it('holds every route, and compiles survey-core, the PDF library, the MIME composer and the SES client only when first used', () => {
    expect(staff.atLoad).toEqual(expect.arrayContaining(['functions/http/app.ts', 'functions/http/routes/study-routes.ts', 'functions/http/routes/participant-routes.ts']));
    for (const library of ['survey-core', 'pdf-lib', 'nodemailer', '@aws-sdk/client-ses']) expect(has(staff.atLoad, new RegExp(`node_modules/${library}/`)), library).toEqual([]);
  });

  it('compiles the instrument catalogue and self-enrolment\'s use cases only when first used', () => {
    expect(has(staff.atLoad, /^surveys\/|functions\/adapters\/bundled-catalogue\/bundled-catalogue\.ts$|functions\/use-cases\/self-enrol\.ts$/)).toEqual([]);
    expect(staff.onFirstUse).toEqual(expect.arrayContaining(['surveys/catalogue.ts', 'functions/adapters/bundled-catalogue/bundled-catalogue.ts', 'functions/use-cases/self-enrol.ts']));
  });

  it('compiles luxon, and every use case that plans a schedule with it, only when first used: signing in, listing studies and reading a dashboard load none', () => {
    expectPackagesOnFirstUseOnly(staff, ['luxon']);
    expect(staff.atLoad).toEqual(
      expect.arrayContaining(['functions/http/auth.ts', 'functions/use-cases/sign-in.ts', 'functions/core/email/templates.ts', 'functions/use-cases/manage-study.ts', 'functions/use-cases/study-dashboard.ts']),
    );
    expectFilesOnFirstUseOnly(staff, [
      'functions/core/schedule/plan.ts',
      'functions/core/schedule/local-time.ts',
      'functions/use-cases/enrol-participant.ts',
      'functions/use-cases/update-participant.ts',
      'functions/use-cases/participant-views.ts',
      'functions/use-cases/protocol-versions.ts',
      'functions/use-cases/import-participants.ts',
      'functions/use-cases/import-jobs.ts',
    ]);
  });

  it('compiles zod, every request schema built with it and the OpenAPI generator only when first used: signing in, listing studies and reading a dashboard evaluate none', () => {
    expectPackagesOnFirstUseOnly(staff, ['zod']);
    expect(staff.atLoad).toEqual(
      expect.arrayContaining([
        'functions/http/define-route.ts',
        'functions/use-cases/sign-in.ts',
        'functions/use-cases/manage-study.ts',
        'functions/use-cases/create-study.ts',
        'functions/use-cases/manage-staff.ts',
        'functions/use-cases/audit-trail.ts',
        'functions/use-cases/preview-timepoint.ts',
        'functions/core/allocation/allocation-config.ts',
      ]),
    );
    expectFilesOnFirstUseOnly(staff, [
      'functions/http/openapi.ts',
      'functions/use-cases/staff-input.ts',
      'functions/use-cases/participant-input.ts',
      'functions/core/study/study.ts',
      'functions/core/allocation/allocation-schema.ts',
      'functions/core/i18n/language-schema.ts',
    ]);
  });

  it('compiles the export (its reading, CSV and FHIR writers), which the export function serves in AWS, only when first used', () => {
    expect(has(staff.atLoad, /functions\/use-cases\/export-study\.ts$|node_modules\/csv-stringify\//)).toEqual([]);
    expect(staff.onFirstUse).toContain('functions/use-cases/export-study.ts');
  });

  it('compiles the outcome summary\'s statistics (jstat) and chart (d3), and the CSV import\'s parser, only when first used', () => {
    expectPackagesOnFirstUseOnly(staff, ['jstat', 'd3-scale', 'd3-shape', 'csv-parse']);
  });
});

describe('source maps', () => {
  const functionEnv = (sourceMaps: boolean | undefined) => {
    const stack = new Stack(new App({ context: { 'aws:cdk:bundling-stacks': [] } }), 'Maps');
    new TimepointFunction(stack, 'Fn', { entry: 'bench/lib/minimal-lambda.ts', logKey: new Key(stack, 'LogKey'), ...(sourceMaps === undefined ? {} : { sourceMaps }) });
    const [fn] = Object.values(Template.fromStack(stack).findResources('AWS::Lambda::Function'));
    return fn!.Properties.Environment.Variables as Record<string, string>;
  };

  it('are off unless asked for: no --enable-source-maps, no map written, function names kept for stack traces', () => {
    expect(functionEnv(undefined).NODE_OPTIONS).toBeUndefined();
    const options = bundleOptions('bench/lib/minimal-lambda.ts', out, false);
    expect(options).toMatchObject({ sourcemap: false, keepNames: true, minify: true, splitting: true });
  });

  it('are shipped and read when asked for (context sourceMaps=true)', () => {
    expect(functionEnv(true).NODE_OPTIONS).toBe('--enable-source-maps');
    expect(bundleOptions('bench/lib/minimal-lambda.ts', out, true).sourcemap).toBe(true);
  });
});
