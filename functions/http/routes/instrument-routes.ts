import { Hono } from 'hono';
import { requireStaff } from '../auth';
import type { AppDeps, AppEnv } from '../env';
import { documented } from '../openapi';

const list = documented({
  method: 'get',
  path: '/api/instruments',
  tag: 'Instruments',
  summary: 'The instrument catalogue: id, version, name, scales, licence and whether the wording ships (for building a battery)',
  roles: ['admin', 'coordinator', 'analyst'],
  responses: { 200: '{instruments: [{id, version, name, items, scales: [{id, label}], licence: {category, holder}, textIncluded}]}' },
});

/** The installed instruments, as a coordinator picks them for a timepoint's battery. */
export function instrumentRoutes(deps: AppDeps) {
  return new Hono<AppEnv>().get('/', requireStaff(deps, list.roles), (c) =>
    c.json({
      instruments: deps.catalogue.list().map(({ id, version, scoring }) => ({
        id,
        version,
        name: scoring.name,
        items: scoring.items.length,
        scales: scoring.scales.map((s) => ({ id: s.id, label: s.label })),
        licence: { category: scoring.licence.category, holder: scoring.licence.holder },
        textIncluded: scoring.licence.textIncluded,
      })),
    }),
  );
}
