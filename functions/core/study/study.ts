import { z } from 'zod';
import { languageSchema, type Language } from '../i18n/language';
import { isIanaZone } from './time-zone';

const slug = z
  .string()
  .min(1, { error: 'is required', abort: true })
  .regex(/^[a-z][a-z0-9_]{0,39}$/, 'may use only lower-case letters, digits and _ (starting with a letter)');
/** An email address; empty reads as missing, not as malformed. */
const emailAddress = () => z.email({ error: (issue) => (issue.input === '' || issue.input === undefined ? 'is required' : 'is not an email address') });

const localTime = z.string().regex(/^([01]\d|2[0-3]):[0-5]\d$/, 'must be a time as HH:MM, 24-hour (e.g. 09:00)');
const zone = z.string().refine(isIanaZone, 'must be an IANA time zone name such as Europe/London');

/**
 * When a timepoint falls due: days after an anchor, at a local wall-clock time.
 * `enrollment`, `<timepoint>.completed`, or `date:<field>` (a date on the participant record).
 */
export const anchorSchema = z.union(
  [
    z.literal('enrollment'),
    z.string().regex(/^[a-z][a-z0-9_]*\.completed$/, '<timepoint>.completed'),
    z.string().regex(/^date:[a-z][a-z0-9_]*$/, 'date:<participant field>'),
  ],
  { error: 'must be enrolment ("enrollment"), another timepoint\'s completion ("<timepoint>.completed") or a participant date ("date:<field>")' },
);

export const timepointSchema = z.object({
  id: slug,
  label: z.string().min(1).max(80),
  /** The label in other languages, for participants who read them (e.g. { "fr": "Semaine 8" }). */
  labels: z.partialRecord(languageSchema, z.string().min(1).max(80)).optional(),
  anchor: anchorSchema,
  /** Days after the anchor's local date (baseline 0, week 8 56). */
  offsetDays: z.number().int().min(0).max(3650),
  /** Local wall-clock time in the participant's zone at which the invitation goes out. */
  sendAt: localTime,
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
  arms: z.array(slug).min(1),
});

export const protocolSchema = z
  .object({
    version: z.number().int().min(1),
    timepoints: z.array(timepointSchema).min(1),
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
  });

/** Study-specific wording of participant emails; {study}, {timepoint} and {closes} are filled in. */
const emailTemplateSchema = z.strictObject({
  subject: z.string().min(1).max(200).optional(),
  /** The opening paragraph. */
  intro: z.string().min(1).max(2000).optional(),
});

export const studySchema = z
  .object({
    id: z
      .string()
      .min(1, { error: 'is required', abort: true })
      .regex(/^[a-z0-9][a-z0-9-]{1,39}$/, 'may use only lower-case letters, digits and - (2 to 40 of them)'),
    name: z.string().min(1).max(200),
    timezone: zone,
    arms: z.array(z.object({ id: slug, label: z.string().min(1) })).min(1, 'needs at least one arm'),
    /** The From address of every participant email; must be an SES-verified identity in AWS. */
    sender: z.object({ name: z.string().min(1), email: emailAddress() }),
    /** People who receive safety alerts, and whom participants may contact. */
    contacts: z.array(z.object({ name: z.string().min(1), email: emailAddress(), safety: z.boolean() })).min(1, 'needs at least one contact'),
    protocol: protocolSchema,
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
        invitation: emailTemplateSchema.optional(),
        reminder: emailTemplateSchema.optional(),
        fr: z.strictObject({ invitation: emailTemplateSchema.optional(), reminder: emailTemplateSchema.optional() }).optional(),
      })
      .default({}),
  })
  .superRefine((study, ctx) => {
    const arms = new Set(study.arms.map((a) => a.id));
    study.protocol.timepoints.forEach((t, i) =>
      t.arms.forEach((arm, j) => {
        if (!arms.has(arm)) {
          ctx.addIssue({ code: 'custom', path: ['protocol', 'timepoints', i, 'arms', j], message: `unknown arm "${arm}"` });
        }
      }),
    );
  });

export type Study = z.infer<typeof studySchema>;
export type Protocol = z.infer<typeof protocolSchema>;
export type Timepoint = z.infer<typeof timepointSchema>;

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
}

export const participantCodeSchema = z.string().regex(/^[A-Za-z0-9][A-Za-z0-9_-]{0,31}$/, 'letters, digits, - and _ (at most 32)');
export const timezoneSchema = zone;
