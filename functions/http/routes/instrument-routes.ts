import { listInstruments } from '../../use-cases/instrument-catalogue';
import { defineRoute } from '../define-route';

/** The instrument catalogue, for building a battery. */
export const instrumentRoutes = [
  defineRoute(
    {
      method: 'get',
      path: '/api/instruments',
      tag: 'Instruments',
      summary: 'The instrument catalogue: id, version, name, constructs, scales, licence (non-commercial flagged), whether the wording ships and in which languages (for building a battery)',
      capability: 'studies.read',
      responses: {
        200: '{instruments: [{id, version, name, constructs, items, scales: [{id, label}], licence: {category, name, holder}, nonCommercial, textIncluded, textInstalled, wording, languages}]}',
      },
    },
    async (c, deps) => c.json(await listInstruments(deps)),
  ),
] as const;
