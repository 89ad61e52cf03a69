import type { Context } from 'hono';
import { getConnInfo, handle } from 'hono/aws-lambda';
import { loadConfig } from '../config';
import { buildDependencies } from '../dependencies';
import { createApp } from '../http/app';
import { loadScoringPlugins } from '../instruments/scoring-plugins';

const config = loadConfig(process.env);
const scoringPlugins = await loadScoringPlugins(config.TIMEPOINT_SCORING_PLUGINS);

/**
 * The caller's address. Behind CloudFront the connecting address (API Gateway's sourceIp) is a
 * CloudFront edge's; CloudFront appends the viewer's address to X-Forwarded-For. Earlier entries
 * are whatever the client sent, so the viewer is the last entry that is not the connecting
 * address itself (whether or not API Gateway appended it too).
 */
function clientAddress(c: Context): string | undefined {
  const connecting = getConnInfo(c).remote.address;
  const forwarded = c.req.header('x-forwarded-for')?.split(',').map((a) => a.trim()).filter((a) => a && a !== connecting) ?? [];
  return forwarded.at(-1) ?? connecting;
}

/** The API Lambda: the same app `npm start` serves, behind API Gateway (HTTP API, $default stage). */
export const handler = handle(createApp({ ...buildDependencies(config, { scoringPlugins }), clientAddress }));
