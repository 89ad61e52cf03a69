import { isAppError } from '../../core/errors';
import { decideFailure } from '../../core/schedule/failure-decision';
import type { StoredMessage } from '../../core/schedule/records';
import type { SendTarget, SendTargets } from '../../core/ports';
import { deliver, messageKey, prepareDeliveries, type ClaimedGroup, type PreparedDelivery, type SendingPass } from './deliver';
import type { DispatchDeps, PassContext } from './pass-context';
import { consentDelivery, participantDelivery, type GroupDelivery } from './participant-sends';
import { createSendPacer } from './send-pacer';
import { wordingCheck } from './wording-check';

/**
 * Most recipients (instances, consent copies, staff messages) in one batch: claimed, read, prepared
 * and sent together. Two keys each in the research table's read (participant, instance), so one
 * 100-key BatchGetItem covers a batch.
 */
const MAX_BATCH = 50;

/**
 * Recipients per batch: about half a second of sends at the configured rate (at least the pass's
 * concurrency). The next batch is claimed, checked and prepared while this one sends, so a
 * batch's checks are read about a second before its last email leaves at most, as close as a
 * send waiting its turn at the pacer was before, and the pacer never waits on the database.
 */
export const batchSize = (settings: Pick<DispatchDeps['dispatch'], 'maxSendRate' | 'concurrency'>): number =>
  Math.min(MAX_BATCH, Math.max(settings.concurrency, Number.isFinite(settings.maxSendRate) ? Math.ceil(settings.maxSendRate / 2) : MAX_BATCH));

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
  const size = batchSize(deps.dispatch);
  const errors: unknown[] = [];
  for (;;) {
    const recovered = await deps.messages.listExpiredLeases(ctx.now(), ctx.limit);
    const due = [...recovered, ...(await deps.messages.listDue(ctx.now(), ctx.limit))];
    const wanted: StoredMessage[] = [];
    for (const message of due) if (await ctx.actsOn(message, messageKey(message))) wanted.push(message);
    const recipients = groupByRecipient(wanted);
    const batches: StoredMessage[][][] = [];
    for (let i = 0; i < recipients.length; i += size) batches.push(recipients.slice(i, i + size));
    let claimed = 0;
    // One batch ahead: the next is claimed, checked and prepared while this one is sent. A batch
    // prepared is always sent (its messages are claimed); none is started after the deadline.
    let next = batches.length > 0 && performance.now() <= deadline ? prepareBatch(pass, batches[0]!) : null;
    for (let i = 0; next !== null; i++) {
      const current = await next;
      next = i + 1 < batches.length && performance.now() <= deadline ? prepareBatch(pass, batches[i + 1]!) : null;
      claimed += current.claimed;
      await sendBatch(pass, current);
      errors.push(...current.errors);
    }
    // A failure in one batch (or recipient) does not stop the others; the first is reported once all are done.
    if (errors.length > 0) throw errors[0];
    // A batch that claimed nothing is all stale index reads or someone else's work: don't spin on it.
    if (due.length < ctx.limit || claimed === 0 || performance.now() > deadline) return;
  }
}

/** A batch claimed, checked and prepared: what it claimed, the deliveries to make, the errors met so far. */
interface PreparedBatch {
  claimed: number;
  groups: ClaimedGroup[];
  deliveries: PreparedDelivery[];
  errors: unknown[];
}

/**
 * One batch of recipients: each message claimed (one conditional write each, a few at once), then
 * what is still wanted checked with one batched consistent read, and the emails to send prepared:
 * their links stored in one batched write and their audit entries parked in one. Never rejects:
 * errors are collected, and what a failure left claimed but unsent is put back (releaseUnsettled).
 */
async function prepareBatch(pass: SendingPass, recipients: StoredMessage[][]): Promise<PreparedBatch> {
  const { deps } = pass;
  const batch: PreparedBatch = { claimed: 0, groups: [], deliveries: [], errors: [] };
  // A claim that fails (throttled) leaves its recipient to the next pass; the others go ahead.
  await inPool(recipients, deps.dispatch.concurrency, async (due) => {
    const group: ClaimedGroup = { messages: [], settled: new Set() };
    await claimGroup(pass, due, group).catch((error: unknown) => void batch.errors.push(error));
    if (group.messages.length > 0) batch.groups.push(group);
  });
  batch.claimed = batch.groups.reduce((n, g) => n + g.messages.length, 0);
  if (batch.groups.length === 0) return batch;
  try {
    const targets = await deps.sendTargets.read(batch.groups.flatMap(({ messages: [first] }) => (first!.kind === 'alert' || first!.kind === 'notice' ? [] : [targetOf(first!)])));
    const deliveries: GroupDelivery[] = [];
    // A recipient whose checks fail (the database unavailable for its hold, say) does not hold up the others.
    await inPool(batch.groups, deps.dispatch.concurrency, async (group) => {
      try {
        deliveries.push(...(await decide(pass, group, targets)));
      } catch (error) {
        batch.errors.push(error);
        await releaseUnsettled(pass, [group], error);
      }
    });
    batch.deliveries = await prepareDeliveries(pass, deliveries);
  } catch (error) {
    batch.errors.push(error);
    await releaseUnsettled(pass, batch.groups, error);
  }
  return batch;
}

/** Sends a prepared batch at the pacer's rate, a few at once, then appends the audit entries of the sends recorded. Never rejects. */
async function sendBatch(pass: SendingPass, batch: PreparedBatch): Promise<void> {
  const [first] = batch.deliveries;
  if (first === undefined) return;
  try {
    await inPool(batch.deliveries, pass.deps.dispatch.concurrency, async (delivery) => void (await deliver(pass, delivery)));
  } catch (error) {
    batch.errors.push(error);
    await releaseUnsettled(pass, batch.groups, error);
  }
  await first.audit.close().catch((error: unknown) => void batch.errors.push(error));
}

/** What a claimed recipient gets: its deliveries (at most one per instance); what is not wanted is held or skipped here. */
async function decide(pass: SendingPass, group: ClaimedGroup, targets: SendTargets): Promise<GroupDelivery[]> {
  const first = group.messages[0]!;
  const study = await pass.studyOf(first.studyId);
  if (first.kind === 'alert' || first.kind === 'notice') return group.messages.map((message) => ({ group, message, study, recipient: null }));
  if (first.kind === 'consent') {
    const deliveries: GroupDelivery[] = [];
    for (const message of group.messages) {
      const delivery = await consentDelivery(pass, group, message, study, targets);
      if (delivery) deliveries.push(delivery);
    }
    return deliveries;
  }
  const delivery = await participantDelivery(pass, group, study, targets);
  return delivery ? [delivery] : [];
}

/**
 * The database was unavailable (throttling, a timeout) before these reached the mailer: puts them
 * back, due at once, rather than leave them claimed until the lease runs out. One handed to the
 * mailer stays claimed: it may have been sent, and only the lease may decide to send it again.
 * Anything else (a bug) keeps the lease: retrying at once would only fail again.
 */
async function releaseUnsettled(pass: SendingPass, groups: ClaimedGroup[], error: unknown): Promise<void> {
  if (!isAppError(error) || error.kind !== 'unavailable') return;
  for (const group of groups) {
    for (const message of group.messages.filter((m) => !group.settled.has(messageKey(m)))) {
      const decision = decideFailure({ kind: 'interrupted', detail: error.message, messageKind: message.kind, attempts: message.attempts ?? 1, now: pass.now() }, pass.deps.dispatch);
      if (decision.action === 'retry') await pass.deps.messages.release(message, pass.claimant, decision.reason, decision.at).catch(() => {});
    }
  }
}

/** Claims a recipient's due messages, each with a write conditioned on exactly the state that was read. */
async function claimGroup(pass: SendingPass, due: StoredMessage[], group: ClaimedGroup): Promise<void> {
  const { deps } = pass;
  for (const message of due) {
    const at = pass.now();
    if (await deps.messages.claim(message, pass.claimant, at, deps.dispatch.leaseMs)) {
      group.messages.push({ ...message, status: 'claimed', attempts: (message.attempts ?? 0) + 1, claimedAt: at.toISOString() });
      if (message.status === 'claimed') pass.count('recovered');
    }
  }
}

/** What a participant message is checked against: the participant, their contact and (for a questionnaire) the instance. */
const targetOf = (m: StoredMessage): SendTarget => (m.kind === 'consent' ? { studyId: m.studyId, code: m.code } : { studyId: m.studyId, code: m.code, timepoint: m.timepoint });

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
