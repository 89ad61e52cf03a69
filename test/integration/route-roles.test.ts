import { beforeAll, describe, expect, it } from 'vitest';
import { rolesFor, type Capability } from '../../functions/core/auth/permissions';
import type { StaffRole } from '../../functions/core/auth/staff';
import { apiRoutes } from '../../functions/http/api-routes';
import type { RouteSpec } from '../../functions/http/define-route';
import { createTestContext, type TestContext } from '../helpers/test-context';

/**
 * Every staff endpoint × every role, from the same route declarations that the router and
 * /api/openapi.json are built from, against the roles the permissions module gives each route's
 * capability: a new endpoint is covered without anyone remembering to add it here.
 */
let t: TestContext;
let tokens: Record<StaffRole | 'other-study coordinator', string>;
let code: string;

beforeAll(async () => {
  t = await createTestContext({ now: '2026-03-02T10:00:00.000Z' });
  ({ code } = await t.invite());
  tokens = {
    admin: await t.signIn({ email: 'admin@roles.test', role: 'admin', studies: [] }),
    coordinator: await t.signIn({ email: 'coordinator@roles.test', role: 'coordinator', studies: ['demo'] }),
    analyst: await t.signIn({ email: 'analyst@roles.test', role: 'analyst', studies: ['demo'] }),
    'other-study coordinator': await t.signIn({ email: 'other@roles.test', role: 'coordinator', studies: ['another-study'] }),
  };
});

type StaffRoute = RouteSpec & { capability: Capability; roles: readonly StaffRole[] };
const staffRoutes = (): StaffRoute[] =>
  (apiRoutes as readonly RouteSpec[]).flatMap((r) => (r.capability === undefined ? [] : [{ ...r, capability: r.capability, roles: rolesFor(r.capability) }]));
const concrete = (route: RouteSpec) =>
  route.path
    .replace(':studyId', 'demo')
    .replace(':code', code)
    .replace(':timepoint', 'baseline')
    .replace(':email', encodeURIComponent('new-member@roles.test'))
    .replace(':jobId', 'no-such-job');
const call = (route: RouteSpec, token?: string) =>
  t.request(route.method.toUpperCase(), concrete(route), {
    ...(token ? { token } : {}),
    // An empty body: allowed callers may get a 400 for it, which is fine here.
    ...(route.method === 'get' ? {} : route.bodyMediaType ? { raw: '' } : { body: {} }),
  });

describe('every staff endpoint checks the role on the server', () => {
  it('documents a healthy number of staff endpoints', () => {
    expect(staffRoutes().length).toBeGreaterThanOrEqual(20);
  });

  it('answers 401 to anyone signed out, with a message that reveals nothing', async () => {
    for (const route of staffRoutes()) {
      const response = await call(route);
      expect(response.status, `${route.method} ${route.path}`).toBe(401);
      expect(await response.json()).toEqual({ error: { code: 'unauthorized', message: 'sign in required' } });
    }
  });

  for (const role of ['admin', 'coordinator', 'analyst'] as const) {
    it(`lets ${role} in exactly where the documented roles allow`, async () => {
      for (const route of staffRoutes()) {
        const response = await call(route, tokens[role]);
        const where = `${role} → ${route.method} ${route.path}: ${response.status}`;
        if (route.roles.includes(role)) expect([401, 403], where).not.toContain(response.status);
        else {
          expect(response.status, where).toBe(403);
          expect(await response.json()).toEqual({ error: { code: 'forbidden', message: 'not allowed for your role' } });
        }
        expect(response.status, where).toBeLessThan(500);
      }
    });
  }

  it("keeps a coordinator out of another study's endpoints", async () => {
    for (const route of staffRoutes().filter((r) => r.path.includes(':studyId'))) {
      const response = await call(route, tokens['other-study coordinator']);
      expect(response.status, `${route.method} ${route.path}`).toBe(403);
    }
  });
});
