import { createDb } from './adapters/dynamodb/client';
import { createRepositories } from './adapters/dynamodb/repositories';
import { createSesMailer } from './adapters/ses/ses-mailer';
import { surveyJsForms } from './adapters/surveyjs/survey-validation';
import { cryptoSecrets } from './adapters/system/crypto-secrets';
import { systemClock } from './adapters/system/system-clock';
import type { Config } from './config';
import type { Clock, Mailer } from './core/ports';
import type { ScoringPlugin } from './core/scoring/engine';
import type { AppDeps } from './http/env';
import { bundledCatalogue } from './adapters/bundled-catalogue/bundled-catalogue';
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
  } = {},
): AppDeps {
  const db = createDb(
    { region: config.AWS_REGION, ...(config.DYNAMODB_ENDPOINT ? { endpoint: config.DYNAMODB_ENDPOINT } : {}) },
    { research: config.RESEARCH_TABLE, contacts: config.CONTACTS_TABLE },
  );
  return {
    ...createRepositories(db),
    mailer:
      overrides.mailer ??
      createSesMailer({
        region: config.AWS_REGION,
        ...(config.SES_ENDPOINT ? { endpoint: config.SES_ENDPOINT } : {}),
        ...(config.SES_CONFIGURATION_SET ? { configurationSet: config.SES_CONFIGURATION_SET } : {}),
      }),
    clock: overrides.clock ?? systemClock,
    secrets: cryptoSecrets,
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
