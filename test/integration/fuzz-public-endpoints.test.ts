import { beforeAll, describe, expect, it } from 'vitest';
import { randomUUID } from 'node:crypto';
import { createApp } from '../../functions/http/app';
import { apiRoutes } from '../../functions/http/api-routes';
import { openApiDocument } from '../../functions/http/openapi';
import { createFuzzFixture, documentedEndpoints, fuzzEndpoint, identities, type FuzzFixture, type StatusTally } from '../helpers/fuzz-requests';

/**
 * Property-based fuzzing of every public endpoint in the API's OpenAPI document (sign-in and the
 * participant links) with malformed, oversized and hostile bodies, path tokens and headers, as an
 * anonymous client, as a participant holding real link and unsubscribe tokens, and as signed-in
 * staff of each role. What is generated and checked: test/helpers/fuzz-requests.ts.
 */

const endpoints = (await documentedEndpoints()).filter((e) => e.roles === undefined);
let fixture: FuzzFixture;
const tally: StatusTally = new Map();
beforeAll(async () => {
  fixture = await createFuzzFixture();
}, 60_000);

describe('fuzzing the public endpoints', () => {
  it('fuzzes what the served OpenAPI document lists, sign-in and participant links included', async () => {
    expect(await (await fixture.t.app.request('/api/openapi.json')).json()).toEqual(await openApiDocument(apiRoutes));
    expect(endpoints.map((e) => `${e.method} ${e.path}`)).toEqual(
      expect.arrayContaining(['POST /api/auth/login', 'POST /api/auth/verify', 'GET /api/p/{token}', 'POST /api/p/{token}/submit', 'PUT /api/p/{token}/answers', 'POST /api/u/{token}']),
    );
  });

  it.each(endpoints.map((e) => [`${e.method} ${e.path}`, e] as const))('%s: never a 5xx, every refusal a JSON error, and a refusal changes nothing', async (_, endpoint) => {
    await fuzzEndpoint(fixture, endpoint, identities, 15, tally);
  }, 60_000);

  it('undocumented and unknown paths answer the same way', async () => {
    for (const path of ['/api/health', '/api/openapi.json', '/api/nope', '/api/p', '/api/studies/demo/../../staff', '/api/%00', `/api/${'a'.repeat(10_000)}`]) {
      for (const method of ['GET', 'POST', 'DELETE', 'OPTIONS']) {
        const response = await fixture.t.app.request(path, { method, headers: { 'content-type': 'application/json' }, ...(method === 'POST' ? { body: '{' } : {}) });
        expect(response.status, `${method} ${path}`).toBeLessThan(500);
        if (response.status >= 400) expect(await response.json()).toMatchObject({ error: { message: expect.any(String) } });
      }
    }
  });

  it('the checks catch an app that changes state on a refusal, or refuses without a JSON error', async () => {
    const { t } = fixture;
    const link = endpoints.find((e) => e.method === 'GET' && e.path === '/api/p/{token}')!;
    // Broken on purpose: every link look-up leaves an audit entry behind, even for unknown links.
    const leaky = createApp({
      ...t.deps,
      links: { ...t.deps.links, get: async (hash) => (await t.deps.audit.append({ id: randomUUID(), scope: 'probe', at: t.clock.now().toISOString(), actor: 'x', action: 'x', target: 'x' }), t.deps.links.get(hash)) },
    });
    const failure = (run: Promise<unknown>) => run.then(() => 'passed', (error: Error) => `${error.message} ${String(error.cause)}`);
    expect(await failure(fuzzEndpoint(fixture, link, ['anonymous'], 5, new Map(), leaky))).toMatch(/changed the tables although it was refused/);
    const plain = { request: async () => new Response('no', { status: 400 }) };
    expect(await failure(fuzzEndpoint(fixture, link, ['anonymous'], 5, new Map(), plain))).toMatch(/expected 'text\/plain.*' to match/);
  });

  it('reached past validation: successes and several kinds of refusal were seen', () => {
    expect([...tally.keys()].some((s) => s < 300)).toBe(true);
    expect([...tally.keys()].filter((s) => s >= 400).length).toBeGreaterThanOrEqual(3);
  });
});
