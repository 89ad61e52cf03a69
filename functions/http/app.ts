import { Hono } from 'hono';
import { bodyLimit } from 'hono/body-limit';
import { secureHeaders } from 'hono/secure-headers';
import { forbidden, notFound } from '../core/errors';
import type { AppDeps, AppEnv } from './env';
import { errorResponse } from './errors';
import { openApiDocument } from './openapi';
import { logRequests } from './request-log';
import { authRoutes } from './routes/auth-routes';
import { instrumentRoutes } from './routes/instrument-routes';
import { importJobRoutes } from './routes/import-job-routes';
import { joinRoutes } from './routes/join-routes';
import { participantAdminRoutes } from './routes/participant-admin-routes';
import { participantRoutes, unsubscribeRoutes } from './routes/participant-routes';
import { staffRoutes } from './routes/staff-routes';
import { studyRoutes } from './routes/study-routes';
import { summaryRoutes } from './routes/summary-routes';

export type { AppDeps } from './env';

/** Longer than any id, participant code, token or email address (254), in UTF-8 bytes. */
const MAX_PATH_SEGMENT_BYTES = 256;

const safeDecode = (segment: string) => {
  try {
    return decodeURIComponent(segment);
  } catch {
    return segment;
  }
};

/**
 * The whole API as one Hono app, built from its dependencies. The Lambda entry and the local
 * server both call this; neither adds behaviour of its own.
 */
export function createApp(deps: AppDeps) {
  const app = new Hono<AppEnv>();
  if (deps.logRequest) app.use('*', logRequests(deps.logRequest));
  const { viaFrontDoor } = deps;
  if (viaFrontDoor) {
    // In AWS the API's own endpoint is public; only requests that came through CloudFront are served.
    app.use('*', async (c, next) => {
      if (!(await viaFrontDoor(c))) throw forbidden('this API is reachable only through the site’s own address');
      await next();
    });
  }
  app.use('*', secureHeaders({ referrerPolicy: 'no-referrer' }));
  app.use('/api/*', async (c, next) => {
    await next();
    c.header('Cache-Control', 'no-store');
  });
  const limit = (kb: number) =>
    bodyLimit({ maxSize: kb * 1024, onError: (c) => c.json({ error: { code: 'too_large', message: `body: larger than ${kb} KB` } }, 413) });
  const [small, csvImport] = [limit(256), limit(5 * 1024)];
  // A participants CSV may be large; every other body is small.
  app.use('/api/*', (c, next) => (c.req.path.endsWith('/participants/import') ? csvImport(c, next) : small(c, next)));
  // No id, code, token or address is anywhere near this long, and storage keys have size limits (an
  // overlong key is a database error, not "not found"): such a path names nothing.
  app.use('/api/*', async (c, next) => {
    const tooLong = new URL(c.req.url).pathname.split('/').some((segment) => Buffer.byteLength(safeDecode(segment)) > MAX_PATH_SEGMENT_BYTES);
    if (tooLong) throw notFound('endpoint');
    await next();
  });
  app.get('/api/health', (c) => c.json({ ok: true }));
  app.get('/api/openapi.json', (c) => c.json(openApiDocument()));
  app.route('/api/auth', authRoutes(deps));
  app.route('/api/studies', studyRoutes(deps));
  app.route('/api/studies', participantAdminRoutes(deps));
  app.route('/api/studies', importJobRoutes(deps));
  app.route('/api/staff', staffRoutes(deps));
  app.route('/api/instruments', instrumentRoutes(deps));
  app.route('/api/studies', summaryRoutes(deps));
  app.route('/api/p', participantRoutes(deps));
  app.route('/api/u', unsubscribeRoutes(deps));
  app.route('/api/join', joinRoutes(deps));
  app.all('/api/*', () => {
    throw notFound('endpoint');
  });
  app.onError(errorResponse);
  return app;
}
