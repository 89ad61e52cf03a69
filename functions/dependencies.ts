import { createDb } from './adapters/dynamodb/client';
import { createRepositories, type Repositories } from './adapters/dynamodb/repositories';
import { createSesMailer } from './adapters/ses/ses-mailer';
import { kmsKeyWrapper } from './adapters/kms/kms-key-wrapper';
import { cryptoRandom } from './adapters/system/crypto-random';
import { surveyJsForms } from './adapters/surveyjs/survey-validation';
import { cryptoSecrets } from './adapters/system/crypto-secrets';
import { envelopeSealer, loadOrCreateKeyFile, localKeyWrapper, missingKeySealer } from './adapters/system/envelope-sealer';
import { systemClock } from './adapters/system/system-clock';
import type { Config } from './config';
import type { Clock, Mailer, RandomSource, Sealer } from './core/ports';
import type { ScoringPlugin } from './core/scoring/engine';
import type { AppDeps } from './http/env';
import { bundledCatalogue } from './adapters/bundled-catalogue/catalogue-port';
import { defaultDispatchSettings, type DispatchSettings } from './use-cases/deps';

/**
 * The composition root: real adapters wired from configuration. Lambda entries and the local
 * platform both build their dependencies here; tests override single ports.
 */
export function buildDependencies(
  config: Config,
  overrides: {
    clock?: Clock;
    mailer?: Mailer;
    onScheduleChanged?: () => void;
    scoringPlugins?: Record<string, ScoringPlugin>;
    dispatch?: Partial<DispatchSettings>;
    signInResponseMs?: number;
    /** Seals the allocation state (tests, and the in-memory platform, pass one with a throwaway key). */
    sealer?: Sealer;
    random?: RandomSource;
    /** Storage other than the configured DynamoDB tables (`simulate` and fast tests pass the in-memory adapter). */
    repositories?: Repositories;
  } = {},
): AppDeps {
  const repositories =
    overrides.repositories ??
    createRepositories(
      createDb(
        { region: config.AWS_REGION, ...(config.DYNAMODB_ENDPOINT ? { endpoint: config.DYNAMODB_ENDPOINT } : {}) },
        { research: config.RESEARCH_TABLE, contacts: config.CONTACTS_TABLE },
      ),
    );
  return {
    ...repositories,
    mailer:
      overrides.mailer ??
      createSesMailer({
        region: config.AWS_REGION,
        ...(config.SES_ENDPOINT ? { endpoint: config.SES_ENDPOINT } : {}),
        ...(config.SES_CONFIGURATION_SET ? { configurationSet: config.SES_CONFIGURATION_SET } : {}),
      }),
    clock: overrides.clock ?? systemClock,
    secrets: cryptoSecrets,
    sealer: overrides.sealer ?? allocationSealer(config),
    random: overrides.random ?? cryptoRandom,
    catalogue: bundledCatalogue,
    forms: surveyJsForms,
    scoringPlugins: overrides.scoringPlugins ?? {},
    baseUrl: config.TIMEPOINT_BASE_URL,
    systemSender: config.TIMEPOINT_SYSTEM_SENDER,
    secureCookies: config.TIMEPOINT_BASE_URL.startsWith('https://'),
    // Longer than sending the sign-in email takes, so known and unknown addresses answer alike.
    signInResponseMs: overrides.signInResponseMs ?? 600,
    dispatch: { ...defaultDispatchSettings, maxSendRate: config.TIMEPOINT_MAX_SEND_RATE, ...overrides.dispatch },
    ...(overrides.onScheduleChanged ? { onScheduleChanged: overrides.onScheduleChanged } : {}),
  };
}

/** KMS in AWS; a key file locally; otherwise allocating studies are refused with what to set. */
function allocationSealer(config: Config): Sealer {
  if (config.TIMEPOINT_ALLOCATION_KMS_KEY) return envelopeSealer(kmsKeyWrapper(config.TIMEPOINT_ALLOCATION_KMS_KEY, config.AWS_REGION));
  if (config.TIMEPOINT_ALLOCATION_KEY_FILE) return envelopeSealer(localKeyWrapper(loadOrCreateKeyFile(config.TIMEPOINT_ALLOCATION_KEY_FILE)));
  return missingKeySealer;
}
