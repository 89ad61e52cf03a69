import * as z from 'zod';
import { randomisedArms } from '../allocation/allocation-config';
import { allocationSchema } from '../allocation/allocation-schema';
import type { StrataValues } from '../allocation/strata';
import type { Language } from '../i18n/language';
import { languageSchema } from '../i18n/language-schema';
import { lazySchema } from '../lazy-schema';
import { participantCodePattern } from './participant-code';
import { isIanaZone } from './time-zone';

const slug = lazySchema(() =>
  z
      .string()
      .min(1, { error: 'is required', abort: true })
      .regex(/^[a-z][a-z0-9_]{0,39}$/, 'may use only lower-case letters, digits and _ (starting with a letter)'),
);
/** An email address; empty reads as missing, not as malformed. */
const emailAddress = () => z.email({ error: (issue) => (issue.input === '' || issue.input === undefined ? 'is required' : 'is not an email address') });

const localTime = lazySchema(() => z.string().regex(/^([01]\d|2[0-3]):[0-5]\d$/, 'must be a time as HH:MM, 24-hour (e.g. 09:00)'));
const zone = z.string().refine(isIanaZone, 'must be an IANA time zone name such as Europe/London');

/**
 * When a timepoint falls due: days after an anchor, at a local wall-clock time.
 * `enrollment`, `<timepoint>.completed`, or `date:<field>` (a date on the participant record).
 */
export const anchorSchema = lazySchema(() =>
  z.union(
    [
      z.literal('enrollment'),
      z.string().regex(/^[a-z][a-z0-9_]*\.completed$/, '<timepoint>.completed'),
      z.string().regex(/^date:[a-z][a-z0-9_]*$/, 'date:<participant field>'),
    ],
    { error: 'must be enrolment ("enrollment"), another timepoint\'s completion ("<timepoint>.completed") or a participant date ("date:<field>")' },
  ),
);

export const timepointSchema = lazySchema(() =>
  z.object({
    id: slug(),
    label: z.string().min(1).max(80),
    /** The label in other languages, for participants who read them (e.g. { "fr": "Semaine 8" }). */
    labels: z.partialRecord(languageSchema, z.string().min(1).max(80)).optional(),
    anchor: anchorSchema(),
    /** Days after the anchor's local date (baseline 0, week 8 56). */
    offsetDays: z.number().int().min(0).max(3650),
    /** Local wall-clock time in the participant's zone at which the invitation goes out. */
    sendAt: localTime(),
    /** The window, in days relative to the due date: open from `opensDaysBefore` before to `closesDaysAfter` after. */
    window: z.object({
      opensDaysBefore: z.number().int().min(0).max(365),
      closesDaysAfter: z.number().int().min(1).max(365),
    }),
    /** Reminder ladder: days after the due date, at the same local time. Stopped by completion, withdrawal or window close. */
    reminders: z.array(z.number().int().min(1).max(365)).max(10),
    /** The ordered battery; each instrument pinned to a version. */
    instruments: z.array(z.object({ id: z.string().min(1), version: z.string().min(1) })).min(1),
    /** The arms that get this timepoint. */
    arms: z.array(slug()).min(1),
  }),
);

export const protocolSchema = lazySchema(() =>
  z
    .object({
      version: z.number().int().min(1),
      timepoints: z.array(timepointSchema()).min(1),
    })
    .superRefine((protocol, ctx) => {
      const ids = protocol.timepoints.map((t) => t.id);
      protocol.timepoints.forEach((t, i) => {
        if (ids.indexOf(t.id) !== i) {
          ctx.addIssue({ code: 'custom', path: ['timepoints', i, 'id'], message: `duplicate timepoint id "${t.id}"` });
        }
        const completed = /^(.+)\.completed$/.exec(t.anchor)?.[1];
        if (completed !== undefined && (!ids.includes(completed) || completed === t.id)) {
          ctx.addIssue({ code: 'custom', path: ['timepoints', i, 'anchor'], message: `anchors on unknown timepoint "${completed}"` });
        }
        const anchor = protocol.timepoints.find((other) => other.id === completed);
        const stranded = anchor ? t.arms.filter((arm) => !anchor.arms.includes(arm)) : [];
        if (stranded.length > 0) {
          ctx.addIssue({ code: 'custom', path: ['timepoints', i, 'anchor'], message: `arm ${stranded.join(', ')} never gets "${completed}", so would never get "${t.id}"` });
        }
        for (const days of t.reminders) {
          if (days >= t.window.closesDaysAfter) {
            ctx.addIssue({ code: 'custom', path: ['timepoints', i, 'reminders'], message: `a reminder ${days} days after the due date falls after the window closes` });
          }
        }
      });
    }),
);

/** A consent version's id: short, as it appears on the signed record (e.g. "2", "2.1", "2026-03"). */
export const consentVersionSchema = lazySchema(() => z.string().regex(/^[A-Za-z0-9][A-Za-z0-9._-]{0,19}$/, 'letters, digits, . _ and - (at most 20), e.g. "2"'));

/**
 * The e-consent participants must give before answering (docs/consent.md): a version and its
 * text (Markdown) per language. A new version asks everyone for consent again at their next link.
 */
export const consentSchema = lazySchema(() =>
  z.strictObject({
    version: consentVersionSchema(),
    text: z
      // Kept exactly as given (not trimmed): its hash is of the text as shown.
      .partialRecord(languageSchema, z.string().max(50_000).refine((t) => t.trim() !== '', 'the text is empty'))
      .refine((t) => Object.keys(t).length > 0, 'give the text in at least one language (e.g. {"en": "…"})'),
  }),
);

/**
 * Self-enrolment through the public link /join/<study> (docs/consent.md#self-enrolment): an
 * eligibility screener, email verification, consent, allocation, then the baseline.
 */
export const joinSchema = lazySchema(() =>
  z.strictObject({
    /** Whether the public link is open. */
    enabled: z.boolean(),
    /** The eligibility screener: a SurveyJS form (its answers are kept only for people who enrol). */
    screener: z.looseObject({}),
    /** A SurveyJS expression over the screener's answers, true for eligible people (e.g. "{age} >= 18 and {pain_months} >= 3"). */
    eligibility: z.string().trim().min(1).max(2000),
    /** The arm self-enrolled participants join, when the study does not allocate. */
    arm: slug().optional(),
    /** Where each allocation factor's level comes from: factor → a screener question whose answers are the levels. */
    strata: z.record(slug(), z.string().min(1).max(100)).default({}),
  }),
);

/** Study-specific wording of participant emails; {study}, {timepoint} and {closes} are filled in. */
const emailTemplateSchema = lazySchema(() =>
  z.strictObject({
    subject: z.string().min(1).max(200).optional(),
    /** The opening paragraph. */
    intro: z.string().min(1).max(2000).optional(),
  }),
);

export const studySchema = lazySchema(() =>
  z
    .object({
      id: z
        .string()
        .min(1, { error: 'is required', abort: true })
        .regex(/^[a-z0-9][a-z0-9-]{1,39}$/, 'may use only lower-case letters, digits and - (2 to 40 of them)'),
      name: z.string().min(1).max(200),
      timezone: zone,
      arms: z.array(z.object({ id: slug(), label: z.string().min(1) })).min(1, 'needs at least one arm'),
      /** The From address of every participant email; must be an SES-verified identity in AWS. */
      sender: z.object({ name: z.string().min(1), email: emailAddress() }),
      /** People who receive safety alerts, and whom participants may contact. */
      contacts: z.array(z.object({ name: z.string().min(1), email: emailAddress(), safety: z.boolean() })).min(1, 'needs at least one contact'),
      protocol: protocolSchema(),
      /**
       * Missing-data rule chosen per instrument (instrument id → a named rule of that instrument),
       * replacing its default; recorded with every score. Unlisted instruments use their default.
       */
      missingRules: z.record(z.string(), z.string()).default({}),
      /**
       * What the thank-you page tells a participant whose answers raised an urgent flag (who to
       * call, the emergency number), per language; a language left out gets the built-in default
       * (`functions/core/safety/support-text.ts`).
       */
      support: z.partialRecord(languageSchema, z.string().trim().min(1).max(2000)).default({}),
      /** Overrides of the default invitation and reminder wording: English at the top level, other languages under their code. */
      emails: z
        .strictObject({
          invitation: emailTemplateSchema().optional(),
          reminder: emailTemplateSchema().optional(),
          fr: z.strictObject({ invitation: emailTemplateSchema().optional(), reminder: emailTemplateSchema().optional() }).optional(),
        })
        .default({}),
      /** Concealed allocation to the randomised arms (docs/randomisation.md); frozen after the first allocation. */
      allocation: allocationSchema().optional(),
      /** The e-consent participants give before answering (docs/consent.md). */
      consent: consentSchema().optional(),
      /** The public self-enrolment link (docs/consent.md). */
      join: joinSchema().optional(),
    })
    .superRefine((study, ctx) => {
      const arms = new Set(study.arms.map((a) => a.id));
      for (const arm of Object.keys(study.allocation?.arms ?? {})) {
        if (!arms.has(arm)) ctx.addIssue({ code: 'custom', path: ['allocation', 'arms', arm], message: `unknown arm "${arm}" (this study has: ${[...arms].join(', ')})` });
      }
      if (study.join !== undefined) {
        const questions = screenerQuestions(study.join.screener);
        if (questions.length === 0) ctx.addIssue({ code: 'custom', path: ['join', 'screener'], message: 'a SurveyJS form with at least one question (pages[].elements[] or elements[])' });
        if (study.allocation === undefined && study.join.arm === undefined) {
          ctx.addIssue({ code: 'custom', path: ['join', 'arm'], message: 'the arm self-enrolled participants join (this study does not allocate)' });
        }
        if (study.join.arm !== undefined) {
          if (!arms.has(study.join.arm)) ctx.addIssue({ code: 'custom', path: ['join', 'arm'], message: `unknown arm "${study.join.arm}"` });
          else if (study.allocation && randomisedArms(study.allocation).includes(study.join.arm)) {
            ctx.addIssue({ code: 'custom', path: ['join', 'arm'], message: `"${study.join.arm}" is randomised: leave join.arm out and self-enrolled participants are allocated` });
          }
        }
        const factors = study.join.arm === undefined ? (study.allocation?.strata ?? []) : [];
        for (const factor of factors) {
          const question = study.join.strata[factor];
          if (question === undefined) ctx.addIssue({ code: 'custom', path: ['join', 'strata', factor], message: `name the screener question that gives "${factor}"` });
          else if (!questions.includes(question)) ctx.addIssue({ code: 'custom', path: ['join', 'strata', factor], message: `the screener has no question "${question}"` });
        }
        for (const factor of Object.keys(study.join.strata)) {
          if (!factors.includes(factor)) ctx.addIssue({ code: 'custom', path: ['join', 'strata', factor], message: `"${factor}" is not an allocation factor of this study` });
        }
      }
      study.protocol.timepoints.forEach((t, i) =>
        t.arms.forEach((arm, j) => {
          if (!arms.has(arm)) {
            ctx.addIssue({ code: 'custom', path: ['protocol', 'timepoints', i, 'arms', j], message: `unknown arm "${arm}"` });
          }
        }),
      );
    }),
);

export type Study = z.infer<ReturnType<typeof studySchema>>;
export type ConsentDefinition = z.infer<ReturnType<typeof consentSchema>>;
export type JoinDefinition = z.infer<ReturnType<typeof joinSchema>>;

/** The names of a SurveyJS form's questions (top-level elements and panels' elements, on every page). */
export function screenerQuestions(form: Record<string, unknown>): string[] {
  const names: string[] = [];
  const walk = (elements: unknown) => {
    if (!Array.isArray(elements)) return;
    for (const element of elements as Array<Record<string, unknown>>) {
      if (element === null || typeof element !== 'object') continue;
      if (Array.isArray(element.elements)) walk(element.elements);
      else if (typeof element.name === 'string' && element.type !== 'html') names.push(element.name);
    }
  };
  walk(form.elements);
  if (Array.isArray(form.pages)) for (const page of form.pages as Array<Record<string, unknown>>) walk(page?.elements);
  return names;
}
export type Protocol = z.infer<ReturnType<typeof protocolSchema>>;
export type Timepoint = z.infer<ReturnType<typeof timepointSchema>>;

export type ParticipantStatus = 'active' | 'withdrawn' | 'completed';

/** The research record of a participant: pseudonymous, no contact details. */
export interface Participant {
  studyId: string;
  code: string;
  arm: string;
  timezone: string;
  status: ParticipantStatus;
  /** ISO instant of enrolment. */
  enrolledAt: string;
  protocolVersion: number;
  /** Named dates (ISO yyyy-mm-dd) that `date:<field>` anchors refer to. */
  dates: Record<string, string>;
  /** The language of their emails and questionnaire pages (English when unset). */
  language?: Language;
  /**
   * A test participant (a coordinator trying the study out): their emails say so, they are left
   * out of exports, the outcome summary and the dashboard's counts unless asked for, and they are
   * the only participants time travel (`npx timepoint dispatch --now`) acts on.
   */
  test?: boolean;
  /**
   * Synthetic demo data seeded on the first start of a local platform (`demo` study only), codes
   * starting `SYN-`, shown with a badge: their history is written by the seeding's own dispatcher
   * passes on a virtual clock; every other pass leaves their records alone and never emails them
   * (nor could it deliver: their addresses are in the reserved `.invalid` domain).
   */
  synthetic?: boolean;
  /**
   * When their contact details were erased at their request: from then on nothing is planned or
   * sent to them, and no address can be set again. Their research data stays.
   */
  contactErasedAt?: string;
  /**
   * Link generation: links are minted under the current one, and raising it (an email correction,
   * a resend, a withdrawal, an erasure) revokes every link minted before, in one write.
   */
  linkEpoch?: number;
  /** Storage-assigned revision, raised by every change: edits are conditioned on the one they read. */
  revision?: number;
  /** Their level of each allocation factor (docs/randomisation.md). */
  strata?: StrataValues;
  /** How they were allocated: the slot their arm was written in (its sequence number, stratum and time). */
  allocation?: ParticipantAllocation;
  /** The consent version they last agreed to, without their name (that is kept with the contact details). */
  consent?: ParticipantConsent;
  /** When and why they withdrew (or withdrew their consent). */
  withdrawal?: { at: string; reason?: string; by: 'staff' | 'participant'; consentWithdrawn?: boolean };
  /** How they came into the study: enrolled by staff (default) or through the public join link. */
  enrolledVia?: 'staff' | 'join';
  /** Self-enrolment: their answers to the eligibility screener (never exported with the scores). */
  screening?: Record<string, unknown>;
}

export interface ParticipantAllocation {
  /** The study-wide allocation sequence number (1, 2, 3 … with no gap). */
  sequence: number;
  /** The stratum label, e.g. `site=lyon|sex=f` (`all` without strata). */
  stratum: string;
  at: string;
  /** `manual`: a randomised arm an admin chose by hand, with the reason (audited). */
  method: 'blocked' | 'minimisation' | 'manual';
  reason?: string;
}

export interface ParticipantConsent {
  version: string;
  /** The language of the text shown. */
  language: Language;
  /** SHA-256 (hex) of the exact text shown (UTF-8). */
  textHash: string;
  at: string;
}

export const participantCodeSchema = z.string().regex(participantCodePattern, 'letters, digits, - and _ (at most 32)');
export const timezoneSchema = zone;
