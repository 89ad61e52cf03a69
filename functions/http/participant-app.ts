import { Hono } from 'hono';
import { notFound } from '../core/errors';
import { composeApp } from './app-shell';
import type { AppDeps, AppEnv } from './env';
import { errorResponse } from './errors';
import { participantRoutes, unsubscribeRoutes } from './routes/participant-routes';

/** Mounts what participants and the public reach: links (/api/p), unsubscribe (/api/u) and self-enrolment (/api/join). */
export function mountParticipantRoutes(app: Hono<AppEnv>, deps: AppDeps): void {
  app.route('/api/p', participantRoutes(deps));
  app.route('/api/u', unsubscribeRoutes(deps));
  app.route('/api/join', lazyJoinRoutes(deps));
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

/**
 * Self-enrolment's routes (routes/join-routes.ts), imported and built on the first request to
 * /api/join. Only they need date arithmetic (luxon), schedule planning, allocation and the
 * enrolment emails, which every participant link's cold start would otherwise compile. The shared
 * middleware has run by then (front door, headers, body limit); the request, with the server's
 * own bindings (the client's address), goes on to them as it came, and their errors are answered
 * by the same error handler.
 */
function lazyJoinRoutes(deps: AppDeps): Hono<AppEnv> {
  let routes: Promise<Hono<AppEnv>> | undefined;
  const load = () =>
    (routes ??= import('./routes/join-routes').then(({ joinRoutes }) =>
      new Hono<AppEnv>()
        .route('/api/join', joinRoutes(deps))
        .all('*', () => {
          throw notFound('endpoint');
        })
        .onError(errorResponse),
    ));
  return new Hono<AppEnv>().all('*', async (c) => (await load()).fetch(c.req.raw, c.env, executionContextOf(c)));
}

/** Lambda and the local server have no execution context, and Hono throws when asked for a missing one. */
function executionContextOf(c: { executionCtx: unknown }) {
  try {
    return c.executionCtx as Parameters<Hono['fetch']>[2];
  } catch {
    return undefined;
  }
}
