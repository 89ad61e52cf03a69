import type { Context, MiddlewareHandler } from 'hono';
import { AppError } from '../core/errors';
import type { AppDeps, AppEnv } from './env';

/** Failed token or code look-ups one client may make per window before being told to wait. */
export const PROBE_LIMIT = 20;
export const PROBE_WINDOW_MS = 10 * 60_000;

// The client's address is personal data: the counter item (kept 20 minutes) holds only its hash.
const clientKey = (deps: AppDeps, c: Context) => `probe:${deps.secrets.hash(deps.clientAddress?.(c) ?? 'unknown')}`;

/**
 * Counts a client's failed look-ups of secrets (participant and unsubscribe links, sign-in codes)
 * and answers 429 with Retry-After once it has made too many in the window, before looking
 * anything up. Tokens are 256-bit, so guessing is hopeless anyway; this stops anyone trying.
 */
export function limitProbing(deps: AppDeps, failed: (status: number) => boolean): MiddlewareHandler<AppEnv> {
  return async (c, next) => {
    const key = clientKey(deps, c);
    const now = deps.clock.now();
    if ((await deps.failures.count(key, PROBE_WINDOW_MS, now)) >= PROBE_LIMIT) {
      const retryAfter = Math.ceil((PROBE_WINDOW_MS - (now.getTime() % PROBE_WINDOW_MS)) / 1000);
      c.header('Retry-After', String(retryAfter));
      throw new AppError('too_many_requests', `too many invalid links or codes from your connection: try again in ${Math.ceil(retryAfter / 60)} minutes`);
    }
    await next();
    if (failed(c.res.status)) await deps.failures.record(key, PROBE_WINDOW_MS, now);
  };
}

/** Runs `work` and answers no sooner than `ms` after the request began, so timing can't tell outcomes apart. */
export async function atLeast<T>(ms: number, work: Promise<T>): Promise<T> {
  const started = performance.now();
  const result = await work;
  const left = ms - (performance.now() - started);
  if (left > 0) await new Promise((resolve) => setTimeout(resolve, left));
  return result;
}
