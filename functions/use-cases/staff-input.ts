import * as z from 'zod';
import { staffRoles } from '../core/auth/staff';
import { languageSchema } from '../core/i18n/language-schema';
import { summaryFormats } from './outcome-summary';

/**
 * The staff API's request schemas: bodies and queries of the routes whose use cases run at every
 * cold start (sign-in, settings, staff, audit, previews, acknowledgements, resends, summaries,
 * exports). The use cases and route declarations import this module (and zod with it) on the
 * first request that has input to check, or when the OpenAPI document is written, so the staff
 * API's cold start evaluates no zod (bench/README.md#cold-start). One module, so the first check
 * loads one chunk.
 */

export const signInRequestSchema = z.object({ email: z.email().max(254) });
export const signInVerifySchema = z.object({ code: z.string().min(16).max(128) });

/** A staff account's address (the path names it). */
export const staffEmailSchema = z.email();

export const staffMemberSchema = z.strictObject({
  name: z.string().min(1).max(200),
  role: z.enum(staffRoles),
  studies: z.array(z.string().regex(/^[a-z0-9][a-z0-9-]{1,39}$/)).max(200).default([]),
});

/** A new study's body: checked in full by the study's own schema (core/study/study.ts) when it is saved. */
export const newStudySchema = z.looseObject({});

/** Everything about a study but its protocol (which is versioned: see publishProtocol). */
export const settingsSchema = z.strictObject({
  name: z.unknown().optional(),
  timezone: z.unknown().optional(),
  arms: z.unknown().optional(),
  sender: z.unknown().optional(),
  contacts: z.unknown().optional(),
  missingRules: z.unknown().optional(),
  emails: z.unknown().optional(),
  /** Concealed allocation (admins only; frozen after the first allocation); null removes it. */
  allocation: z.unknown().optional(),
  /** The consent text: a new version asks everyone for consent again at their next link; null removes it. */
  consent: z.unknown().optional(),
  /** The public self-enrolment link; null removes it. */
  join: z.unknown().optional(),
  /** The thank-you page's support text after an urgent answer, per language (`{"en": "…", "fr": "…"}`). */
  support: z.unknown().optional(),
});

export const emailPreviewSchema = z.strictObject({
  kind: z.enum(['invitation', 'reminder']),
  /** Draft wording to preview instead of the saved one. */
  emails: z.unknown().optional(),
  /** The thank-you page's support text after an urgent answer, per language (`{"en": "…", "fr": "…"}`). */
  support: z.unknown().optional(),
});

export const acknowledgementSchema = z.strictObject({ note: z.string().max(2000).optional() });

export const resendSchema = z.strictObject({ timepoint: z.string().min(1).max(40) });

export const auditQuerySchema = z.strictObject({
  /** Substring of the actor, e.g. "staff:" or "P-0007". */
  actor: z.string().max(200).optional(),
  /** Action prefix, e.g. "participant." */
  action: z.string().max(100).optional(),
  /** Substring of the target, e.g. a participant code. */
  target: z.string().max(200).optional(),
  from: z.iso.datetime({ offset: true }).optional(),
  to: z.iso.datetime({ offset: true }).optional(),
  limit: z.coerce.number().int().min(1).max(5000).default(500),
});

export const previewQuerySchema = z.object({
  timepoint: z.string().min(1).max(40).describe('the timepoint whose battery to show'),
  arm: z.string().min(1).max(40).optional().describe('an arm that gets it (default: the first that does)'),
  language: languageSchema.optional().describe('the participant language to show it in (default en)'),
});

export const exportQuerySchema = z.object({
  format: z.string().optional().describe('long (default), wide, items, codebook, codebook-json, fhir'),
  include_test: z.enum(['0', '1']).optional().describe('1: include test participants, with a `test` column (1/0) last'),
  bom: z.enum(['0', '1']).optional().describe('1: start CSV with a UTF-8 byte-order mark (Excel)'),
  delimiter: z.enum(['comma', 'semicolon']).optional().describe('CSV field separator (default comma); the decimal point stays "."'),
});

export const summaryQuerySchema = z.object({
  format: z.enum(summaryFormats).optional().describe('json (default), csv, svg'),
  followup: z.string().optional().describe('the follow-up timepoint (default: the last timepoint, in schedule order, that the reference arm gets)'),
  reference: z.string().optional().describe('the reference arm (default: the first arm that gets the follow-up)'),
  scale: z.string().optional().describe('only one instrument (phq9) or one scale (phq9.total)'),
  include_test: z.enum(['0', '1']).optional().describe('1: count test participants too (left out by default)'),
});

export const importQuerySchema = z.object({ dryRun: z.enum(['true', 'false']).optional() });

/** A protocol version to look at (`?version=`), for a consent record or a participant's plan. */
export const versionQuerySchema = z.object({ version: z.string().optional() });
