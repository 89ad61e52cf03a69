import { handle } from 'hono/aws-lambda';
import { loadConfig } from '../config';
import { buildDependencies } from '../dependencies';
import { createApp } from '../http/app';

/** The API Lambda: the same app `npm start` serves, behind API Gateway (HTTP API, $default stage). */
export const handler = handle(createApp(buildDependencies(loadConfig(process.env))));
