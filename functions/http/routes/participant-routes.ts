import { Hono, type Context } from 'hono';
import { giveConsent, withdrawConsent } from '../../use-cases/give-consent';
import { openSurvey } from '../../use-cases/open-survey';
import { saveProgress } from '../../use-cases/save-progress';
import { submitAnswers } from '../../use-cases/submit-answers';
import { unsubscribe, unsubscribeStatus } from '../../use-cases/unsubscribe';
import type { AppDeps, AppEnv } from '../env';
import { linkTokenOf } from '../link-token';
import { limitLinkProbing, limitProbing } from '../probing';
import { readJson, readOptionalJson } from '../read-json';

/** Participant endpoints: the link's token (in the link header, or in the path of the older form) is the only credential. */
export function participantRoutes(deps: AppDeps) {
  // Each request's use case waits for the guessing limit's verdict beside its look-up of the link (probing.ts).
  const probed = (c: Context<AppEnv>) => ({ ...deps, linkProbe: c.var.linkProbe });
  return new Hono<AppEnv>()
    .use('*', limitLinkProbing(deps))
    .get('/', async (c) => c.json(await openSurvey(probed(c), linkTokenOf(c))))
    .put('/answers', async (c) => c.json(await saveProgress(probed(c), linkTokenOf(c), await readJson(c))))
    .post('/submit', async (c) => c.json(await submitAnswers(probed(c), linkTokenOf(c), await readJson(c))))
    .post('/consent', async (c) => c.json(await giveConsent(probed(c), linkTokenOf(c), await readJson(c))))
    .post('/withdraw', async (c) => c.json(await withdrawConsent(probed(c), linkTokenOf(c), await readOptionalJson(c))))
    .get('/:token', async (c) => c.json(await openSurvey(probed(c), c.req.param('token'))))
    .put('/:token/answers', async (c) => c.json(await saveProgress(probed(c), c.req.param('token'), await readJson(c))))
    .post('/:token/submit', async (c) => c.json(await submitAnswers(probed(c), c.req.param('token'), await readJson(c))));
}

/** Unsubscribe: the page in the email reads and POSTs with the header; mail providers POST to the path form (RFC 8058). */
export function unsubscribeRoutes(deps: AppDeps) {
  return new Hono<AppEnv>()
    .use('*', limitProbing(deps, 'unsubscribe-link', (status) => status === 404))
    .get('/', async (c) => c.json(await unsubscribeStatus(deps, linkTokenOf(c))))
    .post('/', async (c) => c.json(await unsubscribe(deps, linkTokenOf(c))))
    .get('/:token', async (c) => c.json(await unsubscribeStatus(deps, c.req.param('token'))))
    .post('/:token', async (c) => c.json(await unsubscribe(deps, c.req.param('token'))));
}
