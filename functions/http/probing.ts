import type { Context, MiddlewareHandler } from 'hono';
import { tooManyRequests } from '../core/errors';
import type { LinkProbe } from '../use-cases/participant-link';
import type { AppDeps, AppEnv } from './env';

/** Failed look-ups of one kind of secret one client may make in a sliding window before being told to wait. */
export const PROBE_LIMIT = 20;
export const PROBE_WINDOW_MS = 10 * 60_000;

/**
 * What a client is guessing at. Each purpose has its own counter, so a client locked out of one
 * (say, after mistyping sign-in codes) can still open a participant link, and the reverse.
 */
export type ProbePurpose = 'participant-link' | 'unsubscribe-link' | 'sign-in-code' | 'join-link';

/**
 * The key a client is counted under for `purpose`. Its address is personal data: the counter
 * item (kept at most two windows) holds only a hash of it.
 */
export const clientKey = (deps: AppDeps, c: Context, purpose: string) => `${purpose}:${deps.secrets.hash(deps.clientAddress?.(c) ?? 'unknown')}`;

/**
 * Counts a client's failed look-ups of one kind of secret (participant links, unsubscribe links,
 * sign-in codes) and answers 429 with Retry-After once it has made too many in the sliding
 * window, before looking anything up. Every request is counted before its look-up, with an atomic
 * increment, so concurrent guesses are all counted; a request that did not fail (or was refused)
 * gives its count back. Tokens are 256-bit, so guessing is hopeless anyway; this stops anyone trying.
 */
export function limitProbing(deps: AppDeps, purpose: ProbePurpose, failed: (status: number) => boolean): MiddlewareHandler<AppEnv> {
  return async (c, next) => {
    const key = clientKey(deps, c, purpose);
    const hit = await deps.rateLimits.hit(key, PROBE_WINDOW_MS, deps.clock.now());
    if (hit.count > PROBE_LIMIT) {
      await deps.rateLimits.refund(key, hit.windowStart, PROBE_WINDOW_MS);
      const seconds = hit.retryAfterSeconds(PROBE_LIMIT);
      throw tooManyRequests(`too many invalid ${purposeWords[purpose]} from your connection: try again in ${Math.ceil(seconds / 60)} minute${seconds > 60 ? 's' : ''}`, seconds);
    }
    let counts = false;
    try {
      await next();
      counts = failed(c.res.status);
    } finally {
      if (!counts) await deps.rateLimits.refund(key, hit.windowStart, PROBE_WINDOW_MS);
    }
  };
}

/**
 * `limitProbing` for participant links, with the count and the look-up overlapped rather than in
 * sequence: the count starts, the route runs, and the route's use case (resolveLink) waits for
 * the verdict beside its own look-up of the link and before it answers or changes anything
 * (`LinkProbe.admitted`), so a refused request still looks up nothing it acts on; a link that
 * resolved gives its count back at once, beside the rest of the request's work. Every route under
 * it must pass the probe (`c.var.linkProbe`) to its use case: a request that never waited for
 * the verdict and was refused is answered 429 all the same.
 */
export function limitLinkProbing(deps: AppDeps): MiddlewareHandler<AppEnv> {
  const purpose: ProbePurpose = 'participant-link';
  return async (c, next) => {
    const key = clientKey(deps, c, purpose);
    const hit = deps.rateLimits.hit(key, PROBE_WINDOW_MS, deps.clock.now());
    let refund: Promise<void> | undefined;
    const giveBack = (windowStart: number) => (refund ??= deps.rateLimits.refund(key, windowStart, PROBE_WINDOW_MS));
    let waited = false;
    const verdict = hit.then(async (h) => {
      if (h.count <= PROBE_LIMIT) return;
      await giveBack(h.windowStart);
      const seconds = h.retryAfterSeconds(PROBE_LIMIT);
      throw tooManyRequests(`too many invalid ${purposeWords[purpose]} from your connection: try again in ${Math.ceil(seconds / 60)} minute${seconds > 60 ? 's' : ''}`, seconds);
    });
    // Observed below in every case; this keeps a refusal no route waited for from being reported as unhandled.
    verdict.catch(() => {});
    const probe: LinkProbe = {
      get admitted() {
        waited = true;
        return verdict;
      },
      resolved: () => {
        void hit.then((h) => (h.count <= PROBE_LIMIT ? giveBack(h.windowStart) : undefined)).catch(() => {});
      },
    };
    c.set('linkProbe', probe);
    let counts = false;
    try {
      await next();
      counts = c.res.status === 404;
    } finally {
      const h = await hit;
      await verdict.catch((refusal: unknown) => {
        // Refused, and the route answered without waiting for it: a route that forgot the probe.
        if (!waited) throw refusal;
      });
      if (!counts) await giveBack(h.windowStart);
    }
  };
}

const purposeWords: Record<ProbePurpose, string> = {
  'participant-link': 'links',
  'unsubscribe-link': 'unsubscribe links',
  'sign-in-code': 'sign-in codes',
  'join-link': 'sign-up links',
};

/** Runs `work` and answers no sooner than `ms` after the request began, so timing can't tell outcomes apart. */
export async function atLeast<T>(ms: number, work: Promise<T>): Promise<T> {
  const started = performance.now();
  const result = await work;
  const left = ms - (performance.now() - started);
  if (left > 0) await new Promise((resolve) => setTimeout(resolve, left));
  return result;
}
