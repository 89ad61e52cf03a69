import { randomBytes } from 'node:crypto';
import { runInNewContext } from 'node:vm';
import { afterAll, beforeAll, describe, expect, inject, it, vi } from 'vitest';
import { createDb } from '../../functions/adapters/dynamodb/client';
import { ensureTables } from '../../functions/adapters/dynamodb/create-tables';
import { createRepositories } from '../../functions/adapters/dynamodb/repositories';
import { cryptoSecrets } from '../../functions/adapters/system/crypto-secrets';
import { demoStudy } from '../../functions/demo/demo-study';
import { ORIGIN_SECRET_HEADER, VIEWER_ADDRESS_HEADER } from '../../functions/http/front-door';
import { LINK_TOKEN_HEADER } from '../../functions/http/link-token';
import { PROBE_LIMIT } from '../../functions/http/probing';
import { synthStacks } from '../helpers/synth-stacks';
import { EXPORT_PATH_PATTERN } from '../../infra/lib/app-stack';
import { FORWARDED_AUTHORIZATION_HEADER } from '../../functions/http/edge-headers';

/**
 * The API Lambda as AWS runs it (API Gateway HTTP API v2 events, the app behind CloudFront),
 * attacked the way an adversary on the internet would: straight at the public execute-api address,
 * with a forged X-Forwarded-For or a forged viewer-address header, and read through its logs.
 */

interface V2Result {
  statusCode: number;
  headers?: Record<string, string>;
  cookies?: string[];
  body: string;
}
type Handler = (event: unknown, context: unknown) => Promise<V2Result>;

const ORIGIN_SECRET = randomBytes(32).toString('base64url');
let handler: Handler;
let participantHandler: Handler;
const consoleLines: string[] = [];

/**
 * An HTTP API (payload v2) event. `via`: `cloudfront` is a request CloudFront forwarded (origin
 * secret added, viewer address set by its function); `direct` is one sent straight to the
 * execute-api address, with whatever headers the sender chose.
 */
function event(method: string, path: string, init: { via?: 'cloudfront' | 'direct'; viewer?: string; headers?: Record<string, string>; body?: unknown } = {}) {
  const via = init.via ?? 'cloudfront';
  return {
    version: '2.0',
    routeKey: '$default',
    rawPath: path,
    rawQueryString: '',
    headers: {
      host: 'abc123.execute-api.eu-west-2.amazonaws.com',
      'content-type': 'application/json',
      // What API Gateway itself appends: the connecting address (a CloudFront edge, or the direct caller).
      'x-forwarded-for': via === 'cloudfront' ? '64.252.70.1' : '192.0.2.66',
      ...init.headers,
      ...(via === 'cloudfront' ? { [ORIGIN_SECRET_HEADER]: ORIGIN_SECRET, [VIEWER_ADDRESS_HEADER]: init.viewer ?? '198.51.100.7' } : {}),
    },
    requestContext: {
      accountId: '123456789012',
      apiId: 'abc123',
      domainName: 'abc123.execute-api.eu-west-2.amazonaws.com',
      domainPrefix: 'abc123',
      http: { method, path, protocol: 'HTTP/1.1', sourceIp: via === 'cloudfront' ? '64.252.70.1' : '192.0.2.66', userAgent: 'security-test' },
      requestId: randomBytes(8).toString('hex'),
      routeKey: '$default',
      stage: '$default',
      time: new Date().toUTCString(),
      timeEpoch: Date.now(),
    },
    ...(init.body === undefined ? {} : { body: JSON.stringify(init.body), isBase64Encoded: false }),
  };
}

let repositories: ReturnType<typeof createRepositories>;

beforeAll(async () => {
  const suffix = randomBytes(4).toString('hex');
  Object.assign(process.env, {
    TIMEPOINT_BASE_URL: 'https://d111.cloudfront.net',
    RESEARCH_TABLE: `edge-research-${suffix}`,
    CONTACTS_TABLE: `edge-contacts-${suffix}`,
    AWS_REGION: 'eu-west-2',
    DYNAMODB_ENDPOINT: inject('dynamoEndpoint'),
    SES_ENDPOINT: inject('sesEndpoint'),
    TIMEPOINT_SYSTEM_SENDER: 'timepoint@trial.example',
    TIMEPOINT_ORIGIN_SECRET: ORIGIN_SECRET,
    // As deployed outside a rotation: a placeholder that must never open the door.
    TIMEPOINT_ORIGIN_SECRET_PREVIOUS: 'none',
  });
  const db = createDb({ endpoint: inject('dynamoEndpoint'), region: 'eu-west-2' }, { research: process.env.RESEARCH_TABLE!, contacts: process.env.CONTACTS_TABLE! });
  await ensureTables(db);
  repositories = createRepositories(db);
  await repositories.studies.createIfAbsent(demoStudy);
  await repositories.staff.put({ email: 'edge@staff.test', name: 'E', role: 'coordinator', studies: ['demo'] });
  for (const method of ['log', 'info', 'warn', 'error', 'debug'] as const) {
    vi.spyOn(console, method).mockImplementation((...args: unknown[]) => void consoleLines.push(args.map(String).join(' ')));
  }
  ({ handler } = (await import('../../functions/entrypoints/api-lambda')) as { handler: Handler });
  ({ handler: participantHandler } = (await import('../../functions/entrypoints/participant-lambda')) as { handler: Handler });
});

/**
 * Both HTTP Lambdas: the staff API, and the participant one the HTTP API routes /api/p, /api/u and
 * /api/join to. Each with a request it serves (what proves the front door let it in) and its own
 * viewer addresses, since the probing counters are shared storage.
 */
const entries = [
  { name: 'the staff API Lambda', handle: () => handler, served: ['GET', '/api/health', 200] as const, viewers: ['203.0.113.50', '203.0.113.51'] },
  { name: 'the participant Lambda', handle: () => participantHandler, served: ['GET', '/api/join/demo', 404] as const, viewers: ['203.0.113.60', '203.0.113.61'] },
];

afterAll(() => vi.restoreAllMocks());

describe.each(entries)('$name reached around CloudFront (straight at execute-api)', ({ handle, served }) => {
  it('is refused with 403 before any route runs, with or without forged CloudFront headers, and changes nothing', async () => {
    const handler = handle();
    const attempts = [
      event('GET', '/api/health', { via: 'direct' }),
      event('POST', '/api/auth/login', { via: 'direct', body: { email: 'edge@staff.test' } }),
      event('POST', '/api/auth/login', { via: 'direct', body: { email: 'edge@staff.test' }, headers: { [VIEWER_ADDRESS_HEADER]: '198.51.100.7', [ORIGIN_SECRET_HEADER]: 'a-guess-of-the-secret-value-that-is-long' } }),
      event('POST', '/api/auth/login', { via: 'direct', body: { email: 'edge@staff.test' }, headers: { [ORIGIN_SECRET_HEADER]: 'none' } }),
      event('POST', '/api/auth/login', { via: 'direct', body: { email: 'edge@staff.test' }, headers: { [ORIGIN_SECRET_HEADER]: '' } }),
      event('GET', '/api/p', { via: 'direct', headers: { [LINK_TOKEN_HEADER]: randomBytes(32).toString('base64url') } }),
      event('POST', '/api/join/demo', { via: 'direct', body: { email: 'someone@example.org', answers: {} } }),
      event('POST', `/api/u/${randomBytes(32).toString('base64url')}`, { via: 'direct', headers: { [ORIGIN_SECRET_HEADER]: 'none' } }),
    ];
    const before = await repositories.staff.get('edge@staff.test');
    for (const attempt of attempts) {
      const result = await handler(attempt, {});
      expect(result.statusCode).toBe(403);
      expect(JSON.parse(result.body)).toEqual({ error: { code: 'forbidden', message: 'this API is reachable only through the site’s own address' } });
    }
    // No sign-in code was issued (the staff record is as it was), and nothing was counted against anyone.
    expect(await repositories.staff.get('edge@staff.test')).toEqual(before);
  });

  it('is answered when CloudFront forwarded it', async () => {
    const result = await handle()(event(served[0], served[1]), {});
    expect(result.statusCode).toBe(served[2]);
    expect(result.body).not.toContain('forbidden');
  });
});

describe.each(entries)('the client address behind CloudFront, in $name', ({ handle, viewers }) => {
  it('is the viewer address CloudFront set: a forged X-Forwarded-For cannot move the limiter\'s key', async () => {
    const handler = handle();
    const viewer = viewers[0]!;
    const statuses: number[] = [];
    for (let i = 0; i <= PROBE_LIMIT + 1; i++) {
      const forged = { 'x-forwarded-for': `10.9.${i}.1, 172.16.${i}.9`, [LINK_TOKEN_HEADER]: randomBytes(32).toString('base64url') };
      statuses.push((await handler(event('GET', '/api/p', { viewer, headers: forged }), {})).statusCode);
    }
    expect(statuses.slice(0, PROBE_LIMIT)).toEqual(Array(PROBE_LIMIT).fill(404));
    expect(statuses.slice(PROBE_LIMIT)).toEqual([429, 429]);
  });

  it('keeps other clients apart: another viewer behind the same edge is not locked out (a forged header could not lock out a hospital\'s address)', async () => {
    const result = await handle()(event('GET', '/api/p', { viewer: viewers[1]!, headers: { 'x-forwarded-for': viewers[0]!, [LINK_TOKEN_HEADER]: randomBytes(32).toString('base64url') } }), {});
    expect(result.statusCode).toBe(404);
  });
});

describe('the CloudFront Function that sets the viewer address (taken from the synthesized template)', () => {
  const { appTemplate } = synthStacks();
  const distribution = Object.values(appTemplate.findResources('AWS::CloudFront::Distribution'))[0]!.Properties.DistributionConfig;
  const api = (distribution.CacheBehaviors as Array<Record<string, any>>).find((b) => b.PathPattern === '/api/*')!;
  const functionId = api.FunctionAssociations[0].FunctionARN['Fn::GetAtt'][0] as string;
  const code = appTemplate.findResources('AWS::CloudFront::Function')[functionId]!.Properties.FunctionCode as string;
  const run = (request: Record<string, unknown>, viewerIp: string) => runInNewContext(`${code}\nhandler(event)`, { event: { request, viewer: { ip: viewerIp } } }) as { headers: Record<string, { value: string }> };

  it('runs on every /api/* request as a viewer-request function', () => {
    expect(api.FunctionAssociations).toEqual([{ EventType: 'viewer-request', FunctionARN: expect.anything() }]);
  });

  it('overwrites a viewer-address header the client forged with the address CloudFront accepted the connection from', () => {
    const forged = { method: 'GET', uri: '/api/p', headers: { [VIEWER_ADDRESS_HEADER]: { value: '127.0.0.1' }, 'x-forwarded-for': { value: '127.0.0.1' } } };
    expect(run(forged, '203.0.113.50').headers[VIEWER_ADDRESS_HEADER]).toEqual({ value: '203.0.113.50' });
    expect(run({ method: 'GET', uri: '/api/p', headers: {} }, '2001:db8::7').headers[VIEWER_ADDRESS_HEADER]).toEqual({ value: '2001:db8::7' });
  });
});

describe('the export behaviour\'s CloudFront Function (taken from the synthesized template)', () => {
  const { appTemplate } = synthStacks();
  const distribution = Object.values(appTemplate.findResources('AWS::CloudFront::Distribution'))[0]!.Properties.DistributionConfig;
  const exports = (distribution.CacheBehaviors as Array<Record<string, any>>).find((b) => b.PathPattern === EXPORT_PATH_PATTERN)!;
  const functionId = exports.FunctionAssociations[0].FunctionARN['Fn::GetAtt'][0] as string;
  const code = appTemplate.findResources('AWS::CloudFront::Function')[functionId]!.Properties.FunctionCode as string;
  const run = (headers: Record<string, { value: string }>, viewerIp = '203.0.113.50') =>
    runInNewContext(`${code}\nhandler(event)`, { event: { request: { method: 'GET', uri: '/api/studies/s/export', headers }, viewer: { ip: viewerIp } } }) as { headers: Record<string, { value: string }> };

  it('overwrites a forged viewer address, as on /api/*', () => {
    expect(run({ [VIEWER_ADDRESS_HEADER]: { value: '127.0.0.1' } }).headers[VIEWER_ADDRESS_HEADER]).toEqual({ value: '203.0.113.50' });
  });

  it('moves the viewer\'s Authorization aside (origin access control signs in that header), and drops a forwarded-authorization header the client sent itself', () => {
    const moved = run({ authorization: { value: 'Bearer abc' }, [FORWARDED_AUTHORIZATION_HEADER]: { value: 'Bearer forged' } }).headers;
    expect(moved[FORWARDED_AUTHORIZATION_HEADER]).toEqual({ value: 'Bearer abc' });
    expect(moved.authorization).toBeUndefined();
    expect(run({ [FORWARDED_AUTHORIZATION_HEADER]: { value: 'Bearer forged' } }).headers[FORWARDED_AUTHORIZATION_HEADER]).toBeUndefined();
  });
});

describe('tokens in the Lambdas\' logs', () => {
  it('a sign-in (staff API) and a participant\'s link requests (participant Lambda) (header and older path forms) leave no code or token in any log line', async () => {
    // A link for one of the demo study's participants, made the way the dispatcher makes them.
    const token = randomBytes(32).toString('base64url');
    const unsubscribe = randomBytes(32).toString('base64url');
    await repositories.links.put(cryptoSecrets.hash(token), { studyId: 'demo', code: 'P-9999', timepoint: 'baseline', createdAt: new Date().toISOString() });
    await repositories.links.putUnsubscribe(cryptoSecrets.hash(unsubscribe), { studyId: 'demo', code: 'P-9999', createdAt: new Date().toISOString() });
    const before = consoleLines.length;

    expect((await handler(event('POST', '/api/auth/login', { body: { email: 'edge@staff.test' } }), {})).statusCode).toBe(202);
    const { emails } = (await (await fetch(`${inject('sesEndpoint')}/store`)).json()) as { emails: Array<{ destination: { to: string[] }; body: { text: string } }> };
    const code = /#code=([\w-]+)/.exec(emails.filter((e) => e.destination.to.includes('edge@staff.test')).at(-1)!.body.text)![1]!;
    const verify = await handler(event('POST', '/api/auth/verify', { body: { code } }), {});
    expect(verify.statusCode).toBe(200);
    const session = (JSON.parse(verify.body) as { token: string }).token;
    expect((await handler(event('GET', '/api/auth/me', { headers: { authorization: `Bearer ${session}` } }), {})).statusCode).toBe(200);
    for (const request of [
      event('GET', '/api/p', { headers: { [LINK_TOKEN_HEADER]: token } }),
      event('GET', `/api/p/${token}`),
      event('PUT', `/api/p/${token}/answers`, { body: { answers: {} } }),
      event('GET', '/api/u', { headers: { [LINK_TOKEN_HEADER]: unsubscribe } }),
      event('POST', `/api/u/${unsubscribe}`),
      // An unhandled-error path: a body the JSON reader chokes on, addressed by token.
      { ...event('POST', `/api/p/${token}/submit`), body: '{"answers":', isBase64Encoded: false },
    ]) {
      // Sent where the HTTP API sends them in AWS: to the participant Lambda.
      await participantHandler(request, {});
    }
    expect((await handler(event('POST', '/api/auth/logout', { headers: { authorization: `Bearer ${session}` } }), {})).statusCode).toBe(204);

    const lines = consoleLines.slice(before);
    // Every request was logged, by route.
    expect(lines.filter((l) => l.includes('"msg":"request"')).length).toBeGreaterThanOrEqual(10);
    expect(lines).toEqual(expect.arrayContaining([expect.stringContaining('"route":"/api/p/:token"'), expect.stringContaining('"route":"/api/u/:token"')]));
    for (const secret of [code, session, token, unsubscribe]) expect(lines.filter((l) => l.includes(secret))).toEqual([]);
  });
});
