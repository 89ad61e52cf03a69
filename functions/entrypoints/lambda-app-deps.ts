import { loadConfig } from '../config';
import { buildDependencies } from '../dependencies';
import type { AppDeps } from '../http/env';
import { carriesOriginSecret, viewerAddress } from '../http/front-door';
import { loadScoringPlugins } from '../adapters/bundled-catalogue/scoring-plugins';

/**
 * What both HTTP Lambdas (the staff API and the participant routes) serve with: the real adapters,
 * the origin-secret check, the viewer address CloudFront set, and a JSON line per request.
 * Refuses to start without an origin secret: a missing setting must never leave the public
 * execute-api address open.
 */
export async function lambdaAppDeps(entry: string): Promise<AppDeps> {
  const config = loadConfig(process.env);
  const scoringPlugins = await loadScoringPlugins(config.TIMEPOINT_SCORING_PLUGINS);
  if (!config.TIMEPOINT_ORIGIN_SECRET) throw new Error(`invalid configuration: TIMEPOINT_ORIGIN_SECRET: required by the ${entry} (CloudFront adds it to every request)`);
  const originSecrets = [config.TIMEPOINT_ORIGIN_SECRET, config.TIMEPOINT_ORIGIN_SECRET_PREVIOUS ?? ''];
  return {
    ...buildDependencies(config, { scoringPlugins }),
    viaFrontDoor: async (c) => carriesOriginSecret(c, originSecrets),
    // The client address is the one CloudFront saw (functions/http/front-door.ts); `X-Forwarded-For`
    // and API Gateway's source address (a CloudFront edge) are never used.
    clientAddress: viewerAddress,
    logRequest: (entry) => console.log(JSON.stringify({ level: 'info', msg: 'request', ...entry })),
  };
}
