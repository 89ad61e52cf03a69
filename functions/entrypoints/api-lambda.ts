import { handle } from 'hono/aws-lambda';
import { loadConfig } from '../config';
import { buildDependencies } from '../dependencies';
import { createApp } from '../http/app';
import { carriesOriginSecret, viewerAddress } from '../http/front-door';
import { loadScoringPlugins } from '../adapters/bundled-catalogue/scoring-plugins';

const config = loadConfig(process.env);
const scoringPlugins = await loadScoringPlugins(config.TIMEPOINT_SCORING_PLUGINS);
// No origin secret, no API: a missing setting must never leave the public execute-api address open.
if (!config.TIMEPOINT_ORIGIN_SECRET) throw new Error('invalid configuration: TIMEPOINT_ORIGIN_SECRET: required by the API Lambda (CloudFront adds it to every request)');
const originSecrets = [config.TIMEPOINT_ORIGIN_SECRET, config.TIMEPOINT_ORIGIN_SECRET_PREVIOUS ?? ''];

/**
 * The API Lambda: the same app `npm start` serves, behind API Gateway (HTTP API, $default stage),
 * reached through CloudFront only. The client address is the one CloudFront saw
 * (functions/http/front-door.ts); `X-Forwarded-For` and API Gateway's source address (a
 * CloudFront edge) are never used.
 */
export const handler = handle(
  createApp({
    ...buildDependencies(config, { scoringPlugins }),
    viaFrontDoor: async (c) => carriesOriginSecret(c, originSecrets),
    clientAddress: viewerAddress,
    logRequest: (entry) => console.log(JSON.stringify({ level: 'info', msg: 'request', ...entry })),
  }),
);
