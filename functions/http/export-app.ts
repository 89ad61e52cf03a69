import { notFound } from '../core/errors';
import { composeApp } from './app-shell';
import type { AppDeps } from './env';
import { studyRoutes } from './routes/study-routes';

/** The one path the export function answers (CloudFront's behaviour for it is the same pattern). */
export const EXPORT_PATH = /^\/api\/studies\/[^/]+\/export$/;

/**
 * The export endpoint alone, for the export Lambda, which streams its response (the staff API's
 * buffered response is capped at 6 MB by Lambda). The study routes are mounted as the whole API
 * mounts them, so the export behaves byte for byte the same; every other path is "unknown
 * endpoint" here, whatever reaches the function.
 */
export function createExportApp(deps: AppDeps) {
  return composeApp(deps, (app) => {
    app.use('/api/*', async (c, next) => {
      if (c.req.method !== 'GET' || !EXPORT_PATH.test(c.req.path)) throw notFound('endpoint');
      await next();
    });
    app.route('/api/studies', studyRoutes(deps));
  });
}
