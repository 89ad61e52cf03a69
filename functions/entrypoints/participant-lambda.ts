import { handle } from 'hono/aws-lambda';
import { createParticipantApp } from '../http/participant-app';
import { lambdaAppDeps } from './lambda-app-deps';

/**
 * The participant Lambda: participant links (/api/p), unsubscribe (/api/u) and self-enrolment
 * (/api/join), which the HTTP API routes here, behind the same CloudFront front door as the staff
 * API. Its own lean bundle, because participants open links from an email at any hour and each
 * cold start is theirs to wait for (bench/README.md#cold-start).
 */
export const handler = handle(createParticipantApp(await lambdaAppDeps('participant Lambda')));
