import { LINK_TOKEN_HEADER } from '../../../functions/core/auth/link-token';
import type { SurveyView } from '../../../functions/use-cases/open-survey';

export type { SurveyView };
export type Answers = Record<string, unknown>;

/**
 * What a request to the link API came to. `offline` is a request that never reached the server
 * (no connection, DNS, a dropped socket): the caller keeps the answers and tries again.
 */
export type LinkResult<T> =
  | { kind: 'ok'; value: T }
  | {
      kind: 'http';
      status: number;
      details: Array<{ field: string; message: string }>;
      retryAfterSeconds: number | null;
      /** Set when the link was replaced by a newer one or closed (410): whose study it was, in which language to say so. */
      revoked: { study: string; language: string } | null;
    }
  | { kind: 'offline' };

/** The headers of a link API request: the token goes in its own header, never in the URL (so it reaches no access log). */
export const linkHeaders = (token: string, json: boolean): Record<string, string> => ({
  [LINK_TOKEN_HEADER]: token,
  ...(json ? { 'content-type': 'application/json' } : {}),
});

/** `token` null: a public request (the join page), which carries no link token. */
async function request<T>(path: string, token: string | null, method: string, body?: unknown): Promise<LinkResult<T>> {
  let response: Response;
  try {
    response = await fetch(path, {
      method,
      headers: token === null ? (body === undefined ? {} : { 'content-type': 'application/json' }) : linkHeaders(token, body !== undefined),
      body: body === undefined ? null : JSON.stringify(body),
      credentials: 'omit',
      // The page's own policy says so too: nothing about the page leaves in a Referer.
      referrerPolicy: 'no-referrer',
      cache: 'no-store',
    });
  } catch {
    return { kind: 'offline' };
  }
  const text = await response.text().catch(() => '');
  let json: unknown = null;
  try {
    json = text ? JSON.parse(text) : null;
  } catch {
    json = null;
  }
  if (response.ok) return { kind: 'ok', value: json as T };
  const error = (json as { error?: { details?: Array<{ field: string; message: string }>; reason?: string; study?: { name?: string }; language?: string } } | null)?.error;
  const retryAfter = Number(response.headers.get('retry-after'));
  const revoked = response.status === 410 && error?.reason === 'link_revoked' ? { study: error.study?.name ?? '', language: error.language ?? 'en' } : null;
  return { kind: 'http', status: response.status, details: error?.details ?? [], retryAfterSeconds: Number.isFinite(retryAfter) && retryAfter > 0 ? retryAfter : null, revoked };
}

export const loadLink = (token: string) => request<SurveyView>('/api/p', token, 'GET');
export const saveAnswers = (token: string, answers: Answers) => request<{ savedAt: string; answered: number }>('/api/p/answers', token, 'PUT', { answers });
export const submitAnswers = (token: string, answers: Answers) =>
  request<{ status: string; completedAt: string; support?: { text: string } }>('/api/p/submit', token, 'POST', { answers });

export const unsubscribeStatus = (token: string) => request<{ study: { name: string }; unsubscribed: boolean }>('/api/u', token, 'GET');
export const unsubscribe = (token: string) => request<{ study: { name: string }; unsubscribed: boolean }>('/api/u', token, 'POST');

export const giveConsent = (token: string, body: { name: string; agree: true; textHash: string }) =>
  request<{ consented: boolean; version: string; at: string }>('/api/p/consent', token, 'POST', body);
export const withdrawFromLink = (token: string, reason: string) => request<{ withdrawn: boolean; at: string }>('/api/p/withdraw', token, 'POST', reason ? { reason } : {});

const joinBase = (studyId: string) => `/api/join/${encodeURIComponent(studyId)}`;

export interface JoinPageView {
  study: { id: string; name: string; contact: { name: string; email: string } | null };
  screener: Record<string, unknown>;
  eligibility: string;
  consent: boolean;
  languages: string[];
}
export interface JoinConsent {
  version: string;
  language: string;
  text: string;
  textHash: string;
}

export const loadJoin = (studyId: string) => request<JoinPageView>(joinBase(studyId), null, 'GET');
export const requestJoin = (studyId: string, body: { email?: string; language: string; timezone?: string; answers: Record<string, unknown> }) =>
  request<{ status: string; message: string }>(joinBase(studyId), null, 'POST', body);
export const verifyJoin = (studyId: string, token: string) =>
  request<{ status: 'verified' | 'enrolled'; study: { name: string }; language: string; consent?: JoinConsent }>(`${joinBase(studyId)}/verify`, null, 'POST', { token });
export const enrolFromJoin = (studyId: string, token: string, consent?: { name: string; agree: true; textHash: string }) =>
  request<{ status: 'enrolled'; link: string | null; opensAt: string | null }>(`${joinBase(studyId)}/enrol`, null, 'POST', { token, ...(consent ? { consent } : {}) });
