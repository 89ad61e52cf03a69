/**
 * The console's typed client of the API, from the server's own route declarations
 * (functions/http/api-routes.ts), imported type-only: nothing of the server reaches the bundle,
 * and a call whose path, parameters, query or body the server does not declare, or that reads an
 * answer the server does not give, is a type error here.
 */
import type * as z from 'zod';
import type { ApiRoute } from '../../../../functions/http/api-routes';
import type { BodySchema, Method, QuerySchema, RouteOutput } from '../../../../functions/http/define-route';
import { api } from '../../shared/api';

type RouteAt<M extends Method, P extends string> = Extract<ApiRoute, { method: M; path: P }>;

/** The declared paths that answer `method`. */
export type PathOf<M extends Method> = Extract<ApiRoute, { method: M }>['path'];

type ParamNames<P extends string> = P extends `${string}:${infer Name}/${infer Rest}` ? Name | ParamNames<`/${Rest}`> : P extends `${string}:${infer Name}` ? Name : never;
type ParamsInput<P extends string> = [ParamNames<P>] extends [never] ? unknown : { params: Record<ParamNames<P>, string> };
type QueryInput<R> = [QuerySchema<R>] extends [never] ? unknown : { query?: z.input<QuerySchema<R>> };
type BodyInput<R> = [BodySchema<R>] extends [never] ? unknown : { body: z.input<BodySchema<R>> };

/** What a call of `method path` takes: its path parameters, its query and its JSON body, as the server declares them. */
export type CallInput<M extends Method, P extends string> = ParamsInput<P> & QueryInput<RouteAt<M, P>> & BodyInput<RouteAt<M, P>>;

/** What `method path` answers on success, as JSON arrives (dates as strings). */
export type CallOutput<M extends Method, P extends string> = RouteOutput<RouteAt<M, P>>;

/** One call of the API, ready to send, with the type of its answer. */
export interface ApiCall<T> {
  readonly method: Uppercase<Method>;
  /** The path with its parameters filled in and escaped, and the query. */
  readonly url: string;
  readonly body?: unknown;
  /** Type only: what the call answers. */
  readonly answer?: T;
}

type Args<M extends Method, P extends string> = object extends CallInput<M, P> ? [input?: CallInput<M, P>] : [input: CallInput<M, P>];

/** The URL of `path` with `params` filled in (each escaped) and the query's set values appended. */
export function urlOf<M extends Method, P extends PathOf<M>>(method: M, path: P, ...args: Args<M, P>): string;
export function urlOf(_method: Method, path: string, input?: { params?: Record<string, string>; query?: Record<string, unknown> }): string {
  const filled = path.replace(/:(\w+)/g, (_, name: string) => encodeURIComponent(input?.params?.[name] ?? ''));
  const search = new URLSearchParams();
  for (const [key, value] of Object.entries(input?.query ?? {})) if (value !== undefined && value !== '') search.set(key, String(value));
  const qs = search.toString();
  return qs ? `${filled}?${qs}` : filled;
}

/** A call of `method path` with its input, for `send` or `useApi`. */
export function call<M extends Method, P extends PathOf<M>>(method: M, path: P, ...args: Args<M, P>): ApiCall<CallOutput<M, P>>;
export function call(method: Method, path: string, input?: { params?: Record<string, string>; query?: Record<string, unknown>; body?: unknown }): ApiCall<unknown> {
  const url = (urlOf as (method: Method, path: string, input?: object) => string)(method, path, input);
  return { method: method.toUpperCase() as Uppercase<Method>, url, ...(input?.body !== undefined ? { body: input.body } : {}) };
}

/** Sends a call; rejects with ApiError when the server refuses it. */
export const send = <T>(request: ApiCall<T>): Promise<T> => api<T>(request.url, { method: request.method, ...(request.body !== undefined ? { body: request.body } : {}) });
