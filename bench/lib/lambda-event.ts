/**
 * Lambda's side of a request: an API Gateway HTTP API event (payload 2.0), as CloudFront forwards
 * it (the origin secret and the viewer's address in their headers), and the handler of an entry
 * point, loaded as Lambda starts it. Imports only the header names, so a process measuring a
 * bundle's memory (bench/lib/export-child.ts) carries nothing of the harness.
 */
import { ORIGIN_SECRET_HEADER, VIEWER_ADDRESS_HEADER } from '../../functions/http/edge-headers';

/** The origin secret the benchmarks give the API Lambda (TIMEPOINT_ORIGIN_SECRET) and put on every request. */
export const BENCH_ORIGIN_SECRET = 'bench-origin-secret-of-at-least-thirty-two-characters';

/** An API Gateway HTTP API (payload 2.0) event, as the Lambda receives it behind CloudFront. */
export function apiEvent(method: string, path: string, settings: { body?: unknown; headers?: Record<string, string>; query?: string } = {}) {
  const body = settings.body === undefined ? undefined : typeof settings.body === 'string' ? settings.body : JSON.stringify(settings.body);
  return {
    version: '2.0',
    routeKey: '$default',
    rawPath: path,
    rawQueryString: settings.query ?? '',
    headers: {
      host: 'api.example.org',
      [ORIGIN_SECRET_HEADER]: BENCH_ORIGIN_SECRET,
      [VIEWER_ADDRESS_HEADER]: '203.0.113.7',
      ...(body ? { 'content-type': 'application/json' } : {}),
      ...settings.headers,
    },
    requestContext: {
      accountId: '123456789012',
      apiId: 'bench',
      domainName: 'api.example.org',
      domainPrefix: 'api',
      http: { method, path, protocol: 'HTTP/1.1', sourceIp: '198.51.100.1', userAgent: 'bench' },
      requestId: `bench-${Math.random().toString(36).slice(2)}`,
      routeKey: '$default',
      stage: '$default',
      time: new Date().toUTCString(),
      timeEpoch: Date.now(),
    },
    ...(body ? { body, isBase64Encoded: false } : { isBase64Encoded: false }),
  };
}

export type LambdaHandler = (event: unknown, context?: unknown) => Promise<{ statusCode: number; body?: string; headers?: Record<string, string> }>;

/**
 * Imports a Lambda entry point (TypeScript source under tsx, or a built bundle) with `env` as its
 * environment, as Lambda would start it, and returns its handler.
 */
export async function loadHandler(entry: string, env: Record<string, string>): Promise<LambdaHandler> {
  Object.assign(process.env, env);
  const module = (await import(entry)) as { handler?: LambdaHandler };
  if (typeof module.handler !== 'function') throw new Error(`${entry} exports no handler`);
  return module.handler;
}
