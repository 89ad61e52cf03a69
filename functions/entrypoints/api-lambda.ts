import { handle } from 'hono/aws-lambda';
import { loadConfig } from '../config';
import { buildDependencies } from '../dependencies';
import { createApp } from '../http/app';
import { loadScoringPlugins } from '../instruments/scoring-plugins';

const config = loadConfig(process.env);
const scoringPlugins = await loadScoringPlugins(config.TIMEPOINT_SCORING_PLUGINS);

/** The API Lambda: the same app `npm start` serves, behind API Gateway (HTTP API, $default stage). */
export const handler = handle(createApp(buildDependencies(config, { scoringPlugins })));
