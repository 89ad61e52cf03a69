import { describe, expect, it } from 'vitest';
import { decideFailure, type FailedAttempt } from '../../functions/core/schedule/failure-decision';

const now = new Date('2026-03-02T09:00:00.000Z');
const policy = { maxAttempts: 5, retryDelaysMs: [60_000, 5 * 60_000, 15 * 60_000, 60 * 60_000] };
const attempt = (over: Partial<FailedAttempt>): FailedAttempt => ({ kind: 'transient', detail: 'Throttling: Maximum sending rate exceeded', messageKind: 'invitation', attempts: 1, now, ...over });
const minutesLater = (decision: ReturnType<typeof decideFailure>) => (decision.action === 'retry' ? (decision.at.getTime() - now.getTime()) / 60_000 : null);

describe('what the dispatcher does with a failed delivery', () => {
  it('retries a transient failure after 1, 5, 15 and 60 minutes, the ladder read by the attempt number', () => {
    expect([1, 2, 3, 4].map((attempts) => minutesLater(decideFailure(attempt({ attempts }), policy)))).toEqual([1, 5, 15, 60]);
  });

  it('repeats the ladder’s last step once the ladder is shorter than the attempts allowed', () => {
    expect(minutesLater(decideFailure(attempt({ attempts: 4 }), { maxAttempts: 9, retryDelaysMs: [1000, 2000] }))).toBe(2000 / 60_000);
  });

  it('retries a minute later when the ladder is empty', () => {
    expect(minutesLater(decideFailure(attempt({ attempts: 1 }), { maxAttempts: 5, retryDelaysMs: [] }))).toBe(1);
  });

  it('names the attempt and what the mailer said in the retry’s reason', () => {
    expect(decideFailure(attempt({ attempts: 2 }), policy)).toMatchObject({ action: 'retry', reason: 'attempt 2 failed: Throttling: Maximum sending rate exceeded' });
  });

  it('gives up on a transient failure once the attempts are used up, saying how many there were', () => {
    expect(decideFailure(attempt({ attempts: 5 }), policy)).toEqual({ action: 'give-up', reason: 'gave up after 5 attempts: Throttling: Maximum sending rate exceeded' });
  });

  it('gives up at once on a refusal, whatever the attempts left', () => {
    expect(decideFailure(attempt({ kind: 'refused', detail: 'MessageRejected', attempts: 1 }), policy)).toEqual({ action: 'give-up', reason: 'refused: MessageRejected' });
  });

  it('parks a participant email whose outcome is unknown rather than risk it arriving twice', () => {
    for (const messageKind of ['invitation', 'reminder', 'resend', 'notice', 'consent'] as const) {
      expect(decideFailure(attempt({ kind: 'outcome-unknown', detail: 'socket hang up', messageKind }), policy)).toEqual({
        action: 'park',
        reason: 'outcome unknown, not retried so that it cannot arrive twice (it may have been delivered): socket hang up',
      });
    }
  });

  it('retries a safety alert whose outcome is unknown, since a duplicate alert beats a missed one, until its attempts run out', () => {
    expect(decideFailure(attempt({ kind: 'outcome-unknown', detail: 'socket hang up', messageKind: 'alert', attempts: 1 }), policy)).toMatchObject({ action: 'retry' });
    expect(minutesLater(decideFailure(attempt({ kind: 'outcome-unknown', detail: 'timeout', messageKind: 'alert', attempts: 3 }), policy))).toBe(15);
    expect(decideFailure(attempt({ kind: 'outcome-unknown', detail: 'timeout', messageKind: 'alert', attempts: 5 }), policy)).toEqual({ action: 'give-up', reason: 'gave up after 5 attempts: timeout' });
  });

  it('puts a message interrupted before the mailer back at once, without back-off, whatever its attempts', () => {
    expect(decideFailure(attempt({ kind: 'interrupted', detail: 'Throughput exceeded', attempts: 5 }), policy)).toEqual({
      action: 'retry',
      at: now,
      reason: 'attempt interrupted: Throughput exceeded',
    });
  });

  it('never writes an address or a token into the ledger’s reason', () => {
    const detail = 'Email address is not verified: ada@example.org (link https://x.test/p/AbCdEfGhIjKlMnOpQrStUvWxYz0123456789_-)';
    for (const kind of ['interrupted', 'transient', 'refused', 'outcome-unknown'] as const) {
      const { reason } = decideFailure(attempt({ kind, detail }), policy);
      expect(reason).not.toContain('ada@example.org');
      expect(reason).not.toContain('AbCdEfGhIjKlMnOpQrStUvWxYz0123456789');
      expect(reason).toContain('[email]');
    }
  });
});
