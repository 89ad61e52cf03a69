import type { MiddlewareHandler } from 'hono';
import { routePath } from 'hono/route';

/** One line of the request log: what was asked and how it went, never what was in the request. */
export interface RequestLogEntry {
  method: string;
  /**
   * The route that answered, as registered (`/api/p/:token`, `/api/studies/:studyId/export`),
   * never the request's own path or query: a path can hold a link token (links emailed in the
   * older form, the one-click unsubscribe URL) and a query anything at all.
   */
  route: string;
  status: number;
  ms: number;
}

/**
 * Logs every request as method, route pattern, status and duration. Headers, path values,
 * query strings and bodies are never read, so no token, address or answer can reach the log.
 */
export function logRequests(write: (entry: RequestLogEntry) => void): MiddlewareHandler {
  return async (c, next) => {
    const started = performance.now();
    try {
      await next();
    } finally {
      write({ method: c.req.method, route: routePath(c), status: c.res.status, ms: Math.round(performance.now() - started) });
    }
  };
}
