import { Hono } from 'hono';
import { bodyLimit } from 'hono/body-limit';
import { secureHeaders } from 'hono/secure-headers';
import { forbidden, notFound } from '../core/errors';
import type { AppDeps, AppEnv } from './env';
import { errorResponse } from './errors';
import { logRequests } from './request-log';

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
 * One Hono app with what every composition of the API shares, in this order: the request log,
 * the front-door check, secure headers, no-store, the body limits and the path-length guard; then
 * the routes `mount` adds; then "unknown endpoint" for the rest of /api/* and the one error
 * handler. The whole API (createApp) and the participant routes' own Lambda (createParticipantApp)
 * are both built here, so neither can drift from the other.
 */
export function composeApp(deps: AppDeps, mount: (app: Hono<AppEnv>) => void): Hono<AppEnv> {
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
  mount(app);
  app.all('/api/*', () => {
    throw notFound('endpoint');
  });
  app.onError(errorResponse);
  return app;
}
