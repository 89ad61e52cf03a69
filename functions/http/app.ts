import { composeApp } from './app-shell';
import type { AppDeps } from './env';
import { openApiDocument } from './openapi';
import { mountParticipantRoutes } from './participant-app';
import { authRoutes } from './routes/auth-routes';
import { instrumentRoutes } from './routes/instrument-routes';
import { importJobRoutes } from './routes/import-job-routes';
import './routes/join-route-docs';
import { participantAdminRoutes } from './routes/participant-admin-routes';
import './routes/participant-route-docs';
import { staffRoutes } from './routes/staff-routes';
import { studyRoutes } from './routes/study-routes';
import { summaryRoutes } from './routes/summary-routes';

export type { AppDeps } from './env';

/**
 * The whole API as one Hono app, built from its dependencies: the staff API Lambda and the local
 * server both call this; neither adds behaviour of its own. The participant routes are the same
 * ones the participant Lambda serves (participant-app.ts).
 */
export function createApp(deps: AppDeps) {
  return composeApp(deps, (app) => {
    app.get('/api/health', (c) => c.json({ ok: true }));
    app.get('/api/openapi.json', (c) => c.json(openApiDocument()));
    app.route('/api/auth', authRoutes(deps));
    app.route('/api/studies', studyRoutes(deps));
    app.route('/api/studies', participantAdminRoutes(deps));
    app.route('/api/studies', importJobRoutes(deps));
    app.route('/api/staff', staffRoutes(deps));
    app.route('/api/instruments', instrumentRoutes(deps));
    app.route('/api/studies', summaryRoutes(deps));
    mountParticipantRoutes(app, deps);
  });
}
