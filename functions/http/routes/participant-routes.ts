import { Hono } from 'hono';
import { consentBodySchema, giveConsent, participantWithdrawalSchema, withdrawConsent } from '../../use-cases/give-consent';
import { openSurvey } from '../../use-cases/open-survey';
import { saveProgress } from '../../use-cases/save-progress';
import { submitAnswers } from '../../use-cases/submit-answers';
import { unsubscribe, unsubscribeStatus } from '../../use-cases/unsubscribe';
import { submissionSchema } from '../../use-cases/submit-answers';
import type { AppDeps, AppEnv } from '../env';
import { documented } from '../openapi';
import { limitProbing } from '../probing';
import { readJson, readOptionalJson } from '../read-json';

documented({ method: 'get', path: '/api/p/{token}', tag: 'Participants (link)', summary: "The timepoint's forms, or its state (completed, expired …); with consentRequired and the consent text (and no forms) until the participant consents to the study's current version", responses: { 200: '{study, timepoint, status, instruments, answers, consentRequired, consent?}', 404: 'Unknown link' } });
documented({ method: 'post', path: '/api/p/{token}/consent', tag: 'Participants (link)', summary: 'Give consent to the current version: typed name, agree: true (records version, SHA-256 of the text shown, time, language; emails a copy)', body: consentBodySchema, responses: { 200: '{consented, version, at}', 400: 'No name, or agree is not true', 404: 'Unknown link', 409: 'The text changed since it was shown, or completed', 410: 'Expired or withdrawn' } });
documented({ method: 'post', path: '/api/p/{token}/withdraw', tag: 'Participants (link)', summary: 'Withdraw consent: leave the study (no more emails; data kept), with an optional reason', body: participantWithdrawalSchema, responses: { 200: '{withdrawn, at}', 404: 'Unknown link' } });
documented({ method: 'post', path: '/api/p/{token}/submit', tag: 'Participants (link)', summary: 'Final answers: checked, scored, stored', body: submissionSchema, responses: { 200: '{status, completedAt}', 403: 'Consent to the current version not given yet', 404: 'Unknown link', 409: 'Already completed, or not open', 410: 'Expired or withdrawn' } });
documented({ method: 'put', path: '/api/p/{token}/answers', tag: 'Participants (link)', summary: 'Save answers so far (not scored); merges with saves from other devices', body: submissionSchema, responses: { 200: '{savedAt, answered}', 403: 'Consent to the current version not given yet', 404: 'Unknown link', 409: 'Completed or not open', 410: 'Expired or withdrawn' } });
documented({ method: 'get', path: '/api/u/{token}', tag: 'Participants (link)', summary: 'Whether this participant still gets the study’s emails', responses: { 200: '{study, unsubscribed}', 404: 'Unknown link' } });
documented({ method: 'post', path: '/api/u/{token}', tag: 'Participants (link)', summary: 'One-click unsubscribe (RFC 8058)', responses: { 200: '{study, unsubscribed}', 404: 'Unknown link' } });

/** Participant endpoints: the token in the path is the only credential. */
export function participantRoutes(deps: AppDeps) {
  return new Hono<AppEnv>()
    .use('*', limitProbing(deps, 'participant-link', (status) => status === 404))
    .get('/:token', async (c) => c.json(await openSurvey(deps, c.req.param('token'))))
    .put('/:token/answers', async (c) => c.json(await saveProgress(deps, c.req.param('token'), await readJson(c))))
    .post('/:token/submit', async (c) => c.json(await submitAnswers(deps, c.req.param('token'), await readJson(c))))
    .post('/:token/consent', async (c) => c.json(await giveConsent(deps, c.req.param('token'), await readJson(c))))
    .post('/:token/withdraw', async (c) => c.json(await withdrawConsent(deps, c.req.param('token'), await readOptionalJson(c))));
}

/** One-click unsubscribe (RFC 8058): mail providers POST here; the page in the email reads and POSTs too. */
export function unsubscribeRoutes(deps: AppDeps) {
  return new Hono<AppEnv>()
    .use('*', limitProbing(deps, 'unsubscribe-link', (status) => status === 404))
    .get('/:token', async (c) => c.json(await unsubscribeStatus(deps, c.req.param('token'))))
    .post('/:token', async (c) => c.json(await unsubscribe(deps, c.req.param('token'))));
}
