/**
 * Runtime configuration, read once from the environment and checked, so a Lambda with a
 * missing setting fails at cold start with a clear message instead of mid-request.
 *
 * Checked by hand rather than with zod: every Lambda reads its configuration at cold start, and
 * zod (its module and the schema) would be loaded for it alone on the participant Lambda, whose
 * cold start a participant waits for (bench/README.md#cold-start). The rules are zod's own for
 * the same declarations (`z.url()`, `z.email()`, `z.coerce.number().positive()`); a test holds
 * them to zod on each key (test/unit/config.test.ts).
 */
export interface Config {
  /** Public URL that participant and sign-in links point to (https://… in AWS), no trailing slash. */
  TIMEPOINT_BASE_URL: string;
  /** Name of the research-data table (CDK generates it). */
  RESEARCH_TABLE: string;
  /** Name of the contact-details (PII) table. */
  CONTACTS_TABLE: string;
  /** AWS region; set by Lambda itself. */
  AWS_REGION: string;
  /** DynamoDB endpoint override: only for the local emulator. */
  DYNAMODB_ENDPOINT?: string;
  /** SES endpoint override: only for the local emulator. */
  SES_ENDPOINT?: string;
  /** SES configuration set whose events (delivery, bounce, complaint) feed the message ledger. */
  SES_CONFIGURATION_SET?: string;
  /** From address of staff emails (sign-in links); an SES-verified identity in AWS. */
  TIMEPOINT_SYSTEM_SENDER: string;
  /** Most emails per second the dispatcher sends: the SES account's sending quota (1 in the SES sandbox). */
  TIMEPOINT_MAX_SEND_RATE: number;
  /** KMS key (id, ARN or alias) that seals the allocation state in AWS (CDK sets it). */
  TIMEPOINT_ALLOCATION_KMS_KEY?: string;
  /** Local only: file holding the 256-bit key that seals the allocation state (`timepoint start` creates it in the data folder). */
  TIMEPOINT_ALLOCATION_KEY_FILE?: string;
  /** Path of a licensee's scoring plug-in module (e.g. PAM-13); none by default. */
  TIMEPOINT_SCORING_PLUGINS?: string;
  /**
   * API Lambda only: the secret CloudFront adds to every request it forwards (a Secrets Manager
   * reference that CloudFormation resolves at deploy time; never in the template or the code).
   * The API Lambda refuses to start without it, and serves no request that lacks it.
   */
  TIMEPOINT_ORIGIN_SECRET?: string;
  /** During a rotation of the origin secret, the one CloudFront may still send (docs/operations.md); otherwise a placeholder shorter than 32 characters ("none"), which never matches. */
  TIMEPOINT_ORIGIN_SECRET_PREVIOUS?: string;
}

/** A setting's check: its value, or the reason it is refused. */
type Check<T> = (value: string) => { value: T } | { problem: string };

const text =
  (min = 0): Check<string> =>
  (value) =>
    value.length >= min ? { value } : { problem: `must be at least ${min} characters` };

// As z.url(): trimmed, parseable by the WHATWG URL parser, tabs and line breaks removed.
const url: Check<string> = (value) => {
  const trimmed = value.trim();
  return URL.canParse(trimmed) ? { value: trimmed.replace(/[\t\n\r]/g, '') } : { problem: 'must be a URL' };
};

// zod's email pattern (zod/v4/core/regexes.js, `email`), which z.email() uses by default.
const emailPattern = /^(?:[A-Za-z0-9_'+\-]+\.)*[A-Za-z0-9_'+\-]*[A-Za-z0-9_+-]@(?:[A-Za-z0-9][A-Za-z0-9\-]*\.)+[A-Za-z]{2,}$/;
const email: Check<string> = (value) => (emailPattern.test(value) ? { value } : { problem: 'must be an email address' });

// As z.coerce.number().positive(): Number(value), finite and above zero.
const positiveNumber: Check<number> = (value) => {
  const n = Number(value);
  return Number.isFinite(n) && n > 0 ? { value: n } : { problem: 'must be a number above 0' };
};

type Rule = { check: Check<unknown>; required: true } | { check: Check<unknown>; default?: unknown };

const rules: Record<keyof Config, Rule> = {
  TIMEPOINT_BASE_URL: { check: (v) => mapValue(url(v), (u) => u.replace(/\/+$/, '')), required: true },
  RESEARCH_TABLE: { check: text(3), required: true },
  CONTACTS_TABLE: { check: text(3), required: true },
  AWS_REGION: { check: text(), default: 'eu-west-2' },
  DYNAMODB_ENDPOINT: { check: url },
  SES_ENDPOINT: { check: url },
  SES_CONFIGURATION_SET: { check: text() },
  TIMEPOINT_SYSTEM_SENDER: { check: email, default: 'no-reply@example.org' },
  TIMEPOINT_MAX_SEND_RATE: { check: positiveNumber, default: 10 },
  TIMEPOINT_ALLOCATION_KMS_KEY: { check: text(1) },
  TIMEPOINT_ALLOCATION_KEY_FILE: { check: text(1) },
  TIMEPOINT_SCORING_PLUGINS: { check: text() },
  TIMEPOINT_ORIGIN_SECRET: { check: text(32) },
  TIMEPOINT_ORIGIN_SECRET_PREVIOUS: { check: text() },
};

function mapValue<T, U>(result: { value: T } | { problem: string }, f: (value: T) => U): { value: U } | { problem: string } {
  return 'value' in result ? { value: f(result.value) } : result;
}

/** The settings of `env` this platform reads, checked, with their defaults; throws naming every bad setting. */
export function loadConfig(env: Record<string, string | undefined>): Config {
  const config: Record<string, unknown> = {};
  const problems: string[] = [];
  for (const [key, rule] of Object.entries(rules)) {
    const value = env[key];
    if (value === undefined) {
      if ('required' in rule) problems.push(`${key}: is required`);
      else if (rule.default !== undefined) config[key] = rule.default;
      continue;
    }
    const result = rule.check(value);
    if ('problem' in result) problems.push(`${key}: ${result.problem}`);
    else config[key] = result.value;
  }
  if (problems.length > 0) throw new Error(`invalid configuration: ${problems.join('; ')}`);
  return config as unknown as Config;
}
