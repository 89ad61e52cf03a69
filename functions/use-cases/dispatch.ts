import { createHash } from 'node:crypto';
import { formatMailbox } from '../core/email/html';
import { oneClickUnsubscribeUrl, participantLink, unsubscribePageLink } from '../core/email/links';
import { isAppError } from '../core/errors';
import { renderConsentCopyEmail } from '../core/email/enrolment-emails';
import { renderAlertEmail, renderNoticeEmail, renderParticipantEmail, type RenderedEmail } from '../core/email/templates';
import { CONTACT_ERASED } from '../core/schedule/reconcile';
import type { Language } from '../core/i18n/language';
import { MailerError, type OutgoingEmail } from '../core/ports';
import { signedConsentPdf } from './consent-record';
import { redact } from '../core/redact';
import { urgentFlags } from '../core/safety/support-text';
import { decideSends, SYNTHETIC_NEVER_EMAILED } from '../core/schedule/send-decision';
import { sentStatuses, type StoredMessage } from '../core/schedule/records';
import type { Study } from '../core/study/study';
import type { Deps } from './deps';
import { auditEntry, recordAudit } from './audit';
import { wordingInstalled } from './battery';
import { planAndStore } from './plan-participant';
import { createFromSlot } from './allocate-participant';
import { completionAudit } from './submit-answers';
import { runImportJobs } from './import-jobs';

export interface DispatchReport {
  /** Allocating enrolments interrupted after their slot was written, finished from the slot. */
  enrolmentsFinished: number;
  /** Participants (re)planned. */
  planned: number;
  /** Completions whose follow-up (alerts, anchored timepoints) was done. */
  followedUp: number;
  expired: number;
  sent: number;
  skipped: number;
  /** Transient failures put back for a later retry. */
  retried: number;
  /** Held: not sent because an instrument's licensed wording is not installed (checked again in a few minutes). */
  held: number;
  failed: number;
  /** Claims of dead dispatchers taken over after their lease ran out. */
  recovered: number;
  /** Work due for participants this pass may not act on (time travel acts on test participants only). */
  leftAlone: number;
  /** Audit entries of changes whose writer died before appending them, appended now. */
  auditsRecovered: number;
  /** Participants enrolled from import jobs (import-jobs.ts), within `dispatch.importBudgetMs`. */
  imported: number;
  /** Import chunks whose enrolment failed for a reason not the rows' own (the database unavailable): retried once their lease lapses. */
  importErrors: number;
}

export interface DispatchOptions {
  /** Items of each kind of work handled per pass. */
  limit?: number;
  /**
   * Act only on test participants, leaving everyone else's due work untouched: what a pass on a
   * moved clock (time travel, `timepoint dispatch --now`) must do, so that it can never send real
   * participants early mail, expire their questionnaires or skip their reminders.
   */
  onlyTestParticipants?: boolean;
  /**
   * The demo seeding's passes (on its virtual clock) act on synthetic demo participants' records
   * only; every other pass leaves those alone (they are a snapshot, never emailed).
   */
  synthetic?: boolean;
}

type DispatchDeps = Pick<
  Deps,
  | 'studies'
  | 'participants'
  | 'contacts'
  | 'instances'
  | 'messages'
  | 'links'
  | 'mailer'
  | 'audit'
  | 'auditOutbox'
  | 'clock'
  | 'secrets'
  | 'baseUrl'
  | 'dispatch'
  | 'catalogue'
  | 'licensedTexts'
  | 'allocations'
  | 'consents'
  | 'importJobs'
  | 'sealer'
  | 'random'
>;

/**
 * One dispatcher pass, the same locally (a timer) and in AWS (a scheduled Lambda). Every step
 * reads its work from the sparse due index and ends it with a conditional write, so a pass may
 * overlap another or die at any point: the next pass picks up exactly what is left.
 *
 * 0. append the audit entries of changes whose writer died before it could (see audited-write.ts);
 *    enrol queued import jobs' chunks, within a budget (their participants are planned in step 1);
 * 1. (re)plan participants who asked for it (enrolment, edits, withdrawal, protocol migration,
 *    revoked links, which this carries to their instances);
 * 2. follow up completions: the completion's audit entry (again: idempotent), safety alerts for
 *    urgent answers, then re-plan (anchored timepoints start; reminders of the completed one are cancelled);
 * 0b. finish allocating enrolments that stopped after writing their slot (the participant is created from it);
 * 3. expire instances whose window has closed (a started one gets its grace period first);
 * 4. send what is due, after claiming it, including messages whose claimant died.
 */
export async function runDispatch(deps: DispatchDeps, options: DispatchOptions = {}): Promise<DispatchReport> {
  const limit = options.limit ?? 500;
  const report: DispatchReport = { enrolmentsFinished: 0, planned: 0, followedUp: 0, expired: 0, sent: 0, skipped: 0, retried: 0, failed: 0, recovered: 0, auditsRecovered: 0, held: 0, leftAlone: 0, imported: 0, importErrors: 0 };
  const now = () => deps.clock.now();
  const studies = new Map<string, Promise<Study | null>>();
  const studyOf = (id: string) => {
    if (!studies.has(id)) studies.set(id, deps.studies.get(id));
    return studies.get(id)!;
  };

  const isTest = new Map<string, Promise<boolean>>();
  const leftAlone = new Set<string>();
  /**
   * Whether this pass may act on a participant's work: a synthetic demo participant's only in the
   * seeding's passes (and nothing else there); a test participant's only, under time travel.
   */
  const actsOn = async (item: { studyId: string; code: string; synthetic?: boolean }, work: string) => {
    if (item.synthetic !== undefined || options.synthetic) {
      if (Boolean(item.synthetic) !== Boolean(options.synthetic)) return false;
    }
    if (!options.onlyTestParticipants) return true;
    const key = `${item.studyId}|${item.code}`;
    if (!isTest.has(key)) isTest.set(key, deps.participants.get(item.studyId, item.code).then((p) => p?.test === true));
    const acts = await isTest.get(key)!;
    if (!acts) {
      leftAlone.add(`${work}|${key}`);
      report.leftAlone = leftAlone.size;
    }
    return acts;
  };

  report.auditsRecovered = await deps.auditOutbox.recover(now(), limit);
  // Real work on the real clock only: never in a pass on a moved clock or the demo seeding's.
  const importStarted = performance.now();
  if (!options.onlyTestParticipants && !options.synthetic) {
    const imports = await runImportJobs(deps, { budgetMs: deps.dispatch.importBudgetMs });
    report.imported = imports.enrolled;
    report.importErrors = imports.errors.length;
  }
  const importMs = performance.now() - importStarted;

  // Real enrolments only: the demo seeding's and time travel's passes act on synthetic or test participants, never allocated.
  const slots = options.synthetic || options.onlyTestParticipants ? [] : await deps.allocations.listPending(now(), limit);
  for (const slot of slots) {
    const outcome = await createFromSlot(deps, slot).catch((error: unknown) => {
      // Its code was taken meanwhile: the slot is now marked unused, which settles it.
      if (isAppError(error) && error.kind === 'conflict') return 'void' as const;
      throw error;
    });
    if (outcome === 'created') report.enrolmentsFinished++;
  }

  for (const request of await deps.participants.listPlanRequests(now(), limit)) {
    if (!(await actsOn(request, 'plan'))) continue;
    await planAndStore(deps, request.studyId, request.code);
    await deps.participants.clearPlanRequest(request.studyId, request.code, request.requestedAt);
    report.planned++;
  }

  for (const instance of await deps.instances.listPendingCompletions(now(), limit)) {
    if (!(await actsOn(instance, `done|${instance.timepoint}`))) continue;
    // The request that completed it writes this entry too; if it died first, this one counts (same key: once).
    const { entry, once } = completionAudit(instance);
    await recordAudit(deps, entry, once);
    const flags = urgentFlags(instance.scores ?? []);
    if (flags.length > 0) {
      await deps.messages.createOnce({
        studyId: instance.studyId,
        code: instance.code,
        timepoint: instance.timepoint,
        kind: 'alert',
        n: 0,
        sendAt: instance.completedAt!,
        flags,
        ...(instance.synthetic ? { synthetic: true } : {}),
      });
    }
    await planAndStore(deps, instance.studyId, instance.code);
    await deps.instances.clearPendingCompletion(instance);
    report.followedUp++;
  }

  for (const instance of await deps.instances.listDueExpiries(now(), limit)) {
    if (!(await actsOn(instance, `expire|${instance.timepoint}`))) continue;
    const graceEnds = new Date(Date.parse(instance.closesAt) + deps.dispatch.startedGraceMs).toISOString();
    if (instance.status === 'started' && now().toISOString() < graceEnds) {
      await deps.instances.postponeExpiry(instance, graceEnds);
    } else {
      const reason = instance.status === 'started' ? 'grace period ended' : 'window closed';
      const audit = auditEntry(deps, {
        scope: `study:${instance.studyId}`,
        actor: 'system:dispatcher',
        action: 'instance.expired',
        target: `instance:${instance.code}/${instance.timepoint}`,
        before: { status: instance.status },
        after: { status: 'expired', reason },
      });
      if (await deps.instances.end(instance, 'expired', reason, now(), audit)) report.expired++;
    }
  }

  const claimant = `dispatcher:${deps.secrets.id()}`;
  const pacer = createPacer(deps.dispatch);
  const wording = wordingCheck(deps);
  // Batch after batch until nothing is due or the pass's time is up; what is left waits for the next pass.
  const deadline = performance.now() + deps.dispatch.passBudgetMs - importMs;
  for (;;) {
    const recovered = await deps.messages.listExpiredLeases(now(), limit);
    const due = [...recovered, ...(await deps.messages.listDue(now(), limit))];
    let claimed = 0;
    const wanted: StoredMessage[] = [];
    for (const message of due) if (await actsOn(message, messageKey(message))) wanted.push(message);
    const groups = groupByRecipient(wanted);
    // A few instances at a time (each is independent: its own claims and its own fresh reads); the pacer caps the rate.
    await inPool(groups, deps.dispatch.concurrency, async (group) => {
      if (performance.now() <= deadline) claimed += await sendGroup(deps, claimant, group, studyOf, pacer, report, wording);
    });
    // A batch that claimed nothing is all stale index reads or someone else's work: don't spin on it.
    if (due.length < limit || claimed === 0 || performance.now() > deadline) return report;
  }
}

/** Claims a group of due messages, then sends what is still wanted; returns how many it claimed. */
async function sendGroup(
  deps: DispatchDeps,
  claimant: string,
  group: StoredMessage[],
  studyOf: (id: string) => Promise<Study | null>,
  pacer: Pacer,
  report: DispatchReport,
  wording: WordingCheck,
): Promise<number> {
  const claimed: StoredMessage[] = [];
  for (const message of group) {
    const at = deps.clock.now();
    if (await deps.messages.claim(message, claimant, at, deps.dispatch.leaseMs)) {
      claimed.push({ ...message, status: 'claimed', attempts: (message.attempts ?? 0) + 1, claimedAt: at.toISOString() });
      if (message.status === 'claimed') report.recovered++;
    }
  }
  if (claimed.length === 0) return 0;
  const handed = new Set<string>();
  try {
    const study = await studyOf(claimed[0]!.studyId);
    if (claimed[0]!.kind === 'alert' || claimed[0]!.kind === 'notice') {
      for (const message of claimed) await deliver(deps, claimant, message, study, null, pacer, report, handed);
    } else if (claimed[0]!.kind === 'consent') {
      for (const message of claimed) await sendConsentCopy(deps, claimant, message, study, pacer, report, handed);
    } else {
      await sendToParticipant(deps, claimant, claimed, study, pacer, report, handed, wording);
    }
  } catch (error) {
    // The database was unavailable (throttling, a timeout) before these reached the mailer: put them
    // back, due at once, rather than leave them claimed until the lease runs out. One handed to the
    // mailer stays claimed: it may have been sent, and only the lease may decide to send it again.
    // Anything else (a bug) keeps the lease: retrying at once would only fail again.
    if (isAppError(error) && error.kind === 'unavailable') {
      const reason = `attempt interrupted: ${redact(error.message)}`;
      for (const message of claimed.filter((m) => !handed.has(messageKey(m)))) {
        await deps.messages.release(message, claimant, reason, deps.clock.now()).catch(() => {});
      }
    }
    throw error;
  }
  return claimed.length;
}

const messageKey = (m: StoredMessage) => `${m.studyId}|${m.code}|${m.timepoint}|${m.kind}|${m.n}`;

/** A participant's due invitation or reminders for one instance: re-checked with fresh reads, at most one sent. */
async function sendToParticipant(
  deps: DispatchDeps,
  claimant: string,
  claimed: StoredMessage[],
  study: Study | null,
  pacer: Pacer,
  report: DispatchReport,
  handed: Set<string>,
  wording: WordingCheck,
) {
  const { studyId, code, timepoint } = claimed[0]!;
  // The ledger's history only matters for a reminder (was an invitation sent?): an invitation or resend skips the read.
  const needsHistory = claimed.every((m) => m.kind === 'reminder');
  const [participant, instance, contact, history] = await Promise.all([
    deps.participants.get(studyId, code),
    deps.instances.get(studyId, code, timepoint),
    deps.contacts.get(studyId, code),
    needsHistory ? deps.messages.listForParticipant(studyId, code) : Promise.resolve([]),
  ]);
  const invitationSent = history.some((m) => m.timepoint === timepoint && (m.kind === 'invitation' || m.kind === 'resend') && sentStatuses.has(m.status));
  const missingWording = instance === null ? [] : await wording(instance.instruments);
  for (const decision of decideSends(claimed, { participant, instance, contact, invitationSent, missingWording, now: deps.clock.now() })) {
    if (!decision.send && 'hold' in decision) {
      const recheckAt = new Date(deps.clock.now().getTime() + deps.dispatch.heldRecheckMs);
      await deps.messages.hold(decision.message, claimant, decision.reason, recheckAt);
      handed.add(messageKey(decision.message));
      report.held++;
      continue;
    }
    if (!decision.send) {
      await deps.messages.markSkipped(decision.message, claimant, decision.reason, deps.clock.now());
      handed.add(messageKey(decision.message));
      report.skipped++;
      continue;
    }
    // Links are minted under the participant's current generation, read just now with the address.
    const recipient = { to: contact!.email, timezone: participant!.timezone, closesAt: instance!.closesAt, language: participant!.language ?? 'en', linkEpoch: participant!.linkEpoch ?? 0, test: participant!.test === true };
    const sent = await deliver(deps, claimant, decision.message, study, recipient, pacer, report, handed);
    if (sent && decision.message.kind === 'invitation') await deps.instances.markOpened(studyId, code, timepoint, deps.clock.now());
  }
}

/**
 * A participant's copy of their signed consent, checked with fresh reads: not to an erased,
 * bounced or unsubscribed address (the record stays downloadable by the study team).
 */
async function sendConsentCopy(deps: DispatchDeps, claimant: string, message: StoredMessage, study: Study | null, pacer: Pacer, report: DispatchReport, handed: Set<string>) {
  const [participant, contact] = await Promise.all([deps.participants.get(message.studyId, message.code), deps.contacts.get(message.studyId, message.code)]);
  const stop =
    participant === null ? 'participant not found'
    : participant.synthetic ? SYNTHETIC_NEVER_EMAILED
    : participant.contactErasedAt !== undefined ? CONTACT_ERASED
    : contact === null ? 'no contact email on file'
    : contact.suppressed ? `address suppressed: ${contact.suppressed.reason}`
    : contact.unsubscribedAt ? 'participant unsubscribed'
    : null;
  if (stop !== null) {
    await deps.messages.markSkipped(message, claimant, stop, deps.clock.now());
    handed.add(messageKey(message));
    report.skipped++;
    return;
  }
  await deliver(deps, claimant, message, study, { to: contact!.email, timezone: participant!.timezone, closesAt: '', language: participant!.language ?? 'en', linkEpoch: participant!.linkEpoch ?? 0, test: participant!.test === true }, pacer, report, handed);
}

/** Renders, sends and records one claimed message; transient failures go back for a later retry. */
async function deliver(
  deps: DispatchDeps,
  claimant: string,
  message: StoredMessage,
  study: Study | null,
  participant: Recipient | null,
  pacer: Pacer,
  report: DispatchReport,
  /** Messages that reached the mailer (or were settled): never released back after a failure. */
  handed: Set<string>,
): Promise<boolean> {
  const email = study === null ? null : await render(deps, message, study, participant);
  if (email === null) {
    await deps.messages.markFailed(message, claimant, study === null ? 'study no longer exists' : 'no recipient: the study has no contact for this message', deps.clock.now());
    report.failed++;
    return false;
  }
  await pacer.wait();
  handed.add(messageKey(message));
  let providerId: string;
  try {
    ({ messageId: providerId } = await deps.mailer.send(email));
  } catch (error) {
    // Whatever the mailer says goes into the ledger (research data): never an address or a token.
    const reason = redact(error instanceof Error ? error.message : String(error));
    const attempts = message.attempts ?? 1;
    const transient = error instanceof MailerError ? error.transient : true;
    // The provider may have taken it: a participant must never get the same email twice, so it is
    // parked with the reason (the console lists it; a coordinator can resend). A safety alert goes to
    // staff, for whom a duplicate is far better than a missed alert: it is retried.
    if (error instanceof MailerError && error.mayHaveBeenSent && message.kind !== 'alert') {
      await deps.messages.markFailed(message, claimant, `outcome unknown, not retried so that it cannot arrive twice (it may have been delivered): ${reason}`, deps.clock.now());
      report.failed++;
      return false;
    }
    if ((transient || (error instanceof MailerError && error.mayHaveBeenSent)) && attempts < deps.dispatch.maxAttempts) {
      const delays = deps.dispatch.retryDelaysMs;
      const delay = delays[Math.min(attempts - 1, delays.length - 1)] ?? 60_000;
      await deps.messages.release(message, claimant, `attempt ${attempts} failed: ${reason}`, new Date(deps.clock.now().getTime() + delay));
      report.retried++;
    } else {
      await deps.messages.markFailed(message, claimant, transient ? `gave up after ${attempts} attempts: ${reason}` : `refused: ${reason}`, deps.clock.now());
      report.failed++;
    }
    return false;
  }
  // Outside the try: once SES has accepted, a failing ledger write must not look like a failed send
  // (that would resend at once). It propagates; the claim's lease expiry is the only path to a resend.
  // False only if our lease ran out and another dispatcher took over (it records the send it makes).
  // An email leaving Timepoint is a change the trail must show (with the write that records it);
  // never its address, only whose instance it concerns.
  const audit = auditEntry(deps, {
    scope: `study:${message.studyId}`,
    actor: 'system:dispatcher',
    action: 'message.sent',
    target: `instance:${message.code}/${message.timepoint}`,
    after: { kind: message.kind, n: message.n },
  });
  await deps.messages.markSent(message, claimant, providerId, deps.clock.now(), audit);
  report.sent++;
  return true;
}

async function render(
  deps: DispatchDeps,
  message: StoredMessage,
  study: Study,
  participant: Recipient | null,
): Promise<(RenderedEmail & Pick<OutgoingEmail, 'from' | 'to' | 'messageId' | 'headers' | 'attachments'>) | null> {
  const from = formatMailbox(study.sender.name, study.sender.email);
  // Stable per ledger message: a resend after a crash carries the same Message-ID, which mail systems de-duplicate.
  const key = `${message.studyId}|${message.code}|${message.timepoint}|${message.kind}|${message.n}`;
  const messageId = `<${createHash('sha256').update(key).digest('hex').slice(0, 32)}@${study.sender.email.split('@')[1]}>`;
  const consoleLink = `${deps.baseUrl}/`;

  if (message.kind === 'alert') {
    const to = study.contacts.filter((c) => c.safety).map((c) => c.email);
    if (to.length === 0) return null;
    return { from, to, messageId, ...renderAlertEmail({ study, code: message.code, timepoint: message.timepoint, flags: message.flags ?? [], consoleLink }) };
  }
  if (message.kind === 'notice') {
    const to = study.contacts.map((c) => c.email);
    if (to.length === 0) return null;
    return { from, to, messageId, ...renderNoticeEmail({ study, code: message.code, reason: message.reason ?? 'delivery failed', consoleLink }) };
  }
  if (message.kind === 'consent') {
    if (participant === null) return null;
    const version = message.timepoint.replace(/^consent@/, '');
    const attachment = await consentAttachment(deps, study, message.code, version, participant.timezone);
    if (attachment === null) return null;
    const content = renderConsentCopyEmail({ study, version, agreedAt: attachment.agreedAt, timezone: participant.timezone, language: attachment.language });
    return { from, to: [participant.to], messageId, attachments: [attachment.file], ...content };
  }
  const timepoint = study.protocol.timepoints.find((t) => t.id === message.timepoint) ?? null;
  if (participant === null || timepoint === null) return null;
  // Fresh tokens per email: only their hashes are stored, so no link can be rebuilt from the database.
  const token = deps.secrets.token();
  const unsubscribeToken = deps.secrets.token();
  const createdAt = deps.clock.now().toISOString();
  const epoch = participant.linkEpoch;
  await Promise.all([
    deps.links.put(deps.secrets.hash(token), { studyId: message.studyId, code: message.code, timepoint: message.timepoint, createdAt, epoch }),
    deps.links.putUnsubscribe(deps.secrets.hash(unsubscribeToken), { studyId: message.studyId, code: message.code, createdAt, epoch }),
  ]);
  const content = renderParticipantEmail({
    study,
    timepoint,
    kind: message.kind,
    link: participantLink(deps.baseUrl, token),
    unsubscribeLink: unsubscribePageLink(deps.baseUrl, unsubscribeToken),
    closesAt: participant.closesAt,
    timezone: participant.timezone,
    language: participant.language,
    test: participant.test,
  });
  return {
    from,
    to: [participant.to],
    messageId,
    // RFC 8058 one-click unsubscribe: mail providers POST to this URL.
    headers: { 'List-Unsubscribe': `<${oneClickUnsubscribeUrl(deps.baseUrl, unsubscribeToken)}>`, 'List-Unsubscribe-Post': 'List-Unsubscribe=One-Click' },
    ...content,
  };
}

/** The signed record of a participant's consent to `version`, as the PDF to attach (null when there is none to send). */
async function consentAttachment(deps: DispatchDeps, study: Study, code: string, version: string, timezone: string) {
  const record = await deps.consents.getRecord(study.id, code, version);
  if (record === null) return null;
  const pdf = await signedConsentPdf(deps, study, record, timezone);
  return { agreedAt: record.agreedAt, language: record.language, file: { filename: pdf.filename, contentType: 'application/pdf', content: pdf.bytes } };
}

type WordingCheck = (instruments: Array<{ id: string; version: string }>) => Promise<string[]>;

/**
 * The instruments of a battery whose licensed wording this deployment lacks (`id@version`), each
 * looked up once per pass. An instrument the catalogue lacks counts as missing too: its page
 * could not be shown either.
 */
function wordingCheck(deps: Pick<DispatchDeps, 'catalogue' | 'licensedTexts'>): WordingCheck {
  const installed = new Map<string, Promise<boolean>>();
  const has = (id: string, version: string) => {
    const key = `${id}@${version}`;
    if (!installed.has(key)) installed.set(key, wordingInstalled(deps, id, version));
    return installed.get(key)!;
  };
  return async (instruments) => {
    const present = await Promise.all(instruments.map(({ id, version }) => has(id, version)));
    return instruments.filter((_, i) => !present[i]).map(({ id, version }) => `${id}@${version}`);
  };
}

/** Where and how a participant email goes. */
interface Recipient {
  to: string;
  timezone: string;
  closesAt: string;
  language: Language;
  /** The participant's link generation: a revocation after this read makes these links dead on arrival, never the reverse. */
  linkEpoch: number;
  test: boolean;
}

interface Pacer {
  wait(): Promise<void>;
}

/**
 * Spaces sends to stay under the sending quota, across concurrent senders: each send reserves
 * the next free slot, at least one interval after the previous one, and waits for it.
 */
function createPacer(settings: Deps['dispatch']): Pacer {
  const interval = 1000 / settings.maxSendRate;
  let nextSlot = -Infinity;
  return {
    async wait() {
      const now = performance.now();
      const slot = Math.max(now, nextSlot);
      nextSlot = slot + interval;
      if (slot > now) await settings.sleep(slot - now);
    },
  };
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

/** Participant messages grouped by instance (one decision per instance); staff messages one by one. */
function groupByRecipient(messages: StoredMessage[]): StoredMessage[][] {
  const groups = new Map<string, StoredMessage[]>();
  for (const m of messages) {
    const key = m.kind === 'alert' || m.kind === 'notice' || m.kind === 'consent' ? `${m.studyId}|${m.code}|${m.timepoint}|${m.kind}|${m.n}` : `${m.studyId}|${m.code}|${m.timepoint}`;
    groups.set(key, [...(groups.get(key) ?? []), m]);
  }
  return [...groups.values()];
}
