import { redact } from '../redact';
import type { MessageKind } from './records';

/**
 * How an attempt to deliver a claimed message went wrong, as far as the dispatcher can tell:
 * - `interrupted`: the database was unavailable (throttling, a timeout) before the message reached the mailer;
 * - `transient`: the mailer certainly took nothing and may take it later (throttled, unreachable, a server error);
 * - `refused`: the mailer refused it for good (an unverified sender, a malformed address);
 * - `outcome-unknown`: the request left but no answer came back: the provider may have accepted it.
 */
export type FailureKind = 'interrupted' | 'transient' | 'refused' | 'outcome-unknown';

export interface FailedAttempt {
  kind: FailureKind;
  /** What the mailer or the database said; redacted before it reaches the ledger. */
  detail: string;
  /** The message's kind: a safety alert is retried where a participant's email is not. */
  messageKind: MessageKind;
  /** Attempts so far, this one included (the claim counts them). */
  attempts: number;
  now: Date;
}

/** The retry settings the policy reads (see DispatchSettings). */
export interface RetryPolicy {
  /** Attempts before a message is given up on. */
  maxAttempts: number;
  /** Wait before the 1st, 2nd … retry (the last value repeats). */
  retryDelaysMs: readonly number[];
}

export type FailureDecision =
  /** Back to `planned`, due at `at`, with the reason on the ledger. */
  | { action: 'retry'; at: Date; reason: string }
  /** Parked as `failed` without another try: it may have been delivered, and a participant must never get it twice. */
  | { action: 'park'; reason: string }
  /** `failed`: refused for good, or out of attempts. */
  | { action: 'give-up'; reason: string };

/** Used when a retry ladder is empty. */
const FALLBACK_DELAY_MS = 60_000;

/**
 * What to do with a claimed message whose delivery failed. Whatever the mailer said goes into the
 * ledger (research data), so it is redacted here: never an address or a token.
 */
export function decideFailure(attempt: FailedAttempt, policy: RetryPolicy): FailureDecision {
  const detail = redact(attempt.detail);
  // Nothing reached the mailer: due again at once, without spending an attempt's back-off.
  if (attempt.kind === 'interrupted') return { action: 'retry', at: attempt.now, reason: `attempt interrupted: ${detail}` };
  // A safety alert goes to staff, for whom a duplicate is far better than a missed alert: it is retried.
  if (attempt.kind === 'outcome-unknown' && attempt.messageKind !== 'alert') {
    return { action: 'park', reason: `outcome unknown, not retried so that it cannot arrive twice (it may have been delivered): ${detail}` };
  }
  if (attempt.kind === 'refused') return { action: 'give-up', reason: `refused: ${detail}` };
  if (attempt.attempts >= policy.maxAttempts) return { action: 'give-up', reason: `gave up after ${attempt.attempts} attempts: ${detail}` };
  const delays = policy.retryDelaysMs;
  const delay = delays[Math.min(attempt.attempts - 1, delays.length - 1)] ?? FALLBACK_DELAY_MS;
  return { action: 'retry', at: new Date(attempt.now.getTime() + delay), reason: `attempt ${attempt.attempts} failed: ${detail}` };
}
