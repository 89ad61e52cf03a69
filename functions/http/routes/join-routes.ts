import { once } from '../../core/once';
import { defineRoute, type RouteServing } from '../define-route';
import { atLeast, limitProbing } from '../probing';
import { readJson } from '../read-json';

const tag = 'Self-enrolment (public)';
/**
 * Self-enrolment's use cases, imported on the first /api/join request: only they need date
 * arithmetic (luxon), schedule planning, allocation and the enrolment emails, which every
 * participant link's cold start would otherwise compile (bench/README.md#cold-start).
 */
const selfEnrol = once(() => import('../../use-cases/self-enrol'));
/** The request bodies' schemas (zod, the study's schemas), imported with self-enrolment's use cases, not at load. */
const input = once(() => import('../../use-cases/self-enrol-input'));
/** The emailed link's token is looked up: a client that keeps finding nothing is guessing. */
const tokenLookUp: RouteServing = { before: (deps) => limitProbing(deps, 'join-link', (status) => status === 404) };

/** The public self-enrolment link: /join/<studyId> (docs/consent.md#self-enrolment). */
export const joinRoutes = [
  defineRoute(
    {
      method: 'get',
      path: '/api/join/:studyId',
      tag,
      summary: 'The public join page: study, eligibility screener (SurveyJS) and its eligibility expression',
      responses: { 200: '{study, screener, eligibility, consent, languages}', 404: 'No open join link' },
    },
    async (c, deps) => c.json(await (await selfEnrol()).joinPage(deps, c.req.param('studyId'))),
  ),
  defineRoute(
    {
      method: 'post',
      path: '/api/join/:studyId',
      tag,
      summary: 'Screener answers (and, if eligible, an email address): always 202 with the same body; eligible people are emailed a verification link; per-address and per-client limits',
      body: () => input().then((m) => m.joinRequestSchema),
      responses: { 202: '{status, message} (the same for everyone)', 400: 'Invalid answers, or no email from someone eligible', 404: 'No open join link', 429: 'Too many requests from this client' },
    },
    // Every outcome takes as long as the slowest (an email sent), so timing tells nothing either.
    async (c, deps) => {
      const { requestJoin } = await selfEnrol();
      return c.json(await atLeast(deps.signInResponseMs, requestJoin(deps, c.req.param('studyId'), await readJson(c), deps.clientAddress?.(c) ?? 'unknown')), 202);
    },
  ),
  defineRoute(
    {
      method: 'post',
      path: '/api/join/:studyId/verify',
      tag,
      summary: 'The emailed link was opened: the address is verified; answers the consent text to read',
      body: () => input().then((m) => m.joinTokenSchema),
      responses: { 200: '{status, study, language, consent?}', 404: 'Unknown link', 410: 'Expired' },
    },
    async (c, deps) => c.json(await (await selfEnrol()).verifyJoin(deps, c.req.param('studyId'), await readJson(c))),
    tokenLookUp,
  ),
  defineRoute(
    {
      method: 'post',
      path: '/api/join/:studyId/enrol',
      tag,
      summary: 'Consent (typed name, agree), then allocation, then enrolment: answers a link to the questionnaires open now',
      body: () => input().then((m) => m.joinConfirmSchema),
      responses: { 200: '{status, link, opensAt}', 400: 'No consent given', 404: 'Unknown link', 409: 'Already taking part, or the consent text changed', 410: 'Expired' },
    },
    async (c, deps) => c.json(await (await selfEnrol()).confirmJoin(deps, c.req.param('studyId'), await readJson(c))),
    tokenLookUp,
  ),
] as const;
