import { joinConfirmSchema, joinRequestSchema, joinTokenSchema } from '../../use-cases/self-enrol';
import { documented } from '../openapi';

// The OpenAPI entries of join-routes.ts, kept apart so that the participant Lambda, which serves
// those routes and not /api/openapi.json, does not load the registry.
const tag = 'Self-enrolment (public)';
documented({ method: 'get', path: '/api/join/{studyId}', tag, summary: 'The public join page: study, eligibility screener (SurveyJS) and its eligibility expression', responses: { 200: '{study, screener, eligibility, consent, languages}', 404: 'No open join link' } });
documented({ method: 'post', path: '/api/join/{studyId}', tag, summary: 'Screener answers (and, if eligible, an email address): always 202 with the same body; eligible people are emailed a verification link; per-address and per-client limits', body: joinRequestSchema, responses: { 202: '{status, message} (the same for everyone)', 400: 'Invalid answers, or no email from someone eligible', 404: 'No open join link', 429: 'Too many requests from this client' } });
documented({ method: 'post', path: '/api/join/{studyId}/verify', tag, summary: 'The emailed link was opened: the address is verified; answers the consent text to read', body: joinTokenSchema, responses: { 200: '{status, study, language, consent?}', 404: 'Unknown link', 410: 'Expired' } });
documented({ method: 'post', path: '/api/join/{studyId}/enrol', tag, summary: 'Consent (typed name, agree), then allocation, then enrolment: answers a link to the questionnaires open now', body: joinConfirmSchema, responses: { 200: '{status, link, opensAt}', 400: 'No consent given', 404: 'Unknown link', 409: 'Already taking part, or the consent text changed', 410: 'Expired' } });
