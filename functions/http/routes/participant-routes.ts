import { consentBody, giveConsent, participantWithdrawalBody, withdrawConsent } from '../../use-cases/give-consent';
import { openSurvey } from '../../use-cases/open-survey';
import { saveProgress } from '../../use-cases/save-progress';
import { submissionBody, submitAnswers } from '../../use-cases/submit-answers';
import { unsubscribe, unsubscribeStatus } from '../../use-cases/unsubscribe';
import type { LinkProbe } from '../../use-cases/participant-link';
import { defineRoute, type RouteServing } from '../define-route';
import { LINK_TOKEN_HEADER, linkTokenOf } from '../link-token';
import { limitLinkProbing, limitProbing } from '../probing';
import { readJson, readOptionalJson } from '../read-json';

const tag = 'Participants (link)';
const viaHeader = `The link's token travels in the \`${LINK_TOKEN_HEADER}\` header (never in the URL, so it reaches no access log).`;
/** The token-in-the-path forms, kept so that pages opened before the upgrade keep saving and old emails' one-click unsubscribe works. */
const pathForm = 'Older form with the token in the path: still answered, but its request line carries the token; use the header form.';
/** Every look-up of a link counts against the client's guesses when it finds nothing. */
const linkLookUp: RouteServing = { before: (deps) => limitLinkProbing(deps) };
/** A link route's use case waits for the guessing limit's verdict beside its look-up of the link (probing.ts). */
const probed = <D extends object>(c: { var: { linkProbe: LinkProbe } }, deps: D) => ({ ...deps, linkProbe: c.var.linkProbe });
const unsubscribeLookUp: RouteServing = { before: (deps) => limitProbing(deps, 'unsubscribe-link', (status) => status === 404) };

/** Participant endpoints: the link's token (in the link header, or in the path of the older form) is the only credential. */
export const participantRoutes = [
  defineRoute(
    {
      method: 'get',
      path: '/api/p',
      tag,
      summary: `The timepoint's forms, or its state (completed, expired …); with consentRequired and the consent text (and no forms) until the participant consents to the study's current version. ${viaHeader}`,
      responses: { 200: '{study, timepoint, status, instruments, answers, consentRequired, consent?}', 404: 'Unknown link' },
    },
    async (c, deps) => c.json(await openSurvey(probed(c, deps), linkTokenOf(c))),
    linkLookUp,
  ),
  defineRoute(
    {
      method: 'put',
      path: '/api/p/answers',
      tag,
      summary: `Save answers so far (not scored); merges with saves from other devices. ${viaHeader}`,
      body: submissionBody,
      responses: { 200: '{savedAt, answered}', 404: 'Unknown link', 409: 'Completed or not open', 410: 'Expired or withdrawn' },
    },
    async (c, deps) => c.json(await saveProgress(probed(c, deps), linkTokenOf(c), await readJson(c))),
    linkLookUp,
  ),
  defineRoute(
    {
      method: 'post',
      path: '/api/p/submit',
      tag,
      summary: `Final answers: checked, scored, stored. ${viaHeader}`,
      body: submissionBody,
      responses: { 200: '{status, completedAt}', 404: 'Unknown link', 409: 'Already completed, or not open', 410: 'Expired or withdrawn' },
    },
    async (c, deps) => c.json(await submitAnswers(probed(c, deps), linkTokenOf(c), await readJson(c))),
    linkLookUp,
  ),
  defineRoute(
    {
      method: 'post',
      path: '/api/p/consent',
      tag,
      summary: `Give consent to the current version: typed name, agree: true (records version, SHA-256 of the text shown, time, language; emails a copy). ${viaHeader}`,
      body: consentBody,
      responses: { 200: '{consented, version, at}', 400: 'No name, or agree is not true', 404: 'Unknown link', 409: 'The text changed since it was shown, or completed', 410: 'Expired, withdrawn or revoked' },
    },
    async (c, deps) => c.json(await giveConsent(probed(c, deps), linkTokenOf(c), await readJson(c))),
    linkLookUp,
  ),
  defineRoute(
    {
      method: 'post',
      path: '/api/p/withdraw',
      tag,
      summary: `Withdraw consent: leave the study (no more emails, every link revoked; data kept), with an optional reason. ${viaHeader}`,
      body: participantWithdrawalBody,
      responses: { 200: '{withdrawn, at}', 404: 'Unknown link', 410: 'Revoked' },
    },
    async (c, deps) => c.json(await withdrawConsent(probed(c, deps), linkTokenOf(c), await readOptionalJson(c))),
    linkLookUp,
  ),
  defineRoute(
    { method: 'get', path: '/api/p/:token', tag, summary: pathForm, responses: { 200: '{study, timepoint, status, instruments, answers}', 404: 'Unknown link' } },
    async (c, deps) => c.json(await openSurvey(probed(c, deps), c.req.param('token'))),
    linkLookUp,
  ),
  defineRoute(
    { method: 'put', path: '/api/p/:token/answers', tag, summary: pathForm, body: submissionBody, responses: { 200: '{savedAt, answered}', 404: 'Unknown link', 409: 'Completed or not open', 410: 'Expired or withdrawn' } },
    async (c, deps) => c.json(await saveProgress(probed(c, deps), c.req.param('token'), await readJson(c))),
    linkLookUp,
  ),
  defineRoute(
    { method: 'post', path: '/api/p/:token/submit', tag, summary: pathForm, body: submissionBody, responses: { 200: '{status, completedAt}', 404: 'Unknown link', 409: 'Already completed, or not open', 410: 'Expired or withdrawn' } },
    async (c, deps) => c.json(await submitAnswers(probed(c, deps), c.req.param('token'), await readJson(c))),
    linkLookUp,
  ),
] as const;

/** Unsubscribe: the page in the email reads and POSTs with the header; mail providers POST to the path form (RFC 8058). */
export const unsubscribeRoutes = [
  defineRoute(
    { method: 'get', path: '/api/u', tag, summary: `Whether this participant still gets the study’s emails. ${viaHeader}`, responses: { 200: '{study, unsubscribed}', 404: 'Unknown link' } },
    async (c, deps) => c.json(await unsubscribeStatus(deps, linkTokenOf(c))),
    unsubscribeLookUp,
  ),
  defineRoute(
    { method: 'post', path: '/api/u', tag, summary: `Stop the study’s emails (the unsubscribe page's button). ${viaHeader}`, responses: { 200: '{study, unsubscribed}', 404: 'Unknown link' } },
    async (c, deps) => c.json(await unsubscribe(deps, linkTokenOf(c))),
    unsubscribeLookUp,
  ),
  defineRoute(
    { method: 'get', path: '/api/u/:token', tag, summary: pathForm, responses: { 200: '{study, unsubscribed}', 404: 'Unknown link' } },
    async (c, deps) => c.json(await unsubscribeStatus(deps, c.req.param('token'))),
    unsubscribeLookUp,
  ),
  defineRoute(
    {
      method: 'post',
      path: '/api/u/:token',
      tag,
      summary:
        "One-click unsubscribe (RFC 8058): the List-Unsubscribe URL a mail client POSTs to. The token must be in the URL here (the mail client adds nothing else); request lines are kept out of every log the platform writes (docs/security.md).",
      responses: { 200: '{study, unsubscribed}', 404: 'Unknown link' },
    },
    async (c, deps) => c.json(await unsubscribe(deps, c.req.param('token'))),
    unsubscribeLookUp,
  ),
] as const;
