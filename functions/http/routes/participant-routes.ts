import { Hono } from 'hono';
import { openSurvey } from '../../use-cases/open-survey';
import { saveProgress } from '../../use-cases/save-progress';
import { submitAnswers } from '../../use-cases/submit-answers';
import { unsubscribe, unsubscribeStatus } from '../../use-cases/unsubscribe';
import { submissionSchema } from '../../use-cases/submit-answers';
import type { AppDeps, AppEnv } from '../env';
import { documented } from '../openapi';
import { limitProbing } from '../probing';
import { readJson } from '../read-json';

documented({ method: 'get', path: '/api/p/{token}', tag: 'Participants (link)', summary: "The timepoint's forms, or its state (completed, expired …)", responses: { 200: '{study, timepoint, status, instruments, answers}', 404: 'Unknown link' } });
documented({ method: 'post', path: '/api/p/{token}/submit', tag: 'Participants (link)', summary: 'Final answers: checked, scored, stored', body: submissionSchema, responses: { 200: '{status, completedAt}', 404: 'Unknown link', 409: 'Already completed, or not open', 410: 'Expired or withdrawn' } });
documented({ method: 'put', path: '/api/p/{token}/answers', tag: 'Participants (link)', summary: 'Save answers so far (not scored); merges with saves from other devices', body: submissionSchema, responses: { 200: '{savedAt, answered}', 404: 'Unknown link', 409: 'Completed or not open', 410: 'Expired or withdrawn' } });
documented({ method: 'get', path: '/api/u/{token}', tag: 'Participants (link)', summary: 'Whether this participant still gets the study’s emails', responses: { 200: '{study, unsubscribed}', 404: 'Unknown link' } });
documented({ method: 'post', path: '/api/u/{token}', tag: 'Participants (link)', summary: 'One-click unsubscribe (RFC 8058)', responses: { 200: '{study, unsubscribed}', 404: 'Unknown link' } });

/** Participant endpoints: the token in the path is the only credential. */
export function participantRoutes(deps: AppDeps) {
  return new Hono<AppEnv>()
    .use('*', limitProbing(deps, 'participant-link', (status) => status === 404))
    .get('/:token', async (c) => c.json(await openSurvey(deps, c.req.param('token'))))
    .put('/:token/answers', async (c) => c.json(await saveProgress(deps, c.req.param('token'), await readJson(c))))
    .post('/:token/submit', async (c) => c.json(await submitAnswers(deps, c.req.param('token'), await readJson(c))));
}

/** One-click unsubscribe (RFC 8058): mail providers POST here; the page in the email reads and POSTs too. */
export function unsubscribeRoutes(deps: AppDeps) {
  return new Hono<AppEnv>()
    .use('*', limitProbing(deps, 'unsubscribe-link', (status) => status === 404))
    .get('/:token', async (c) => c.json(await unsubscribeStatus(deps, c.req.param('token'))))
    .post('/:token', async (c) => c.json(await unsubscribe(deps, c.req.param('token'))));
}
