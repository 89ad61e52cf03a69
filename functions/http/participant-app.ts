import type { Hono } from 'hono';
import { composeApp } from './app-shell';
import { mountRoutes } from './define-route';
import type { AppDeps, AppEnv } from './env';
import { joinRoutes } from './routes/join-routes';
import { participantRoutes, unsubscribeRoutes } from './routes/participant-routes';

/** What participants and the public reach: links (/api/p), unsubscribe (/api/u) and self-enrolment (/api/join). */
export const publicRoutes = [...participantRoutes, ...unsubscribeRoutes, ...joinRoutes] as const;

/** Mounts the participant and public routes. */
export function mountParticipantRoutes(app: Hono<AppEnv>, deps: AppDeps): void {
  mountRoutes(app, deps, publicRoutes);
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
