import { isAppError } from '../../core/errors';
import { decideFailure } from '../../core/schedule/failure-decision';
import type { StoredMessage } from '../../core/schedule/records';
import { deliver, messageKey, type ClaimedGroup, type SendingPass } from './deliver';
import type { PassContext } from './pass-context';
import { sendConsentCopy, sendToParticipant } from './participant-sends';
import { createSendPacer } from './send-pacer';
import { wordingCheck } from './wording-check';

/**
 * Sends what is due, batch after batch, until nothing is due or the pass's sending time
 * (`passBudgetMs`, less what `spentMs` says earlier steps took) is up; what is left waits for the
 * next pass. Each message is claimed first, including those whose claimant died.
 */
export async function sendDue(ctx: PassContext, spentMs: number): Promise<void> {
  const { deps } = ctx;
  const pass: SendingPass = {
    ...ctx,
    claimant: `dispatcher:${deps.secrets.id()}`,
    pacer: createSendPacer(deps.dispatch.maxSendRate, { now: () => performance.now(), sleep: deps.dispatch.sleep }),
    wording: wordingCheck(deps),
  };
  const deadline = performance.now() + deps.dispatch.passBudgetMs - spentMs;
  for (;;) {
    const recovered = await deps.messages.listExpiredLeases(ctx.now(), ctx.limit);
    const due = [...recovered, ...(await deps.messages.listDue(ctx.now(), ctx.limit))];
    const wanted: StoredMessage[] = [];
    for (const message of due) if (await ctx.actsOn(message, messageKey(message))) wanted.push(message);
    let claimed = 0;
    // A few instances at a time (each is independent: its own claims and its own fresh reads); the pacer caps the rate.
    await inPool(groupByRecipient(wanted), deps.dispatch.concurrency, async (messages) => {
      if (performance.now() <= deadline) claimed += await sendGroup(pass, messages);
    });
    // A batch that claimed nothing is all stale index reads or someone else's work: don't spin on it.
    if (due.length < ctx.limit || claimed === 0 || performance.now() > deadline) return;
  }
}

/** Claims a group of due messages, then sends what is still wanted; returns how many it claimed. */
async function sendGroup(pass: SendingPass, due: StoredMessage[]): Promise<number> {
  const { deps } = pass;
  const group: ClaimedGroup = { messages: [], settled: new Set() };
  for (const message of due) {
    const at = pass.now();
    if (await deps.messages.claim(message, pass.claimant, at, deps.dispatch.leaseMs)) {
      group.messages.push({ ...message, status: 'claimed', attempts: (message.attempts ?? 0) + 1, claimedAt: at.toISOString() });
      if (message.status === 'claimed') pass.count('recovered');
    }
  }
  const [first] = group.messages;
  if (first === undefined) return 0;
  try {
    const study = await pass.studyOf(first.studyId);
    if (first.kind === 'alert' || first.kind === 'notice') {
      for (const message of group.messages) await deliver(pass, group, { message, study, recipient: null });
    } else if (first.kind === 'consent') {
      for (const message of group.messages) await sendConsentCopy(pass, group, message, study);
    } else {
      await sendToParticipant(pass, group, study);
    }
  } catch (error) {
    // The database was unavailable (throttling, a timeout) before these reached the mailer: put them
    // back, due at once, rather than leave them claimed until the lease runs out. One handed to the
    // mailer stays claimed: it may have been sent, and only the lease may decide to send it again.
    // Anything else (a bug) keeps the lease: retrying at once would only fail again.
    if (isAppError(error) && error.kind === 'unavailable') {
      for (const message of group.messages.filter((m) => !group.settled.has(messageKey(m)))) {
        const decision = decideFailure({ kind: 'interrupted', detail: error.message, messageKind: message.kind, attempts: message.attempts ?? 1, now: pass.now() }, deps.dispatch);
        if (decision.action === 'retry') await deps.messages.release(message, pass.claimant, decision.reason, decision.at).catch(() => {});
      }
    }
    throw error;
  }
  return group.messages.length;
}

/**
 * Runs `work` over `items` with at most `size` in flight. One item failing does not stop the
 * others (nor leave them running after this returns): all are done, then the first error is thrown.
 */
async function inPool<T>(items: T[], size: number, work: (item: T) => Promise<void>): Promise<void> {
  let next = 0;
  const errors: unknown[] = [];
  const worker = async () => {
    while (next < items.length) await work(items[next++]!).catch((error: unknown) => void errors.push(error));
  };
  await Promise.all(Array.from({ length: Math.max(1, Math.min(size, items.length)) }, worker));
  if (errors.length > 0) throw errors[0];
}

/** Participant messages grouped by instance (one decision per instance); staff messages and consent copies one by one. */
function groupByRecipient(messages: StoredMessage[]): StoredMessage[][] {
  const groups = new Map<string, StoredMessage[]>();
  for (const m of messages) {
    const key = m.kind === 'alert' || m.kind === 'notice' || m.kind === 'consent' ? messageKey(m) : `${m.studyId}|${m.code}|${m.timepoint}`;
    const group = groups.get(key);
    if (group === undefined) groups.set(key, [m]);
    else group.push(m);
  }
  return [...groups.values()];
}
