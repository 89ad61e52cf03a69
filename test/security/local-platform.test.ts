import { DynamoDBClient, ListTablesCommand } from '@aws-sdk/client-dynamodb';
import { randomBytes } from 'node:crypto';
import { request as httpRequest } from 'node:http';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { LINK_TOKEN_HEADER } from '../../functions/http/link-token';
import { PROBE_LIMIT } from '../../functions/http/probing';
import type { Platform } from '../../scripts/local/platform';
import { startTestPlatform, waitForEmail } from '../e2e/platform';

/**
 * The local platform as `npm start` runs it (emulators, API, pages, dispatcher, demo studies),
 * attacked over real HTTP: DNS rebinding (hostile Host headers) against the app, the email inbox
 * and the embedded database; other web pages talking to the database and the inbox; tokens in
 * its logs; a forged X-Forwarded-For against the rate limiter.
 */

interface RawResponse {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  body: string;
}

/** An HTTP request with exactly the headers given (Host included, or none at all): what fetch will not send. */
function raw(url: string, init: { method?: string; headers?: Record<string, string>; body?: string } = {}): Promise<RawResponse> {
  const target = new URL(url);
  return new Promise((resolve, reject) => {
    const req = httpRequest(
      { host: target.hostname, port: target.port, path: `${target.pathname}${target.search}`, method: init.method ?? 'GET', headers: init.headers ?? {}, setHost: false },
      (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body: Buffer.concat(chunks).toString('utf8') }));
      },
    );
    req.on('error', reject);
    if (init.body !== undefined) req.write(init.body);
    req.end();
  });
}

let platform: Platform;
const logLines: string[] = [];
const consoleLines: string[] = [];
/** Every request line (path and query) sent during the flows below, as an access log would record it. */
const requestLines: string[] = [];
const port = () => new URL(platform.url).port;
const own = () => ({ host: `localhost:${port()}` });

beforeAll(async () => {
  for (const method of ['log', 'info', 'warn', 'error', 'debug'] as const) {
    vi.spyOn(console, method).mockImplementation((...args: unknown[]) => void consoleLines.push(args.map(String).join(' ')));
  }
  platform = await startTestPlatform(undefined, { log: (line) => logLines.push(line), logRequests: true });
}, 180_000);

afterAll(async () => {
  await platform?.stop();
  vi.restoreAllMocks();
});

const inboxCount = async () => ((await (await fetch(`${platform.inboxUrl}/store`)).json()) as { emails: unknown[] }).emails.length;

/** A request as a browser or the CLI would make it, its request line recorded. */
async function call(method: string, path: string, init: { headers?: Record<string, string>; body?: unknown } = {}) {
  requestLines.push(path);
  return fetch(`${platform.url}${path}`, {
    method,
    headers: { ...(init.body !== undefined ? { 'content-type': 'application/json' } : {}), ...init.headers },
    ...(init.body !== undefined ? { body: JSON.stringify(init.body) } : {}),
  });
}

describe('tokens in logs: a sign-in and a whole participant flow on the local platform', () => {
  const secrets: Record<string, string> = {};

  it('sign in, enrol, answer, submit, unsubscribe: no request line and no log line carries a token', async () => {
    // Staff sign-in: the code travels in the link's fragment and in the verify request's body.
    expect((await call('POST', '/api/auth/login', { body: { email: 'coordinator@example.org' } })).status).toBe(202);
    const signIn = await waitForEmail(platform, 'coordinator@example.org', /sign-in/i, 30_000);
    const signInLink = /(http:\/\/\S+)/.exec(signIn.body.text)![1]!;
    expect(signInLink).toMatch(/\/staff\/sign-in#code=[\w-]+$/);
    secrets.code = /#code=([\w-]+)/.exec(signInLink)![1]!;
    const verify = await call('POST', '/api/auth/verify', { body: { code: secrets.code } });
    expect(verify.status).toBe(200);
    secrets.session = ((await verify.json()) as { token: string }).token;
    const staff = { authorization: `Bearer ${secrets.session}` };

    const email = `logs-${randomBytes(4).toString('hex')}@participants.test`;
    expect((await call('POST', '/api/studies/demo/participants', { headers: staff, body: { email, arm: 'mbpm' } })).status).toBe(201);
    const invitation = await waitForEmail(platform, email, /./, 60_000);

    // The emailed links carry their tokens only after '#', which browsers never send.
    const link = new URL(/(http:\/\/\S+\/p\/\S*)/.exec(invitation.body.text)![1]!);
    const unsubscribeLink = new URL(/(http:\/\/\S+\/u\/\S*)/.exec(invitation.body.text)![1]!);
    expect(link.pathname).toBe('/p/');
    expect(unsubscribeLink.pathname).toBe('/u/');
    secrets.link = link.hash.slice(1);
    secrets.unsubscribe = unsubscribeLink.hash.slice(1);
    expect(secrets.link).toMatch(/^[\w-]{43}$/);
    expect(secrets.unsubscribe).toMatch(/^[\w-]{43}$/);

    // What the participant page does: load the page (the fragment stays in the browser), then the API with the token in a header.
    expect((await call('GET', link.pathname)).status).toBe(200);
    const participant = { [LINK_TOKEN_HEADER]: secrets.link };
    const view = await call('GET', '/api/p', { headers: participant });
    expect(view.status).toBe(200);
    expect(((await view.json()) as { status: string }).status).toBe('open');
    const answers = { PHQ9_1: 1, PHQ9_2: 1, PHQ9_3: 1, PHQ9_4: 1, PHQ9_5: 1, PHQ9_6: 1, PHQ9_7: 1, PHQ9_8: 1, PHQ9_9: 0 };
    expect((await call('PUT', '/api/p/answers', { headers: participant, body: { answers } })).status).toBe(200);
    const gad = Object.fromEntries(Array.from({ length: 7 }, (_, i) => [`GAD7_${i + 1}`, 0]));
    const peg = { PEG_1: 3, PEG_2: 3, PEG_3: 3 };
    expect((await call('POST', '/api/p/submit', { headers: participant, body: { answers: { ...answers, ...gad, ...peg } } })).status).toBe(200);
    expect((await call('GET', unsubscribeLink.pathname)).status).toBe(200);
    const unsubscribe = { [LINK_TOKEN_HEADER]: secrets.unsubscribe };
    expect((await call('GET', '/api/u', { headers: unsubscribe })).status).toBe(200);
    expect((await call('POST', '/api/u', { headers: unsubscribe })).status).toBe(200);
    expect((await call('POST', '/api/auth/logout', { headers: staff })).status).toBe(204);

    const tokens = Object.values(secrets);
    expect(tokens).toHaveLength(4);
    expect(requestLines.filter((line) => tokens.some((token) => line.includes(token)))).toEqual([]);
    // The request log saw every one of those requests, by route.
    expect(logLines).toEqual(expect.arrayContaining([expect.stringMatching(/^GET \/api\/p 200 \d+ ms$/), expect.stringMatching(/^POST \/api\/p\/submit 200 \d+ ms$/), expect.stringMatching(/^POST \/api\/auth\/verify 200 \d+ ms$/)]));
    expect([...logLines, ...consoleLines].filter((line) => tokens.some((token) => line.includes(token)))).toEqual([]);
  });

  it('links emailed in the older form still work, and even their requests leave no token in the log', async () => {
    const tokens = [secrets.link!, secrets.unsubscribe!];
    const before = logLines.length;
    // The page for /p/<token> (the page itself then moves the token into the fragment), and its API in the path form.
    const page = await raw(`${platform.url}/p/${secrets.link}`, { headers: own() });
    expect(page.status).toBe(200);
    expect(page.body).toContain('<title>Your questionnaires</title>');
    const view = await fetch(`${platform.url}/api/p/${secrets.link}`);
    expect(((await view.json()) as { status: string }).status).toBe('completed');
    // RFC 8058 one-click unsubscribe: the mail client POSTs to the URL in List-Unsubscribe, token in the path.
    const oneClick = await fetch(`${platform.url}/api/u/${secrets.unsubscribe}`, { method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded' }, body: 'List-Unsubscribe=One-Click' });
    expect(oneClick.status).toBe(200);
    const lines = logLines.slice(before);
    expect(lines).toEqual(expect.arrayContaining([expect.stringMatching(/^GET \/p\/\* 200/), expect.stringMatching(/^GET \/api\/p\/:token 200/), expect.stringMatching(/^POST \/api\/u\/:token 200/)]));
    expect([...lines, ...consoleLines].filter((line) => tokens.some((token) => line.includes(token)))).toEqual([]);
  });
});

describe('DNS rebinding: hostile Host headers', () => {
  const hostile = ['evil.example', 'evil.example:3000', 'localhost.evil.example', '127.0.0.1.nip.io', 'rebind.127.0.0.1.evil.example:80', '169.254.169.254', '10.0.0.5:3000', '[::2]', '0.0.0.0'];

  it.each(hostile)('the app refuses Host %j with 421, pages and API alike, and a sign-in request sends nothing', async (host) => {
    const emails = await inboxCount();
    for (const path of ['/', '/p/', '/api/health', '/api/openapi.json']) {
      const response = await raw(`${platform.url}${path}`, { headers: { host } });
      expect(response.status, path).toBe(421);
    }
    const login = await raw(`${platform.url}/api/auth/login`, { method: 'POST', headers: { host, 'content-type': 'application/json' }, body: JSON.stringify({ email: 'coordinator@example.org' }) });
    expect(login.status).toBe(421);
    expect(JSON.parse(login.body)).toMatchObject({ error: { code: 'misdirected' } });
    await new Promise((r) => setTimeout(r, 300));
    expect(await inboxCount()).toBe(emails);
  });

  it('the app refuses a request with no Host at all', async () => {
    expect([400, 421]).toContain((await raw(`${platform.url}/api/health`)).status);
  });

  it('the app answers its own origin and the loopback names', async () => {
    for (const host of [`localhost:${port()}`, `127.0.0.1:${port()}`, `[::1]:${port()}`, 'localhost']) {
      expect((await raw(`${platform.url}/api/health`, { headers: { host } })).status, host).toBe(200);
    }
  });

  it.each(hostile)('the email inbox refuses Host %j with 421 and keeps its mail', async (host) => {
    const emails = await inboxCount();
    expect(emails).toBeGreaterThan(0);
    expect((await raw(`${platform.inboxUrl}/`, { headers: { host } })).status).toBe(421);
    expect((await raw(`${platform.inboxUrl}/store`, { headers: { host } })).status).toBe(421);
    expect((await raw(`${platform.inboxUrl}/clear-store`, { method: 'POST', headers: { host } })).status).toBe(421);
    expect(await inboxCount()).toBe(emails);
  });

  it.each(hostile)('the embedded database refuses Host %j with 421', async (host) => {
    const response = await raw(platform.dynamoEndpoint, {
      method: 'POST',
      headers: { host, 'content-type': 'application/x-amz-json-1.0', 'x-amz-target': 'DynamoDB_20120810.ListTables', authorization: 'AWS4-HMAC-SHA256 Credential=a/20260302/eu-west-2/dynamodb/aws4_request, SignedHeaders=host, Signature=0' },
      body: '{}',
    });
    expect(response.status).toBe(421);
    expect(response.body).not.toContain('TableNames');
  });
});

describe('other web pages talking to the local services', () => {
  const listTables = (headers: Record<string, string>) =>
    raw(platform.dynamoEndpoint, {
      method: 'POST',
      headers: { host: new URL(platform.dynamoEndpoint).host, 'content-type': 'application/x-amz-json-1.0', 'x-amz-target': 'DynamoDB_20120810.ListTables', authorization: 'AWS4-HMAC-SHA256 Credential=a/20260302/eu-west-2/dynamodb/aws4_request, SignedHeaders=host, Signature=0', ...headers },
      body: '{}',
    });

  it('the database answers no browser: a page on another origin can neither read it nor get a CORS grant', async () => {
    const preflight = await raw(platform.dynamoEndpoint, {
      method: 'OPTIONS',
      headers: { host: new URL(platform.dynamoEndpoint).host, origin: 'https://evil.example', 'access-control-request-method': 'POST', 'access-control-request-headers': 'x-amz-target,content-type,authorization' },
    });
    expect(preflight.status).toBe(403);
    expect(preflight.headers['access-control-allow-origin']).toBeUndefined();
    for (const origin of ['https://evil.example', 'null', `http://localhost:${port()}`]) {
      const tables = await listTables({ origin });
      expect(tables.status, origin).toBe(403);
      expect(tables.body).not.toContain('TableNames');
    }
  });

  it('a client that is no browser (the platform’s own SDK, which sends no Origin) is still answered', async () => {
    const client = new DynamoDBClient({ region: 'eu-west-2', endpoint: platform.dynamoEndpoint, credentials: { accessKeyId: 'local', secretAccessKey: 'local' } });
    expect((await client.send(new ListTablesCommand({}))).TableNames?.length).toBeGreaterThan(0);
    client.destroy();
  });

  it('the inbox refuses a cross-site request to clear it, and keeps serving its own page', async () => {
    const emails = await inboxCount();
    const inboxHost = new URL(platform.inboxUrl).host;
    const forged = await raw(`${platform.inboxUrl}/clear-store`, { method: 'POST', headers: { host: inboxHost, origin: 'https://evil.example', 'content-type': 'text/plain' }, body: 'x' });
    expect(forged.status).toBe(403);
    expect(await inboxCount()).toBe(emails);
    expect((await raw(`${platform.inboxUrl}/`, { headers: { host: inboxHost } })).status).toBe(200);
  });
});

// Last in this file: from here on the platform refuses link look-ups from this machine for a while.
describe('a forged X-Forwarded-For against the rate limiter', () => {
  it('cannot move the limiter\'s key: the socket\'s address is counted whatever the header says', async () => {
    const statuses: number[] = [];
    for (let i = 0; i <= PROBE_LIMIT + 1; i++) {
      const response = await fetch(`${platform.url}/api/p`, { headers: { [LINK_TOKEN_HEADER]: randomBytes(32).toString('base64url'), 'x-forwarded-for': `198.51.100.${i}, 203.0.113.${i}` } });
      statuses.push(response.status);
    }
    expect(statuses.slice(0, PROBE_LIMIT)).toEqual(Array(PROBE_LIMIT).fill(404));
    expect(statuses.slice(PROBE_LIMIT)).toEqual([429, 429]);
  });
});
