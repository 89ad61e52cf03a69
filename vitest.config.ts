import { defineConfig } from 'vitest/config';

/** The integration files that run a second time against DynamoDB Local (see the project below). */
const conformanceTests = [
  'test/integration/enrolment.test.ts',
  'test/integration/dispatch.test.ts',
  'test/integration/delivery-reliability.test.ts',
  'test/integration/participant-survey.test.ts',
  'test/integration/schedule-changes.test.ts',
  'test/integration/staff-sign-in.test.ts',
  'test/integration/console-api.test.ts',
  'test/integration/export.test.ts',
  'test/integration/export-formats.test.ts',
  'test/integration/outcome-summary.test.ts',
  'test/integration/licensed-instruments.test.ts',
  'test/integration/route-roles.test.ts',
  'test/integration/staff-accounts.test.ts',
  'test/integration/contact-erasure.test.ts',
  'test/integration/allocation.test.ts',
  'test/integration/consent.test.ts',
  'test/integration/self-enrolment.test.ts',
  'test/integration/import-jobs.test.ts',
  // The storage conformance suite, and the proof that the run really targets DynamoDB Local.
  'test/conformance/**/*.test.ts',
];

/**
 * Test kinds, each its own project (see README "Testing"):
 * unit (pure, no I/O) · security (attacks on the trust boundaries) · integration (real dynalite + aws-ses-v2-local through the AWS SDK) ·
 * infra (CDK template assertions) · lambda (the exported handlers fed real event shapes) ·
 * e2e (Debian Chromium via playwright-core against the whole local platform; not in `npm test`) ·
 * bench (micro benchmarks, `vitest bench`: `npm run bench:micro`; never in `npm test`) ·
 * integration-dynamodb-local (storage-layer integration files again, on AWS's DynamoDB Local;
 * `npm run test:conformance`, not in `npm test`).
 */
export default defineConfig({
  test: {
    environment: 'node',
    env: { AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: 'true' },
    projects: [
      { test: { name: 'unit', include: ['test/unit/**/*.test.ts'] } },
      {
        test: {
          name: 'integration',
          // The storage conformance suite runs here on dynalite (and on DynamoDB Local below).
          include: ['test/integration/**/*.test.ts', 'test/conformance/storage.test.ts'],
          globalSetup: ['test/helpers/emulators-global-setup.ts'],
          testTimeout: 20_000,
          hookTimeout: 30_000,
        },
      },
      {
        // The storage-layer integration tests again, against AWS's own DynamoDB Local instead of
        // dynalite (`npm run test:conformance`; needs Java 17; not in `npm test`). Every file that
        // drives the DynamoDB adapters through the real use cases, so every access pattern (keys,
        // the due index, conditional writes, batches, pagination) runs on both emulators.
        test: {
          name: 'integration-dynamodb-local',
          include: conformanceTests,
          globalSetup: ['test/helpers/dynamodb-local-global-setup.ts'],
          testTimeout: 30_000,
          hookTimeout: 90_000,
        },
      },
      {
        // Attacks on every trust boundary (docs/security.md), through the public HTTP API against
        // the real emulators and through the synthesized template.
        test: {
          name: 'security',
          include: ['test/security/**/*.test.ts'],
          globalSetup: ['test/helpers/emulators-global-setup.ts'],
          testTimeout: 60_000,
          hookTimeout: 60_000,
        },
      },
      { test: { name: 'infra', include: ['test/infra/**/*.test.ts'], testTimeout: 120_000, hookTimeout: 120_000 } },
      {
        test: {
          name: 'lambda',
          include: ['test/lambda/**/*.test.ts'],
          globalSetup: ['test/helpers/emulators-global-setup.ts'],
          testTimeout: 20_000,
        },
      },
      {
        // Micro benchmarks (bench/micro/*.bench.ts), each against its same-run baseline; no tests.
        test: { name: 'bench', include: [], benchmark: { include: ['bench/micro/**/*.bench.ts'] } },
      },
      {
        test: {
          name: 'e2e',
          include: ['test/e2e/**/*.test.ts'],
          testTimeout: 120_000,
          hookTimeout: 180_000,
          fileParallelism: false,
        },
      },
    ],
  },
});
