import { Hono } from 'hono';
import { catalogueEntry } from '../../core/catalogue/catalogue-entry';
import { wordingInstalled } from '../../use-cases/battery';
import { requireStaff } from '../auth';
import type { AppDeps, AppEnv } from '../env';
import { documented } from '../openapi';

const list = documented({
  method: 'get',
  path: '/api/instruments',
  tag: 'Instruments',
  summary: 'The instrument catalogue: id, version, name, constructs, scales, licence (non-commercial flagged), whether the wording ships and in which languages (for building a battery)',
  roles: ['admin', 'coordinator', 'analyst'],
  responses: {
    200: '{instruments: [{id, version, name, constructs, items, scales: [{id, label}], licence: {category, name, holder}, nonCommercial, textIncluded, textInstalled, wording, languages}]}',
  },
});

/** The installed instruments, as a coordinator picks them for a timepoint's battery. */
export function instrumentRoutes(deps: AppDeps) {
  return new Hono<AppEnv>().get('/', requireStaff(deps, list.roles), async (c) => {
    const instruments = deps.catalogue.list();
    // Usable here: wording that ships, or licensed wording this deployment has loaded.
    const installed = await Promise.all(instruments.map((i) => wordingInstalled(deps, i.id, i.version)));
    return c.json({
      instruments: instruments.map((instrument, n) => {
        const entry = catalogueEntry(instrument);
        const { scoring } = instrument;
        return {
          id: entry.id,
          version: entry.version,
          name: entry.name,
          constructs: entry.constructs,
          items: scoring.items.length,
          scales: scoring.scales.map((s) => ({ id: s.id, label: s.label })),
          licence: entry.licence,
          nonCommercial: entry.nonCommercial,
          textIncluded: scoring.licence.textIncluded,
          textInstalled: installed[n]!,
          wording: entry.wording,
          languages: entry.languages,
        };
      }),
    });
  });
}
