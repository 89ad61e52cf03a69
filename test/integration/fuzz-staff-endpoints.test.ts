import { beforeAll, describe, expect, it } from 'vitest';
import { createFuzzFixture, documentedEndpoints, fuzzEndpoint, identities, type FuzzFixture, type StatusTally } from '../helpers/fuzz-requests';

/**
 * Property-based fuzzing of every staff endpoint in the API's OpenAPI document with malformed,
 * oversized and hostile bodies, path parameters (traversal, unicode, very long), query strings and
 * headers (bad cookies, bad Authorization, huge headers), as an anonymous client, as a participant
 * (trying their link token as a bearer token) and as signed-in staff of each role. What is
 * generated and checked: test/helpers/fuzz-requests.ts. Fewer runs per endpoint than the public
 * file: there are many more endpoints, and authorisation rejects most identities early anyway.
 */

const endpoints = (await documentedEndpoints()).filter((e) => e.roles !== undefined);
let fixture: FuzzFixture;
const tally: StatusTally = new Map();
beforeAll(async () => {
  fixture = await createFuzzFixture();
}, 60_000);

describe('fuzzing the staff endpoints', () => {
  it('covers every documented staff endpoint', () => {
    expect(endpoints.length).toBeGreaterThanOrEqual(25);
  });

  it.each(endpoints.map((e) => [`${e.method} ${e.path}`, e] as const))('%s: never a 5xx, every refusal a JSON error, and a refusal changes nothing', async (_, endpoint) => {
    await fuzzEndpoint(fixture, endpoint, identities, Number(process.env.FUZZ_RUNS ?? 8), tally);
  }, 60_000);

  it('a path parameter longer than any id answers 404 as JSON, not a database error about key size', async () => {
    for (const endpoint of endpoints.filter((e) => e.params.length > 0)) {
      const path = endpoint.path.replace(/\{\w+\}/g, () => 'a'.repeat(1_500));
      const response = await fixture.t.app.request(path, { method: endpoint.method, headers: { authorization: `Bearer ${fixture.bearer.admin}`, 'content-type': 'application/json' }, ...(endpoint.method === 'GET' ? {} : { body: '{}' }) });
      expect(response.status, `${endpoint.method} ${endpoint.path}`).toBe(404);
      expect(await response.json()).toMatchObject({ error: { code: 'not_found' } });
    }
  });

  it('a CSV import with bad rows is refused in the same error envelope, with the report', async () => {
    const response = await fixture.t.app.request('/api/studies/demo/participants/import', { method: 'POST', headers: { authorization: `Bearer ${fixture.bearer.coordinator}`, 'content-type': 'text/csv' }, body: 'email,arm\nnot-an-email,mbpm\n' });
    expect(response.status).toBe(400);
    expect(await response.json()).toMatchObject({
      error: { code: 'bad_request', message: '1 row has problems: nothing was imported (row 1: email: is not an email address)', details: [{ field: 'row 1: email' }] },
      invalid: 1,
      rows: [{ row: 1, problems: [{ column: 'email' }] }],
    });
  });

  it('a CSV row with an overlong participant code is reported, not a database error (found by fuzzing)', async () => {
    const csv = `email,arm,code\nsomeone-${Date.now()}@example.org,mbpm,${'x'.repeat(5_000)}\n`;
    const response = await fixture.t.app.request('/api/studies/demo/participants/import?dryRun=true', { method: 'POST', headers: { authorization: `Bearer ${fixture.bearer.coordinator}`, 'content-type': 'text/csv' }, body: csv });
    expect(response.status).toBe(400);
    expect(await response.json()).toMatchObject({ rows: [{ problems: [{ column: 'code' }] }] });
  });

  it('reached past authorisation and validation: successes and several kinds of refusal were seen', () => {
    expect([...tally.keys()].some((s) => s < 300)).toBe(true);
    expect([...tally.keys()].filter((s) => s >= 400)).toEqual(expect.arrayContaining([400, 401, 403, 404]));
  });
});
