import { describe, expect, it } from 'vitest';
import { apiRoutes, staffApiRoutes } from '../../functions/http/api-routes';
import type { RouteSpec } from '../../functions/http/define-route';
import { openApiDocument } from '../../functions/http/openapi';
import { publicRoutes } from '../../functions/http/participant-app';
import { urlOf } from '../../web/src/console/lib/client';

const routes = apiRoutes as readonly RouteSpec[];
const document = (await openApiDocument(routes)) as { paths: Record<string, Record<string, { parameters?: Array<{ name: string; in: string }>; 'x-capability'?: string; 'x-roles'?: string[] }>> };

describe('route declarations', () => {
  it('declare each method and path once', () => {
    const keys = routes.map((r) => `${r.method} ${r.path}`);
    expect(keys.filter((k, n) => keys.indexOf(k) !== n)).toEqual([]);
  });

  it('spell parameters one way (:name), which the OpenAPI document writes as {name} with a path parameter each', () => {
    for (const route of routes) {
      expect(route.path, route.path).not.toMatch(/[{}]/);
      const operation = document.paths[route.path.replace(/:(\w+)/g, '{$1}')]?.[route.method];
      expect(operation, `${route.method} ${route.path}`).toBeDefined();
      const names = [...route.path.matchAll(/:(\w+)/g)].map((m) => m[1]);
      expect(operation!.parameters?.filter((p) => p.in === 'path').map((p) => p.name) ?? [], route.path).toEqual(names);
    }
    expect(Object.values(document.paths).reduce((n, ops) => n + Object.keys(ops).length, 0)).toBe(routes.length);
  });

  it('keep every public route (no capability) under the participant Lambda’s paths, and every staff route off them', () => {
    const participantPaths = /^\/api\/(p|u|join)(\/|$)/;
    for (const route of publicRoutes as readonly RouteSpec[]) {
      expect(route.capability, route.path).toBeUndefined();
      expect(route.path).toMatch(participantPaths);
    }
    for (const route of staffApiRoutes as readonly RouteSpec[]) expect(route.path, route.path).not.toMatch(participantPaths);
  });

  it('document who may call each staff operation: its capability and the roles that have it', () => {
    const me = document.paths['/api/auth/me']!.get!;
    expect(me['x-capability']).toBe('studies.read');
    expect(me['x-roles']).toEqual(['admin', 'coordinator', 'analyst']);
    const allocation = document.paths['/api/studies/{studyId}/allocation']!.get!;
    expect([allocation['x-capability'], allocation['x-roles']]).toEqual(['allocation.manage', ['admin']]);
    expect(document.paths['/api/p']!.get!['x-roles']).toBeUndefined();
  });
});

describe("the console's typed client", () => {
  it('fills in and escapes path parameters, and leaves unset query values out', () => {
    expect(urlOf('get', '/api/studies/:studyId/participants/:code/consent', { params: { studyId: 'a b', code: 'P/1' }, query: { version: undefined } })).toBe(
      '/api/studies/a%20b/participants/P%2F1/consent',
    );
    expect(urlOf('get', '/api/studies/:studyId/audit', { params: { studyId: 'demo' }, query: { actor: 'staff:', action: '', from: '2026-01-01T00:00:00.000Z' } })).toBe(
      '/api/studies/demo/audit?actor=staff%3A&from=2026-01-01T00%3A00%3A00.000Z',
    );
  });
});
