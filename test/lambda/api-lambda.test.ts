import { randomBytes } from 'node:crypto';
import { beforeAll, describe, expect, it } from 'vitest';
import { inject } from 'vitest';
import { createDb } from '../../functions/adapters/dynamodb/client';
import { ensureTables } from '../../functions/adapters/dynamodb/create-tables';
import { createRepositories } from '../../functions/adapters/dynamodb/repositories';
import { createStaffRepository } from '../../functions/adapters/dynamodb/staff-repository';
import { cryptoSecrets } from '../../functions/adapters/system/crypto-secrets';
import { demoStudy } from '../../functions/demo/demo-study';
import { ORIGIN_SECRET_HEADER, VIEWER_ADDRESS_HEADER } from '../../functions/http/front-door';

interface V2Result {
  statusCode: number;
  headers?: Record<string, string>;
  cookies?: string[];
  body: string;
  isBase64Encoded: boolean;
}
type Handler = (event: unknown, context: unknown) => Promise<V2Result>;

let handler: Handler;
const sesEndpoint = () => inject('sesEndpoint');

const ORIGIN_SECRET = randomBytes(32).toString('base64url');

/** An API Gateway HTTP API (payload v2) event, as the $default stage sends it for a request CloudFront forwarded. */
function event(method: string, path: string, init: { body?: unknown; cookies?: string[]; base64?: boolean; headers?: Record<string, string> } = {}) {
  const raw = init.body === undefined ? undefined : JSON.stringify(init.body);
  return {
    version: '2.0',
    routeKey: '$default',
    rawPath: path,
    rawQueryString: '',
    ...(init.cookies ? { cookies: init.cookies } : {}),
    headers: {
      host: 'abc123.execute-api.eu-west-2.amazonaws.com',
      'content-type': 'application/json',
      'x-forwarded-proto': 'https',
      [ORIGIN_SECRET_HEADER]: ORIGIN_SECRET,
      [VIEWER_ADDRESS_HEADER]: '198.51.100.7',
      ...init.headers,
    },
    requestContext: {
      accountId: '123456789012',
      apiId: 'abc123',
      domainName: 'abc123.execute-api.eu-west-2.amazonaws.com',
      domainPrefix: 'abc123',
      http: { method, path, protocol: 'HTTP/1.1', sourceIp: '203.0.113.9', userAgent: 'vitest' },
      requestId: randomBytes(8).toString('hex'),
      routeKey: '$default',
      stage: '$default',
      time: new Date().toUTCString(),
      timeEpoch: Date.now(),
    },
    ...(raw === undefined ? {} : { body: init.base64 ? Buffer.from(raw).toString('base64') : raw, isBase64Encoded: Boolean(init.base64) }),
  };
}

beforeAll(async () => {
  const suffix = randomBytes(4).toString('hex');
  Object.assign(process.env, {
    TIMEPOINT_BASE_URL: 'https://d111.cloudfront.net',
    RESEARCH_TABLE: `lambda-research-${suffix}`,
    CONTACTS_TABLE: `lambda-contacts-${suffix}`,
    AWS_REGION: 'eu-west-2',
    DYNAMODB_ENDPOINT: inject('dynamoEndpoint'),
    SES_ENDPOINT: sesEndpoint(),
    TIMEPOINT_SYSTEM_SENDER: 'timepoint@trial.example',
    TIMEPOINT_ORIGIN_SECRET: ORIGIN_SECRET,
  });
  const db = createDb({ endpoint: inject('dynamoEndpoint'), region: 'eu-west-2' }, { research: process.env.RESEARCH_TABLE!, contacts: process.env.CONTACTS_TABLE! });
  await ensureTables(db);
  await createStaffRepository(db).put({ email: 'lambda@staff.test', name: 'L', role: 'coordinator', studies: ['demo'] });
  ({ handler } = (await import('../../functions/entrypoints/api-lambda')) as { handler: Handler });
});

describe('the API Lambda entry', () => {
  it('answers an HTTP API v2 event through the Hono app', async () => {
    const result = await handler(event('GET', '/api/health'), {});
    expect(result.statusCode).toBe(200);
    expect(JSON.parse(result.body)).toEqual({ ok: true });
  });

  it('reads base64-encoded bodies, sets the session cookie in v2 `cookies`, and accepts it back', async () => {
    const login = await handler(event('POST', '/api/auth/login', { body: { email: 'lambda@staff.test' }, base64: true }), {});
    expect(login.statusCode).toBe(202);
    const { emails } = (await (await fetch(`${sesEndpoint()}/store`)).json()) as { emails: Array<{ destination: { to: string[] }; body: { text: string } }> };
    const mail = emails.filter((e) => e.destination.to.includes('lambda@staff.test')).at(-1)!;
    expect(mail.body.text).toContain('https://d111.cloudfront.net/staff/sign-in#code=');
    const code = /#code=([\w-]+)/.exec(mail.body.text)![1];

    const verify = await handler(event('POST', '/api/auth/verify', { body: { code } }), {});
    expect(verify.statusCode).toBe(200);
    const cookie = (verify.cookies ?? []).find((c) => c.startsWith('tp_session='));
    expect(cookie).toMatch(/HttpOnly/);
    const me = await handler(event('GET', '/api/auth/me', { cookies: [cookie!.split(';')[0]!] }), {});
    expect(me.statusCode).toBe(200);
    expect(JSON.parse(me.body)).toMatchObject({ email: 'lambda@staff.test', role: 'coordinator' });
  });

  it('refuses, with 403 and before any route runs, a request that did not come through CloudFront (no origin secret, or a wrong one)', async () => {
    for (const headers of [{ [ORIGIN_SECRET_HEADER]: '' }, { [ORIGIN_SECRET_HEADER]: `${ORIGIN_SECRET}x` }, { [ORIGIN_SECRET_HEADER]: 'guess' }]) {
      const result = await handler(event('GET', '/api/health', { headers }), {});
      expect(result.statusCode).toBe(403);
      expect(JSON.parse(result.body)).toEqual({ error: { code: 'forbidden', message: 'this API is reachable only through the site’s own address' } });
    }
  });

  it('turns a malformed body into a 400, not a 500', async () => {
    const bad = { ...event('POST', '/api/auth/login'), body: '{"email":', isBase64Encoded: false };
    const result = await handler(bad, {});
    expect(result.statusCode).toBe(400);
    expect(JSON.parse(result.body)).toMatchObject({ error: { field: 'body' } });
  });
});

describe('the dispatcher Lambda entry', () => {
  it('runs one pass and reports what it did', async () => {
    const { handler: dispatch } = await import('../../functions/entrypoints/dispatcher-lambda');
    expect(await dispatch()).toEqual({ enrolmentsFinished: 0, planned: 0, followedUp: 0, expired: 0, sent: 0, skipped: 0, retried: 0, failed: 0, recovered: 0, auditsRecovered: 0, held: 0, leftAlone: 0, imported: 0, importErrors: 0, importsGivenUp: 0 });
  });

  it("enrols an import the API Lambda queued (202), and counts it as imported", async () => {
    const db = createDb({ endpoint: inject('dynamoEndpoint'), region: 'eu-west-2' }, { research: process.env.RESEARCH_TABLE!, contacts: process.env.CONTACTS_TABLE! });
    const repositories = createRepositories(db);
    await repositories.studies.createIfAbsent(demoStudy);
    const token = randomBytes(32).toString('base64url');
    const now = new Date();
    await repositories.staff.putSession(cryptoSecrets.hash(token), { email: 'lambda@staff.test', role: 'coordinator', studies: ['demo'], createdAt: now.toISOString(), expiresAt: new Date(now.getTime() + 3_600_000).toISOString() });
    const queued = await handler(
      { ...event('POST', '/api/studies/demo/participants/import', { headers: { 'content-type': 'text/csv', authorization: `Bearer ${token}` } }), body: 'email,arm\na@lambda.test,mbpm\nb@lambda.test,waitlist\nc@lambda.test,healthy\n', isBase64Encoded: false },
      {},
    );
    expect(queued.statusCode).toBe(202);
    const location = queued.headers?.location ?? queued.headers?.Location;
    const { handler: dispatch } = await import('../../functions/entrypoints/dispatcher-lambda');
    expect(await dispatch()).toMatchObject({ imported: 3, planned: 3 });
    const job = await handler(event('GET', location!, { headers: { authorization: `Bearer ${token}` } }), {});
    expect(JSON.parse(job.body)).toMatchObject({ status: 'done', rows: 3, enrolled: 3, failed: [] });
  });
});

describe('the SES feedback Lambda entry', () => {
  it('reads SES notifications out of SNS records, tolerating ones it cannot parse', async () => {
    const { handler: feedback } = await import('../../functions/entrypoints/ses-feedback-lambda');
    const record = (message: string) => ({ EventSource: 'aws:sns', Sns: { Type: 'Notification', TopicArn: 'arn:aws:sns:eu-west-2:123456789012:feedback', Message: message } });
    const result = await feedback({
      Records: [
        record(JSON.stringify({ eventType: 'Delivery', mail: { messageId: 'not-one-of-ours' } })),
        record('not json'),
        record(JSON.stringify({ eventType: 'Open', mail: { messageId: 'x' } })),
      ],
    });
    expect(result).toEqual({ outcomes: ['unknown-message', 'ignored', 'ignored'] });
  });
});
