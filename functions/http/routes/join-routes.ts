import { Hono } from 'hono';
import { confirmJoin, joinPage, requestJoin, verifyJoin } from '../../use-cases/self-enrol';
import type { AppDeps, AppEnv } from '../env';
import { atLeast, limitProbing } from '../probing';
import { readJson } from '../read-json';

/** The public self-enrolment link: /join/<studyId> (docs/consent.md#self-enrolment). */
export function joinRoutes(deps: AppDeps) {
  const client = (c: Parameters<NonNullable<AppDeps['clientAddress']>>[0]) => deps.clientAddress?.(c) ?? 'unknown';
  return new Hono<AppEnv>()
    .get('/:studyId', async (c) => c.json(await joinPage(deps, c.req.param('studyId'))))
    // Every outcome takes as long as the slowest (an email sent), so timing tells nothing either.
    .post('/:studyId', async (c) => c.json(await atLeast(deps.signInResponseMs, requestJoin(deps, c.req.param('studyId'), await readJson(c), client(c))), 202))
    .use('/:studyId/*', limitProbing(deps, 'join-link', (status) => status === 404))
    .post('/:studyId/verify', async (c) => c.json(await verifyJoin(deps, c.req.param('studyId'), await readJson(c))))
    .post('/:studyId/enrol', async (c) => c.json(await confirmJoin(deps, c.req.param('studyId'), await readJson(c))));
}
