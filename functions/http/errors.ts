import type { Context } from 'hono';
import { HTTPException } from 'hono/http-exception';
import type { ContentfulStatusCode } from 'hono/utils/http-status';
import { isAppError } from '../core/errors';
import { redact } from '../core/redact';

/**
 * The one place errors become responses: `{"error": {"code", "message", "field"?, "details"?}}`.
 * Expected failures carry their own status; anything else is logged (without request data,
 * which may hold answers or addresses) and answered with a bare 500.
 */
export function errorResponse(error: Error, c: Context): Response {
  if (isAppError(error)) {
    const retryAfter = error.context?.retryAfterSeconds;
    if (typeof retryAfter === 'number') c.header('Retry-After', String(Math.max(1, Math.ceil(retryAfter))));
    const { retryAfterSeconds: _r, ...context } = error.context ?? {};
    return c.json(
      { error: { code: error.kind, message: error.message, ...(error.field ? { field: error.field } : {}), ...(error.details ? { details: error.details } : {}), ...context } },
      error.status as ContentfulStatusCode,
    );
  }
  if (error instanceof HTTPException) {
    return c.json({ error: { code: 'http', message: error.message || 'request refused' } }, error.status);
  }
  console.error(JSON.stringify({ level: 'error', msg: 'unhandled error', route: c.req.routePath, name: error.name, error: redact(error.message), stack: redact(error.stack ?? '') }));
  return c.json({ error: { code: 'internal', message: 'something went wrong on our side; nothing was changed' } }, 500);
}
