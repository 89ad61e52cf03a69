import type { Hono } from 'hono';
import { composeApp } from './app-shell';
import type { AppDeps, AppEnv } from './env';
import { joinRoutes } from './routes/join-routes';
import { participantRoutes, unsubscribeRoutes } from './routes/participant-routes';

/** Mounts what participants and the public reach: links (/api/p), unsubscribe (/api/u) and self-enrolment (/api/join). */
export function mountParticipantRoutes(app: Hono<AppEnv>, deps: AppDeps): void {
  app.route('/api/p', participantRoutes(deps));
  app.route('/api/u', unsubscribeRoutes(deps));
  app.route('/api/join', joinRoutes(deps));
}

/**
 * Only the participant and public routes, with the same shared middleware as the whole API: what
 * the participant Lambda serves (the HTTP API routes /api/p, /api/u and /api/join to it; every
 * other path is "unknown endpoint" here). It imports no staff route, export, chart, PDF or OpenAPI
 * code, so a participant's cold start does not load them.
 */
export function createParticipantApp(deps: AppDeps) {
  return composeApp(deps, (app) => mountParticipantRoutes(app, deps));
}
