import type { Context, Hono, MiddlewareHandler, TypedResponse } from 'hono';
import type { ClientErrorStatusCode } from 'hono/utils/http-status';
import type * as z from 'zod';
import type { Capability } from '../core/auth/permissions';
import { once } from '../core/once';
import { invalidFields } from '../core/errors';
import { parseInput } from '../use-cases/parse-input';
import type { AppDeps, AppEnv } from './env';

export type Method = 'get' | 'post' | 'put' | 'patch' | 'delete';

/**
 * Everything said about an endpoint, once: the router, the role check, the OpenAPI document
 * (openapi.ts) and the console's typed client (web/src/console/lib/client.ts) all read it.
 */
export interface RouteSpec {
  method: Method;
  /** The path as the router matches it, `:name` for a parameter (the OpenAPI document writes `{name}`). */
  path: `/api/${string}`;
  /** One line for the API's reader; its limits and refusals in their words. */
  summary: string;
  tag: string;
  /** Who may call it (the roles come from core/auth/permissions.ts); omitted for public endpoints (links, sign-in, self-enrolment). */
  capability?: Capability;
  /**
   * The JSON body's schema (the use case validates with the same schema), or a function that
   * imports it: a route a Lambda serves often whose body schema is only needed when a request
   * carries a body (or when the OpenAPI document is written) names it this way, so the Lambda's
   * cold start builds no schema and loads no zod for it (bench/README.md#cold-start).
   */
  body?: z.ZodType | (() => Promise<z.ZodType>);
  /** Set instead of `body` for a non-JSON request body (e.g. text/csv). */
  bodyMediaType?: string;
  /**
   * The query parameters it reads. The router checks every request's query against this schema
   * before the handler runs (after the role check), so a value the declaration does not allow is
   * a 400 naming the parameter, never a default silently taken (`?dryRun=yes` is not a real import).
   * Parameters it does not name pass (a cache-buster), unless the schema is strict (the audit trail's filters). Like `body`, a function
   * that imports the schema: the router imports it on the route's first request, so declaring the
   * route builds no schema and the cold start loads no zod for it.
   */
  query?: z.ZodObject | (() => Promise<z.ZodObject>);
  /** Status code → description (and the media type when it is not JSON). */
  responses: Record<number, string | { description: string; mediaType: string }>;
}

/** Serves one request of a route: the use case called with the request's input, its answer. */
export type RouteHandler<Path extends string = string> = (c: Context<AppEnv, Path>, deps: AppDeps) => Response | Promise<Response>;

/** How a route is served, besides the role check its capability names. */
export interface RouteServing {
  /** Middleware that runs before the handler (after the role check), e.g. the probing limit on a link's look-up. */
  before?: (deps: AppDeps) => MiddlewareHandler<AppEnv>;
}

/** A declared endpoint with the code that serves it. */
export type Route<S extends RouteSpec = RouteSpec, H extends RouteHandler<S['path']> = RouteHandler<S['path']>> = Readonly<S> & RouteServing & { readonly handle: H };

/**
 * Declares an endpoint and how it is served. The handler's answer type (what `c.json` is given)
 * travels with the declaration, so the console's client is checked against it.
 */
export function defineRoute<const S extends RouteSpec, H extends RouteHandler<S['path']>>(spec: S, handle: H, serving: RouteServing = {}): Route<S, H> {
  return { ...spec, ...serving, handle };
}

/** The middleware that lets through only staff whose role has `capability` (and, on a study's routes, who work on that study). */
export type StaffGuard = (capability: Capability) => MiddlewareHandler<AppEnv>;

/**
 * Adds `routes` to `app`, in the order given (a literal path declared before a parameter in the
 * same place wins), each behind `guard` for its capability. The guard is passed in rather than
 * imported, so the participant Lambda, whose routes have none, loads no staff sign-in code; a
 * route with a capability and no guard to check it is a mistake, refused at start-up.
 */
export function mountRoutes(app: Hono<AppEnv>, deps: AppDeps, routes: readonly Route[], guard?: StaffGuard): void {
  for (const route of routes) {
    if (route.capability !== undefined && guard === undefined) throw new Error(`${route.method} ${route.path} needs ${route.capability}, and nothing here checks it`);
    const middleware = [
      ...(route.capability !== undefined && guard ? [guard(route.capability)] : []),
      ...(route.query ? [checkQuery(route.query)] : []),
      ...(route.before ? [route.before(deps)] : []),
    ];
    const serve: MiddlewareHandler<AppEnv> = async (c) => route.handle(c, deps);
    // Hono types each arity of `on` separately; the handlers here are a list.
    const handlers = [...middleware, serve] as [MiddlewareHandler<AppEnv>];
    app.on(route.method.toUpperCase(), route.path, ...handlers);
  }
}

/**
 * Refuses a request whose query the route's declaration does not allow: one 400 naming every bad
 * parameter. A parameter given twice is refused too: which of the two a handler would read is not
 * something a caller should have to guess.
 */
function checkQuery(declared: NonNullable<RouteSpec['query']>): MiddlewareHandler<AppEnv> {
  const resolved = once(() => resolveSchema(declared)!);
  return async (c, next) => {
    const schema = await resolved();
    const all = c.req.queries();
    const repeated = Object.keys(schema.shape).filter((name) => (all[name]?.length ?? 0) > 1);
    if (repeated.length > 0) throw invalidFields(repeated.map((field) => ({ field, message: 'is given more than once' })));
    parseInput(schema, Object.fromEntries(Object.entries(all).map(([name, values]) => [name, values[0]])));
    await next();
  };
}

/** A schema declared as itself or as a function that imports it, as a promise (undefined when none is declared). */
function resolveSchema<S extends z.ZodType>(declared: S | (() => Promise<S>) | undefined): Promise<S> | undefined {
  return typeof declared === 'function' ? declared() : declared === undefined ? undefined : Promise.resolve(declared);
}

/** A route's query schema, whichever way it is declared (undefined when it reads no query). */
export const querySchemaOf = (route: Pick<RouteSpec, 'query'>) => resolveSchema(route.query);

/** A route's body schema, whichever way it is declared (undefined when it takes no JSON body). */
export const bodySchemaOf = (route: Pick<RouteSpec, 'body'>) => resolveSchema(route.body);

/** The query schema a route's parameters are checked with, whichever way it is declared. */
export type QuerySchema<R> = R extends { query: () => Promise<infer S> } ? S : R extends { query: infer S extends z.ZodObject } ? S : never;

/** The schema a route's body is checked with, whichever way it is declared. */
export type BodySchema<R> = R extends { body: () => Promise<infer S> } ? S : R extends { body: infer S extends z.ZodType } ? S : never;

/** The JSON a route answers on success, as the client receives it (dates as strings). */
export type RouteOutput<R> = R extends { handle: (...args: never[]) => infer Out } ? SuccessJson<Awaited<Out>> : never;

/** `c.json(x)` is typed as x's JSON; a refusal answered with an explicit 4xx (an import's report) is not a success. */
type SuccessJson<X> = X extends TypedResponse<infer T, infer Status, 'json'> ? ([Status] extends [ClientErrorStatusCode] ? never : T) : never;
