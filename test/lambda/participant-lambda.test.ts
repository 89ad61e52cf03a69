import { randomBytes } from 'node:crypto';
import { beforeAll, describe, expect, inject, it } from 'vitest';
import { consentTextHash } from '../../functions/core/consent/consent-text';
import { ORIGIN_SECRET_HEADER, VIEWER_ADDRESS_HEADER } from '../../functions/http/front-door';
import { LINK_TOKEN_HEADER } from '../../functions/http/link-token';
import { JOIN_ACCEPTED } from '../../functions/use-cases/self-enrol';
import { consentText, joinStudy } from '../helpers/allocation-study';
import { createTestContext, type TestContext } from '../helpers/test-context';

interface V2Result {
  statusCode: number;
  headers?: Record<string, string>;
  body: string;
}
type Handler = (event: unknown, context: unknown) => Promise<V2Result>;

const ORIGIN_SECRET = randomBytes(32).toString('base64url');

/** An HTTP API (payload v2) event, as the participant routes send it for a request CloudFront forwarded. */
function event(method: string, path: string, init: { body?: unknown; headers?: Record<string, string> } = {}) {
  const routeKey = `ANY /api/${path.split('/')[2]}/{proxy+}`;
  return {
    version: '2.0',
    routeKey,
    rawPath: path,
    rawQueryString: '',
    headers: {
      host: 'abc123.execute-api.eu-west-2.amazonaws.com',
      'content-type': 'application/json',
      'x-forwarded-proto': 'https',
      [ORIGIN_SECRET_HEADER]: ORIGIN_SECRET,
      [VIEWER_ADDRESS_HEADER]: '198.51.100.8',
      ...init.headers,
    },
    requestContext: {
      accountId: '123456789012',
      apiId: 'abc123',
      domainName: 'abc123.execute-api.eu-west-2.amazonaws.com',
      domainPrefix: 'abc123',
      http: { method, path, protocol: 'HTTP/1.1', sourceIp: '64.252.70.1', userAgent: 'vitest' },
      requestId: randomBytes(8).toString('hex'),
      routeKey,
      stage: '$default',
      time: new Date().toUTCString(),
      timeEpoch: Date.now(),
    },
    ...(init.body === undefined ? {} : { body: JSON.stringify(init.body), isBase64Encoded: false }),
  };
}

const complete = {
  PHQ9_1: 1, PHQ9_2: 2, PHQ9_3: 1, PHQ9_4: 1, PHQ9_5: 0, PHQ9_6: 1, PHQ9_7: 2, PHQ9_8: 0, PHQ9_9: 0, PHQ9_10: 1,
  GAD7_1: 1, GAD7_2: 1, GAD7_3: 0, GAD7_4: 0, GAD7_5: 2, GAD7_6: 1, GAD7_7: 0,
  PEG_1: 7, PEG_2: 5, PEG_3: 6,
};

/** Noon UTC of the latest day whose noon has passed: the invitation is due then, and the Lambda (on the real clock) finds the link open. */
const lastNoon = () => {
  const noon = new Date();
  noon.setUTCHours(12, 0, 0, 0);
  if (noon.getTime() > Date.now()) noon.setUTCDate(noon.getUTCDate() - 1);
  return noon.toISOString();
};

let t: TestContext;
let handler: Handler;

beforeAll(async () => {
  // Participants are enrolled and invited through a test context; the Lambda entry is then pointed at the same tables.
  t = await createTestContext({ now: lastNoon() });
  await t.deps.studies.createIfAbsent(joinStudy());
  await t.deps.consents.publishVersion({ studyId: 'open-rct', version: '1', text: { en: consentText }, hashes: { en: consentTextHash(consentText) }, publishedAt: '2026-01-01T00:00:00.000Z' });
  Object.assign(process.env, {
    TIMEPOINT_BASE_URL: 'https://d111.cloudfront.net',
    RESEARCH_TABLE: t.db.tables.research,
    CONTACTS_TABLE: t.db.tables.contacts,
    AWS_REGION: 'eu-west-2',
    DYNAMODB_ENDPOINT: inject('dynamoEndpoint'),
    SES_ENDPOINT: inject('sesEndpoint'),
    TIMEPOINT_SYSTEM_SENDER: 'timepoint@trial.example',
    TIMEPOINT_ORIGIN_SECRET: ORIGIN_SECRET,
  });
  ({ handler } = (await import('../../functions/entrypoints/participant-lambda')) as { handler: Handler });
});

const json = (result: V2Result) => JSON.parse(result.body) as Record<string, any>;

describe('the participant Lambda entry', () => {
  it('opens a link, saves answers and takes a submission, in both the header and the path forms', async () => {
    const { token } = await t.invite();
    const link = { [LINK_TOKEN_HEADER]: token };
    const opened = await handler(event('GET', '/api/p', { headers: link }), {});
    expect(opened.statusCode).toBe(200);
    expect(json(opened)).toMatchObject({ study: { id: 'demo' }, timepoint: { id: 'baseline' }, status: 'open' });
    expect(opened.headers?.['cache-control']).toBe('no-store');

    const saved = await handler(event('PUT', '/api/p/answers', { headers: link, body: { answers: { PHQ9_1: 1 } } }), {});
    expect(saved.statusCode).toBe(200);
    expect(json(await handler(event('GET', `/api/p/${token}`), {}))).toMatchObject({ status: 'started', answers: { PHQ9_1: 1 } });

    // An incomplete submission is checked by SurveyJS itself (loaded on first use) and refused, naming the item.
    const incomplete = await handler(event('POST', '/api/p/submit', { headers: link, body: { answers: { ...complete, PHQ9_4: null } } }), {});
    expect(incomplete.statusCode).toBe(400);
    expect(json(incomplete).error.field).toBe('answers.PHQ9_4');

    const submitted = await handler(event('POST', '/api/p/submit', { headers: link, body: { answers: complete } }), {});
    expect(submitted.statusCode).toBe(200);
    expect(json(submitted)).toMatchObject({ status: 'completed' });
    expect(json(await handler(event('GET', '/api/p', { headers: link }), {}))).toMatchObject({ status: 'completed' });
  });

  it('reads and acts on an unsubscribe link', async () => {
    const { email } = await t.invite();
    const [invitation] = await t.inbox(email);
    const unsubscribe = /\/u\/#([A-Za-z0-9_-]+)/.exec(invitation!.body.text)?.[1] ?? /\/api\/u\/([A-Za-z0-9_-]+)/.exec(JSON.stringify(invitation))?.[1];
    expect(unsubscribe).toBeDefined();
    const headers = { [LINK_TOKEN_HEADER]: unsubscribe! };
    expect(json(await handler(event('GET', '/api/u', { headers }), {}))).toMatchObject({ study: expect.anything(), unsubscribed: false });
    const result = await handler(event('POST', '/api/u', { headers }), {});
    expect(result.statusCode).toBe(200);
    expect(json(result)).toMatchObject({ unsubscribed: true });
  });

  it('serves the public join link: the screener, and an eligible request answered 202 with a verification email', async () => {
    const page = await handler(event('GET', '/api/join/open-rct'), {});
    expect(page.statusCode).toBe(200);
    expect(json(page)).toMatchObject({ study: { id: 'open-rct' } });
    const email = t.uniqueEmail('lambda-joiner');
    const request = await handler(event('POST', '/api/join/open-rct', { body: { email, language: 'en', timezone: 'Europe/Paris', answers: { chronic_pain: true, age: 42, site: 'lyon' } } }), {});
    expect(request.statusCode).toBe(202);
    expect(json(request)).toEqual(JOIN_ACCEPTED);
    expect((await t.inbox(email))[0]!.body.text).toMatch(/#verify=/);
  });

  it('serves no staff route, no health check and no OpenAPI document: they are "unknown endpoint" here', async () => {
    for (const [method, path] of [['GET', '/api/health'], ['GET', '/api/openapi.json'], ['POST', '/api/auth/login'], ['GET', '/api/studies/demo/export'], ['GET', '/api/studies']]) {
      const result = await handler(event(method!, path!, method === 'POST' ? { body: { email: 'x@staff.test' } } : {}), {});
      expect(result.statusCode, path).toBe(404);
      expect(json(result)).toMatchObject({ error: { code: 'not_found' } });
    }
  });

  it('turns a malformed body into a 400 naming the body, not a 500', async () => {
    const { token } = await t.invite();
    const bad = { ...event('POST', '/api/p/submit', { headers: { [LINK_TOKEN_HEADER]: token } }), body: '{"answers":', isBase64Encoded: false };
    const result = await handler(bad, {});
    expect(result.statusCode).toBe(400);
    expect(json(result)).toMatchObject({ error: { field: 'body' } });
  });
});
