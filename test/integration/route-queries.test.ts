import { beforeAll, describe, expect, it } from 'vitest';
import type * as z from 'zod';
import { apiRoutes } from '../../functions/http/api-routes';
import { querySchemaOf, type RouteSpec } from '../../functions/http/define-route';
import { createTestContext, type TestContext } from '../helpers/test-context';

/**
 * The query parameters a route declares are checked by the router before its handler runs, from
 * the same declarations the OpenAPI document is written from: a value the declaration does not
 * allow is a 400 naming the parameter and changes nothing, never a default silently taken.
 */
let t: TestContext;
let admin: string;
let coordinator: string;
let code: string;

beforeAll(async () => {
  t = await createTestContext({ now: '2026-03-02T10:00:00.000Z' });
  ({ code } = await t.invite());
  admin = await t.signIn({ email: 'admin@queries.test', role: 'admin', studies: [] });
  coordinator = await t.signIn({ email: 'coordinator@queries.test', role: 'coordinator', studies: ['demo'] });
});

/** Each route's query schema, resolved as the router resolves it (a declaration may name it by a function that imports it). */
const queries = new Map(await Promise.all((apiRoutes as readonly RouteSpec[]).map(async (route) => [route, await querySchemaOf(route)] as const)));
const shapeOf = (route: RouteSpec) => queries.get(route)?.shape ?? {};

const concrete = (route: RouteSpec) => route.path.replace(':studyId', 'demo').replace(':code', code).replace(':timepoint', 'baseline').replace(':jobId', 'no-such-job');

/** The declared parameters whose values are a closed list (an enum, possibly optional): a value outside it must be refused. */
const closedParameters = (route: RouteSpec): string[] =>
  Object.entries(shapeOf(route)).flatMap(([name, schema]) => {
    let def = (schema as z.ZodType)._zod.def as { type: string; innerType?: z.ZodType };
    while (def.innerType && (def.type === 'optional' || def.type === 'default')) def = def.innerType._zod.def as typeof def;
    return def.type === 'enum' ? [name] : [];
  });

/** Values for the parameters a route needs besides the one under test (a preview needs its timepoint). */
const required: Record<string, string> = { timepoint: 'baseline' };
const queryWith = (route: RouteSpec, name: string, value: string) =>
  new URLSearchParams({ ...Object.fromEntries(Object.keys(shapeOf(route)).filter((n) => n in required).map((n) => [n, required[n]!])), [name]: value }).toString();

const routesWithClosedParameters = (apiRoutes as readonly RouteSpec[]).filter((r) => closedParameters(r).length > 0);
const auditEntries = async () => ((await (await t.request('GET', '/api/studies/demo/audit', { token: admin })).json()) as { entries: unknown[] }).entries.length;
const participantCount = async () => ((await (await t.request('GET', '/api/studies/demo/participants', { token: coordinator })).json()) as unknown[]).length;

describe('query parameters are checked against their route declaration', () => {
  it('finds the routes that declare a closed list of values (the import dry run, exports, summaries, previews)', () => {
    expect(routesWithClosedParameters.length).toBeGreaterThanOrEqual(3);
    expect(routesWithClosedParameters.map((r) => r.path)).toEqual(expect.arrayContaining(['/api/studies/:studyId/participants/import', '/api/studies/:studyId/export', '/api/studies/:studyId/summary']));
  });

  it.each(routesWithClosedParameters.flatMap((r) => closedParameters(r).map((name) => [`${r.method} ${r.path}`, name, r] as const)))(
    '%s refuses a %s outside its declared values with a 400 naming it',
    async (_, name, route) => {
      const before = await auditEntries();
      const response = await t.request(route.method.toUpperCase(), `${concrete(route)}?${queryWith(route, name, 'not-a-choice')}`, {
        token: admin,
        ...(route.method === 'get' ? {} : route.bodyMediaType ? { raw: 'email,arm\n' } : { body: {} }),
      });
      expect(response.status).toBe(400);
      expect(await response.json()).toMatchObject({ error: { code: 'bad_request', field: name, message: expect.stringMatching(new RegExp(`^${name}: must be one of: `)) } });
      expect(await auditEntries()).toBe(before);
    },
  );

  it('an import whose dry-run flag is misspelt imports nothing (it is not taken for a real import)', async () => {
    const before = await participantCount();
    const csv = `email,arm\nmisspelt-dry-run-${Date.now()}@example.org,mbpm\n`;
    for (const value of ['yes', 'TRUE', '1', '']) {
      const response = await t.app.request(`/api/studies/demo/participants/import?dryRun=${value}`, { method: 'POST', headers: { authorization: `Bearer ${coordinator}`, 'content-type': 'text/csv' }, body: csv });
      expect(response.status, `dryRun=${value}`).toBe(400);
      expect(await response.json()).toMatchObject({ error: { field: 'dryRun', message: 'dryRun: must be one of: true, false' } });
    }
    expect(await participantCount()).toBe(before);
    const dryRun = await t.app.request('/api/studies/demo/participants/import?dryRun=true', { method: 'POST', headers: { authorization: `Bearer ${coordinator}`, 'content-type': 'text/csv' }, body: csv });
    expect(dryRun.status).toBe(200);
    expect(await participantCount()).toBe(before);
  });

  it('a declared parameter given twice is refused rather than one of the two guessed at', async () => {
    const before = await auditEntries();
    const response = await t.request('GET', '/api/studies/demo/export?format=long&format=fhir', { token: admin });
    expect(response.status).toBe(400);
    expect(await response.json()).toMatchObject({ error: { code: 'bad_request', field: 'format', message: 'format: is given more than once' } });
    expect(await auditEntries()).toBe(before);
  });

  it('the check comes after the role check: a signed-out caller learns nothing about the parameters', async () => {
    const response = await t.request('GET', '/api/studies/demo/export?format=not-a-choice');
    expect(response.status).toBe(401);
  });

  it('allowed values and parameters the route does not name still pass', async () => {
    const response = await t.request('GET', '/api/studies/demo/summary?format=json&include_test=1&_=1733616000', { token: admin });
    expect(response.status).toBe(200);
  });
});
