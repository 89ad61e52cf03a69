import * as z from 'zod';

/**
 * Runtime configuration, read once from the environment and checked, so a Lambda with a
 * missing setting fails at cold start with a clear message instead of mid-request.
 */
export const configSchema = z.object({
  /** Public URL that participant and sign-in links point to (https://… in AWS), no trailing slash. */
  TIMEPOINT_BASE_URL: z.url().transform((u) => u.replace(/\/+$/, '')),
  /** Name of the research-data table (CDK generates it). */
  RESEARCH_TABLE: z.string().min(3),
  /** Name of the contact-details (PII) table. */
  CONTACTS_TABLE: z.string().min(3),
  /** AWS region; set by Lambda itself. */
  AWS_REGION: z.string().default('eu-west-2'),
  /** DynamoDB endpoint override: only for the local emulator. */
  DYNAMODB_ENDPOINT: z.url().optional(),
  /** SES endpoint override: only for the local emulator. */
  SES_ENDPOINT: z.url().optional(),
  /** SES configuration set whose events (delivery, bounce, complaint) feed the message ledger. */
  SES_CONFIGURATION_SET: z.string().optional(),
  /** From address of staff emails (sign-in links); an SES-verified identity in AWS. */
  TIMEPOINT_SYSTEM_SENDER: z.email().default('no-reply@example.org'),
  /** Most emails per second the dispatcher sends: the SES account's sending quota (1 in the SES sandbox). */
  TIMEPOINT_MAX_SEND_RATE: z.coerce.number().positive().default(10),
  /** KMS key (id, ARN or alias) that seals the allocation state in AWS (CDK sets it). */
  TIMEPOINT_ALLOCATION_KMS_KEY: z.string().min(1).optional(),
  /** Local only: file holding the 256-bit key that seals the allocation state (`timepoint start` creates it in the data folder). */
  TIMEPOINT_ALLOCATION_KEY_FILE: z.string().min(1).optional(),
  /** Path of a licensee's scoring plug-in module (e.g. PAM-13); none by default. */
  TIMEPOINT_SCORING_PLUGINS: z.string().optional(),
  /**
   * API Lambda only: the secret CloudFront adds to every request it forwards (a Secrets Manager
   * reference that CloudFormation resolves at deploy time; never in the template or the code).
   * The API Lambda refuses to start without it, and serves no request that lacks it.
   */
  TIMEPOINT_ORIGIN_SECRET: z.string().min(32).optional(),
  /** During a rotation of the origin secret, the one CloudFront may still send (docs/operations.md); otherwise a placeholder shorter than 32 characters ("none"), which never matches. */
  TIMEPOINT_ORIGIN_SECRET_PREVIOUS: z.string().optional(),
});

export type Config = z.infer<typeof configSchema>;

export function loadConfig(env: Record<string, string | undefined>): Config {
  const result = configSchema.safeParse(env);
  if (!result.success) {
    const problems = result.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('; ');
    throw new Error(`invalid configuration: ${problems}`);
  }
  return result.data;
}
