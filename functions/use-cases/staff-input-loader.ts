import { once } from '../core/once';

/**
 * Imports the staff API's request schemas (staff-input.ts, and zod with them) on first use, once:
 * the route declarations and the use cases name their schemas through it, so declaring a route
 * builds none and a warm function does not ask the module loader again.
 */
export const staffInput = once(() => import('./staff-input'));

/**
 * A route's declaration of one of these schemas (define-route.ts's `body` or `query`): a function
 * that imports it with the rest on the route's first request.
 */
export const staffSchema =
  <K extends keyof Awaited<ReturnType<typeof staffInput>>>(name: K) =>
  () =>
    staffInput().then((m) => m[name]);
