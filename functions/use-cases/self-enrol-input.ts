import * as z from 'zod';
import { languageSchema } from '../core/i18n/language-schema';
import { timezoneSchema } from '../core/study/study';
import { consentBodySchema } from './participant-input';

/*
 * The bodies of self-enrolment's requests, apart from its use cases (self-enrol.ts): the route
 * declarations need them at start-up (OpenAPI, the console's client), while the use cases, with
 * date arithmetic, planning, allocation and the enrolment emails, are imported on the first
 * /api/join request (routes/join-routes.ts).
 */

export const joinRequestSchema = z.strictObject({
  /** Required when the screener finds the person eligible; never kept for anyone else. */
  email: z.email().max(254).optional(),
  language: languageSchema.default('en'),
  timezone: timezoneSchema.optional(),
  /** The screener's answers, by question name. */
  answers: z.record(z.string().max(100), z.unknown()).refine((a) => Object.keys(a).length <= 200, 'at most 200 answers'),
});

export const joinTokenSchema = z.strictObject({ token: z.string().regex(/^[A-Za-z0-9_-]{32,64}$/, 'the token from the email') });

export const joinConfirmSchema = z.strictObject({
  token: joinTokenSchema.shape.token,
  /** Required when the study asks for consent: the typed name and agree: true. */
  consent: consentBodySchema.optional(),
});
