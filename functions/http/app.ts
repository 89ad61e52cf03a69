import { Hono } from 'hono';
import { bodyLimit } from 'hono/body-limit';
import { secureHeaders } from 'hono/secure-headers';
import { notFound } from '../core/errors';
import type { AppDeps, AppEnv } from './env';
import { errorResponse } from './errors';
import { authRoutes } from './routes/auth-routes';
import { participantRoutes, unsubscribeRoutes } from './routes/participant-routes';
import { studyRoutes } from './routes/study-routes';

export type { AppDeps } from './env';

/**
 * The whole API as one Hono app, built from its dependencies. The Lambda entry and the local
 * server both call this; neither adds behaviour of its own.
 */
export function createApp(deps: AppDeps) {
  const app = new Hono<AppEnv>();
  app.use('*', secureHeaders({ referrerPolicy: 'no-referrer' }));
  app.use('/api/*', async (c, next) => {
    await next();
    c.header('Cache-Control', 'no-store');
  });
  app.use(
    '/api/*',
    bodyLimit({
      maxSize: 256 * 1024,
      onError: (c) => c.json({ error: { code: 'too_large', message: 'body: larger than 256 KB' } }, 413),
    }),
  );
  app.get('/api/health', (c) => c.json({ ok: true }));
  app.route('/api/auth', authRoutes(deps));
  app.route('/api/studies', studyRoutes(deps));
  app.route('/api/p', participantRoutes(deps));
  app.route('/api/u', unsubscribeRoutes(deps));
  app.all('/api/*', () => {
    throw notFound('endpoint');
  });
  app.onError(errorResponse);
  return app;
}
