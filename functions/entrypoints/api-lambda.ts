import { handle } from 'hono/aws-lambda';
import { createApp } from '../http/app';
import { lambdaAppDeps } from './lambda-app-deps';

/**
 * The staff API Lambda: the same app `npm start` serves, behind API Gateway (HTTP API, $default
 * stage), reached through CloudFront only. The participant routes are routed to their own Lambda
 * (participant-lambda.ts) in AWS; they stay in this app too, so it remains the whole API.
 */
export const handler = handle(createApp(await lambdaAppDeps('API Lambda')));
