import { rolesFor } from '../core/auth/permissions';
import { requireStaff } from './auth';
import { composeApp } from './app-shell';
import { mountRoutes } from './define-route';
import type { AppDeps } from './env';
import { studyRoutes } from './routes/study-routes';

/** The one path the export function answers (CloudFront's behaviour for it is the same pattern). */
export const EXPORT_PATH = /^\/api\/studies\/[^/]+\/export$/;

/** The export endpoint, as the whole API declares it (routes/study-routes.ts). */
const exportRoutes = studyRoutes.filter((route) => route.method === 'get' && route.path === '/api/studies/:studyId/export');

/**
 * The export endpoint alone, for the export Lambda, which streams its response (the staff API's
 * buffered response is capped at 6 MB by Lambda). The route is the whole API's own declaration,
 * mounted with the same staff guard, so the export behaves byte for byte the same; every other
 * path is "unknown endpoint" here, whatever reaches the function.
 */
export function createExportApp(deps: AppDeps) {
  if (exportRoutes.length !== 1) throw new Error('the export route is not declared in routes/study-routes.ts');
  return composeApp(deps, (app) => mountRoutes(app, deps, exportRoutes, (capability) => requireStaff(deps, rolesFor(capability))));
}
