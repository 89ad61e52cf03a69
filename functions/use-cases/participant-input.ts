import * as z from 'zod';

/**
 * The request bodies a participant's link accepts, in a module of their own: the use cases import
 * it (and zod with it) on the first request that has a body to check, so opening a link, the
 * participant Lambda's commonest request, never loads zod (bench/README.md#cold-start).
 */

/** At most this many answers in one submission: far above any battery, far below abuse. */
const MAX_ANSWERS = 2_000;

/** Answers saved or submitted: item name → answer. */
export const submissionSchema = z.object({
  answers: z
    .record(z.string().max(64), z.unknown())
    .refine((a) => Object.keys(a).length <= MAX_ANSWERS, `at most ${MAX_ANSWERS} answers`),
});

export const consentBodySchema = z.strictObject({
  /** The participant's name, typed as their signature. */
  name: z.string().trim().min(2, 'type your full name').max(200),
  /** Must be true: consent is an explicit act. */
  agree: z.literal(true, 'must be true to give consent'),
  /** SHA-256 of the text the page showed: if the study published a new version meanwhile, the consent is refused (409) and the new text shown. */
  textHash: z.string().regex(/^[0-9a-f]{64}$/, 'the SHA-256 (hex) of the text shown').optional(),
});

export const participantWithdrawalSchema = z.strictObject({
  /** In their own words, optional. */
  reason: z.string().trim().max(500).optional(),
});
