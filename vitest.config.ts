import { defineConfig } from 'vitest/config';

/**
 * Test kinds, each its own project (see README "Testing"):
 * unit (pure, no I/O) · integration (real dynalite + aws-ses-v2-local through the AWS SDK) ·
 * infra (CDK template assertions) · lambda (the exported handlers fed real event shapes) ·
 * e2e (Debian Chromium via playwright-core against the whole local platform; not in `npm test`).
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
          include: ['test/integration/**/*.test.ts'],
          globalSetup: ['test/helpers/emulators-global-setup.ts'],
          testTimeout: 20_000,
          hookTimeout: 30_000,
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
