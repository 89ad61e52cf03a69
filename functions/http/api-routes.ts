import { publicRoutes } from './participant-app';
import { authRoutes } from './routes/auth-routes';
import { importJobRoutes } from './routes/import-job-routes';
import { instrumentRoutes } from './routes/instrument-routes';
import { participantAdminRoutes } from './routes/participant-admin-routes';
import { staffRoutes } from './routes/staff-routes';
import { studyRoutes } from './routes/study-routes';
import { summaryRoutes } from './routes/summary-routes';

/**
 * Every staff endpoint, in the order the router tries them (a literal segment before a parameter
 * in the same place). The participant and public ones are `publicRoutes` (participant-app.ts),
 * which the participant Lambda serves without loading this module.
 */
export const staffApiRoutes = [...authRoutes, ...studyRoutes, ...participantAdminRoutes, ...importJobRoutes, ...staffRoutes, ...instrumentRoutes, ...summaryRoutes] as const;

/** The whole API: what /api/openapi.json documents and the route-role test walks. */
export const apiRoutes = [...staffApiRoutes, ...publicRoutes] as const;

/** One endpoint of the API, with its types (the console's client reads them, type-only). */
export type ApiRoute = (typeof apiRoutes)[number];
