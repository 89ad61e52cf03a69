import { Hono } from 'hono';
import { openSurvey } from '../../use-cases/open-survey';
import { submitAnswers } from '../../use-cases/submit-answers';
import { unsubscribe, unsubscribeStatus } from '../../use-cases/unsubscribe';
import type { AppDeps, AppEnv } from '../env';
import { readJson } from '../read-json';

/** Participant endpoints: the token in the path is the only credential. */
export function participantRoutes(deps: AppDeps) {
  return new Hono<AppEnv>()
    .get('/:token', async (c) => c.json(await openSurvey(deps, c.req.param('token'))))
    .post('/:token/submit', async (c) => c.json(await submitAnswers(deps, c.req.param('token'), await readJson(c))));
}

/** One-click unsubscribe (RFC 8058): mail providers POST here; the page in the email reads and POSTs too. */
export function unsubscribeRoutes(deps: AppDeps) {
  return new Hono<AppEnv>()
    .get('/:token', async (c) => c.json(await unsubscribeStatus(deps, c.req.param('token'))))
    .post('/:token', async (c) => c.json(await unsubscribe(deps, c.req.param('token'))));
}
