import { rolesFor } from '../core/auth/permissions';
import { once } from '../core/once';
import { apiRoutes, staffApiRoutes } from './api-routes';
import { requireStaff } from './auth';
import { composeApp } from './app-shell';
import { mountRoutes } from './define-route';
import type { AppDeps } from './env';
import { mountParticipantRoutes } from './participant-app';

export type { AppDeps } from './env';

/**
 * The whole API as one Hono app, built from its dependencies: the staff API Lambda and the local
 * server both call this; neither adds behaviour of its own. The participant routes are the same
 * ones the participant Lambda serves (participant-app.ts).
 */
export function createApp(deps: AppDeps) {
  // The document never changes while the process runs: built once, on first request. Its generator
  // (and zod's JSON Schema output, and every schema it resolves) is imported then, not at start.
  const document = once(() => import('./openapi').then((m) => m.openApiDocument(apiRoutes)));
  return composeApp(deps, (app) => {
    app.get('/api/health', (c) => c.json({ ok: true }));
    app.get('/api/openapi.json', async (c) => c.json(await document()));
    mountRoutes(app, deps, staffApiRoutes, (capability) => requireStaff(deps, rolesFor(capability)));
    mountParticipantRoutes(app, deps);
  });
}
