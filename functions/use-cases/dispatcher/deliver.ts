import { composeEmail } from '../../core/email/compose-email';
import { MailerError, type SendAudit } from '../../core/ports';
import { decideFailure, type FailureDecision, type FailureKind } from '../../core/schedule/failure-decision';
import type { StoredMessage } from '../../core/schedule/records';
import type { Study } from '../../core/study/study';
import { auditEntry } from '../audit';
import { gatherMaterial, type Material, type Recipient } from './email-material';
import type { PassContext } from './pass-context';
import type { SendPacer } from './send-pacer';
import type { WordingCheck } from './wording-check';

/** The sending step's share of the pass: who claims, the pacer all its senders share, the per-pass wording lookups. */
export interface SendingPass extends PassContext {
  /** This pass's name on its claims. */
  readonly claimant: string;
  readonly pacer: SendPacer;
  readonly wording: WordingCheck;
}

/**
 * Messages claimed together (an instance's due participant messages, or one staff message) and
 * which of them reached the mailer or were settled: those are never released after a failure.
 */
export interface ClaimedGroup {
  readonly messages: StoredMessage[];
  readonly settled: Set<string>;
}

export const messageKey = (m: StoredMessage) => `${m.studyId}|${m.code}|${m.timepoint}|${m.kind}|${m.n}`;

/** One claimed message to deliver, and what follows an accepted send (an invitation opens its instance). */
export interface Delivery {
  message: StoredMessage;
  study: Study | null;
  /** The participant's address and details (null for staff messages). */
  recipient: Recipient | null;
  afterSend?: () => Promise<unknown>;
}

/** A delivery with its email's material gathered (null: nothing to send to), its group, and the audit of its batch. */
export interface PreparedDelivery extends Delivery {
  group: ClaimedGroup;
  material: Material | null;
  audit: SendAudit;
}

/** The audit entry an email leaving Timepoint leaves in the trail: never its address, only whose instance it concerns. */
const sentEntry = (deps: SendingPass['deps'], message: StoredMessage) =>
  auditEntry(deps, {
    scope: `study:${message.studyId}`,
    actor: 'system:dispatcher',
    action: 'message.sent',
    target: `instance:${message.code}/${message.timepoint}`,
    after: { kind: message.kind, n: message.n },
  });

/**
 * Gathers the material of a batch's deliveries, then stores every link they carry in one batched
 * write: each email's link is valid before any of the batch's emails leaves. A link whose email
 * is then not sent (the send failed) is harmless: its token never left the process.
 */
export async function prepareDeliveries(pass: SendingPass, deliveries: Array<Delivery & { group: ClaimedGroup }>): Promise<PreparedDelivery[]> {
  const { deps } = pass;
  const gathered = await Promise.all(
    deliveries.map(async (d) => ({ ...d, material: d.study === null ? null : await gatherMaterial(deps, d.message, d.study, d.recipient) })),
  );
  const links = gathered.flatMap((d) => (d.material?.links ? [d.material.links] : []));
  if (links.length > 0) await deps.links.putMany(links);
  // Every email that may leave has its entry parked before the first one does (see MessageRepository.auditSends).
  const audit = await deps.messages.auditSends(gathered.filter((d) => d.material !== null).map(({ message }) => ({ message, entry: sentEntry(deps, message) })));
  return gathered.map((d) => ({ ...d, audit }));
}

/** How a mailer's failure reads to the failure policy. */
export function failureKindOf(error: unknown): FailureKind {
  if (!(error instanceof MailerError)) return 'transient';
  if (error.mayHaveBeenSent) return 'outcome-unknown';
  return error.transient ? 'transient' : 'refused';
}

/** Carries out the failure policy's decision on a claimed message. */
export async function applyFailure(pass: SendingPass, message: StoredMessage, decision: FailureDecision): Promise<void> {
  if (decision.action === 'retry') {
    await pass.deps.messages.release(message, pass.claimant, decision.reason, decision.at);
    pass.count('retried');
  } else {
    await pass.deps.messages.markFailed(message, pass.claimant, decision.reason, pass.now());
    pass.count('failed');
  }
}

/**
 * Composes, sends and records one claimed, prepared message; returns whether the mailer accepted
 * it. A failed send is handled by the failure policy (core/schedule/failure-decision.ts).
 */
export async function deliver(pass: SendingPass, { group, message, study, material, audit, afterSend }: PreparedDelivery): Promise<boolean> {
  const { deps } = pass;
  const email = study === null || material === null ? null : composeEmail(message, study, deps.baseUrl, material.material);
  if (email === null) {
    await deps.messages.markFailed(message, pass.claimant, study === null ? 'study no longer exists' : 'no recipient: the study has no contact for this message', pass.now());
    pass.count('failed');
    return false;
  }
  let providerId: string;
  try {
    ({ messageId: providerId } = await pass.pacer.paced(() => {
      group.settled.add(messageKey(message));
      return deps.mailer.send(email);
    }));
  } catch (error) {
    const detail = error instanceof Error ? error.message : String(error);
    const decision = decideFailure({ kind: failureKindOf(error), detail, messageKind: message.kind, attempts: message.attempts ?? 1, now: pass.now() }, deps.dispatch);
    await applyFailure(pass, message, decision);
    return false;
  }
  // Outside the try: once SES has accepted, a failing ledger write must not look like a failed send
  // (that would resend at once). It propagates; the claim's lease expiry is the only path to a resend.
  // The write answers false only if our lease ran out and another dispatcher took over (it records
  // the send it makes). The write carries the send's audit entry (the batch's audit appends it).
  // The two writes touch different records and neither waits on the other.
  const [recorded, followed] = await Promise.allSettled([audit.markSent(message, pass.claimant, providerId, pass.now()), afterSend?.()]);
  if (recorded.status === 'rejected') throw recorded.reason;
  pass.count('sent');
  if (followed.status === 'rejected') throw followed.reason;
  return true;
}
