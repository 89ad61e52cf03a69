/**
 * Ports: what the use cases need from the outside world. Adapters in functions/adapters
 * implement them against DynamoDB, SES and the system; tests may pass fakes for pure units.
 */
import type { Participant, ParticipantConsent, Protocol, Study } from './study/study';
import type { StratumCounts } from './allocation/allocate';
import type { StrataValues } from './allocation/strata';
import type { Language } from './i18n/language';

export type { RandomSource } from './allocation/random';
import type { Answers, Instance, PlannedMessage, StoredMessage } from './schedule/records';
import type { StaffMember, StaffSession } from './auth/staff';
import type { AuditEntry } from './audit';

/** The current time. Injected everywhere so tests and `simulate` can move time. */
export interface Clock {
  now(): Date;
}

/** Random secrets and identifiers. */
export interface Secrets {
  /** A URL-safe random token with at least 128 bits of entropy. */
  token(): string;
  /** A one-way hash of a token: what is stored instead of the token. */
  hash(token: string): string;
  /** A unique, time-sortable id. */
  id(): string;
}

/**
 * Encryption at rest for what must stay unreadable to anyone reading the tables: the sealed
 * allocation state (future allocations). Locally an AES-256-GCM key in the data folder; in AWS a
 * KMS key (docs/randomisation.md). `context` is bound to the ciphertext (authenticated, not
 * secret): a sealed value moved to another study or slot does not open.
 */
export interface Sealer {
  seal(plaintext: string, context: Record<string, string>): Promise<string>;
  /** The plaintext; throws if the value was altered or the context differs. */
  open(sealed: string, context: Record<string, string>): Promise<string>;
}

export interface OutgoingEmail {
  from: string;
  to: string[];
  subject: string;
  text: string;
  html: string;
  /** A stable RFC 5322 Message-ID, so a resend after a crash can be recognised as the same message. */
  messageId?: string;
  /** Extra headers, e.g. List-Unsubscribe and List-Unsubscribe-Post (RFC 8058). */
  headers?: Record<string, string>;
  /** Files attached (the participant's copy of their consent record). */
  attachments?: Array<{ filename: string; contentType: string; content: Uint8Array }>;
}

/** A send the provider refused; `transient` failures (throttling, timeouts, 5xx) are worth retrying. */
export class MailerError extends Error {
  constructor(
    message: string,
    /** Worth another try later: the provider certainly did not take the email (throttled, unreachable). */
    readonly transient: boolean,
    /**
     * The request left but no answer came back (a timeout or reset mid-call): the provider may
     * have accepted it. Sending again could email the person twice, so callers must not retry blindly.
     */
    readonly mayHaveBeenSent = false,
  ) {
    super(message);
    this.name = 'MailerError';
  }
}

/** Sends one email and returns the provider's message id. Throws MailerError when refused. */
export interface Mailer {
  send(email: OutgoingEmail): Promise<{ messageId: string }>;
}

/**
 * Audited writes: a repository method that takes an `audit` entry writes it with the change, as
 * one unit. The entry is marked on the changed record by the same conditional write, appended to
 * the audit log right after, and (were the process to die in between) appended by the next
 * dispatcher pass; a write whose condition fails leaves no entry.
 */
export type AuditedChange = AuditEntry | undefined;

export interface StudyRepository {
  /** The study with its latest published protocol. */
  get(studyId: string): Promise<Study | null>;
  /** The study with the revision its next settings change must be conditioned on. */
  read(studyId: string): Promise<{ study: Study; revision: number } | null>;
  /** Creates the study (and its protocol as version 1… as given) if absent; false when it already existed. */
  createIfAbsent(study: Study, audit?: AuditedChange): Promise<boolean>;
  /** A published protocol version; published versions never change. */
  getProtocol(studyId: string, version: number): Promise<Protocol | null>;
  /**
   * Publishes `protocol` as the next version (its `version` must be the latest + 1) and makes it
   * the study's current one; false when that version number was taken meanwhile (a study left
   * behind a version an interrupted publish stored is moved on to it first).
   */
  publishProtocol(studyId: string, protocol: Protocol, at: Date, audit?: AuditedChange): Promise<boolean>;
  /**
   * Replaces the study's settings (everything but the protocol) if the study is still at
   * `revision` (no settings change or publish since it was read); false otherwise.
   */
  updateSettings(study: Study, revision: number, audit?: AuditedChange): Promise<boolean>;
  list(): Promise<Study[]>;
}

export interface ParticipantRepository {
  get(studyId: string, code: string): Promise<Participant | null>;
  /** The next free pseudonymous code of a study (P-0001, P-0002 …); never reused. */
  allocateCode(studyId: string): Promise<string>;
  /**
   * `count` consecutive counter codes at once (one atomic write), for a bulk import; never reused.
   * Like `allocateCode`, a code may already be taken by one a coordinator chose by hand: check with `getMany`.
   */
  allocateCodes(studyId: string, count: number): Promise<string[]>;
  /** Many participants by code in a few batched reads (a bulk import's checks); absent codes are not in the map. */
  getMany(studyId: string, codes: readonly string[]): Promise<Map<string, Participant>>;
  /** Fails with a conflict when the code is taken. The new participant carries a plan request. */
  create(participant: Participant, audit?: AuditedChange): Promise<void>;
  /**
   * Replaces a participant's record if it is still at `expected.revision` (optimistic: false when
   * someone changed it meanwhile) and asks the dispatcher to re-plan them. `revokeLinks` raises
   * their link generation in the same write, so every link sent so far stops working.
   */
  update(expected: Participant, next: Participant, at: Date, options?: { revokeLinks?: boolean; audit?: AuditedChange }): Promise<boolean>;
  /**
   * Raises a participant's link generation (every link sent so far stops working) and asks the
   * dispatcher to re-plan them, which carries the new generation to their instances.
   */
  revokeLinks(studyId: string, code: string, at: Date, audit?: AuditedChange): Promise<void>;
  list(studyId: string): Promise<Participant[]>;
  /**
   * A study's participants a page at a time, in code order (the order of their keys), reading the
   * next page only when the consumer asks: for exports, which must not hold a whole study in
   * memory. `pageSize` caps a page (default: DynamoDB's 1 MB pages).
   */
  pagesForStudy(studyId: string, options?: { pageSize?: number }): AsyncIterable<Participant[]>;
  /** Asks the dispatcher to re-plan a participant (idempotent). */
  requestPlan(studyId: string, code: string, at: Date): Promise<void>;
  /**
   * Records that a participant's contact details were erased (once: a repeat keeps the first
   * instant), revokes every link they were sent and asks the dispatcher to re-plan them. Returns
   * that instant and whether this call set it.
   */
  markContactErased(studyId: string, code: string, at: Date, audit?: AuditedChange): Promise<{ erasedAt: string; first: boolean }>;
  /** Participants whose schedule must be (re)planned, oldest request first. */
  listPlanRequests(now: Date, limit: number): Promise<Array<{ studyId: string; code: string; requestedAt: string }>>;
  /** Clears a plan request, unless a newer one arrived meanwhile. */
  clearPlanRequest(studyId: string, code: string, requestedAt: string): Promise<void>;
  /** Records the consent version an active participant agreed to (one write); false if they are not active. */
  recordConsent(studyId: string, code: string, consent: ParticipantConsent): Promise<boolean>;
}

/**
 * One allocation: the slot of its sequence number, written once. The arm, stratum and time are
 * in this one conditional write; the participant record is created from it just after, and a
 * crash in between is rolled forward from here (docs/randomisation.md).
 */
export interface AllocationRecord {
  studyId: string;
  /** 1, 2, 3 … across the study, with no gap. */
  sequence: number;
  code: string;
  arm: string;
  stratum: string;
  strata: StrataValues;
  at: string;
  /** Who enrolled: `staff:<email>` or `participant:<code>` (self-enrolment). */
  by: string;
  method: 'blocked' | 'minimisation' | 'manual';
  /** Why an admin chose a randomised arm by hand. */
  reason?: string;
  /** Participants per stratum × arm after this allocation. */
  counts: StratumCounts;
  /** The allocation state after this one, sealed (it holds future allocations). */
  sealed: string;
  /** A random id of the enrolment that wrote the slot: how a repeated write recognises its own. */
  claim: string;
  /** The participant record to create, so an interrupted enrolment can be finished from here. */
  participant: Participant;
  /** Set when the participant could not be created (their code was taken meanwhile): the slot stays, unused. */
  void?: { reason: string; at: string };
}

export interface AllocationRepository {
  /** The slot with the highest sequence number (a consistent read). */
  latest(studyId: string): Promise<AllocationRecord | null>;
  get(studyId: string, sequence: number): Promise<AllocationRecord | null>;
  /** Writes a slot unless its sequence number is taken (false then); it stays pending until settled. */
  claim(record: AllocationRecord): Promise<boolean>;
  /** The slot's participant exists: the slot leaves the queue of pending work. */
  settle(studyId: string, sequence: number): Promise<void>;
  /** Marks a slot that could not become a participant, with the reason (once). */
  markVoid(studyId: string, sequence: number, reason: string, at: Date): Promise<void>;
  /** Every slot in sequence order, without the sealed state. */
  list(studyId: string): Promise<Array<Omit<AllocationRecord, 'sealed'>>>;
  /** The slot holding a participant code, if any (reads every slot: only for recovering an interrupted enrolment). */
  findByCode(studyId: string, code: string): Promise<AllocationRecord | null>;
  /** Slots written more than a minute ago whose participant may not exist yet (the due index). */
  listPending(now: Date, limit: number): Promise<AllocationRecord[]>;
}

/** The exact text of a published consent version, per language, with its SHA-256. Immutable. */
export interface ConsentVersion {
  studyId: string;
  version: string;
  text: Partial<Record<Language, string>>;
  /** SHA-256 (hex) of each language's text (UTF-8). */
  hashes: Partial<Record<Language, string>>;
  publishedAt: string;
}

/** A participant's signed consent: personal data (their typed name), kept with the contact details. */
export interface ConsentRecord {
  studyId: string;
  code: string;
  version: string;
  language: Language;
  /** SHA-256 (hex) of the exact text shown. */
  textHash: string;
  /** The name they typed as their signature. */
  name: string;
  agreedAt: string;
  /** Given at a questionnaire link, or while self-enrolling. */
  via: 'link' | 'join';
}

export interface ConsentRepository {
  /** Stores a version's text once; false when that version was published with a different text. */
  publishVersion(version: ConsentVersion): Promise<boolean>;
  getVersion(studyId: string, version: string): Promise<ConsentVersion | null>;
  /** Stores a consent once per participant and version; a repeat returns the first record unchanged. */
  putRecord(record: ConsentRecord): Promise<ConsentRecord>;
  getRecord(studyId: string, code: string, version: string): Promise<ConsentRecord | null>;
  listRecords(studyId: string, code: string): Promise<ConsentRecord[]>;
}

/** A self-enrolment awaiting verification of its email address (docs/consent.md). Personal data; expires. */
export interface JoinRequest {
  studyId: string;
  email: string;
  language: Language;
  timezone: string;
  /** The screener's answers (kept on the participant record as their screening). */
  answers: Record<string, unknown>;
  createdAt: string;
  expiresAt: string;
  verifiedAt?: string;
  /** The participant code set aside for this enrolment (so a repeated request enrols once). */
  code?: string;
  enrolledAt?: string;
}

export interface JoinRepository {
  put(hash: string, request: JoinRequest): Promise<void>;
  get(hash: string): Promise<JoinRequest | null>;
  markVerified(hash: string, at: Date): Promise<void>;
  /** Sets the request's participant code once; returns the code it holds. */
  assignCode(hash: string, code: string): Promise<string>;
  /** Enrolled: the address and answers leave the request (the participant record has what stays). */
  complete(hash: string, at: Date): Promise<void>;
  /** Counts one screening outcome; people found ineligible leave only this count. */
  count(studyId: string, outcome: 'eligible' | 'ineligible'): Promise<void>;
  counts(studyId: string): Promise<{ eligible: number; ineligible: number }>;
}

/** Contact details: PII, kept in their own table, never exported. */
export interface Contact {
  email: string;
  /** Set by a hard bounce or a complaint: no more mail to this address. */
  suppressed?: { reason: string; at: string };
  /** Set when the participant unsubscribed from this study's emails. */
  unsubscribedAt?: string;
}

export interface ContactRepository {
  /**
   * Reserves an email address for a participant code within a study.
   * Returns the code already holding the address when it is taken.
   */
  reserveEmail(studyId: string, email: string, code: string, now: Date): Promise<{ ok: true } | { ok: false; heldBy: string; reservedAt: string }>;
  /** Moves a reservation left behind by an enrolment that never finished. */
  takeOverEmail(studyId: string, email: string, fromCode: string, toCode: string, now: Date): Promise<boolean>;
  releaseEmail(studyId: string, email: string, code: string): Promise<void>;
  /** Sets the address (a new address clears any suppression of the old one). */
  putContact(studyId: string, code: string, email: string): Promise<void>;
  get(studyId: string, code: string): Promise<Contact | null>;
  suppress(studyId: string, code: string, reason: string, at: Date): Promise<void>;
  /** The participant code holding an address in a study, if any (a read: reserves nothing). */
  heldBy(studyId: string, email: string): Promise<string | null>;
  /** `heldBy` for many addresses in a few batched reads (a bulk import's checks): address → code, for the reserved ones only. */
  heldByMany(studyId: string, emails: readonly string[]): Promise<Map<string, string>>;
  /** Suppressions and unsubscriptions of a study's participants, without the addresses. */
  listStatuses(studyId: string): Promise<Array<{ code: string; suppressed?: { reason: string; at: string }; unsubscribedAt?: string }>>;
  unsubscribe(studyId: string, code: string, at: Date, audit?: AuditedChange): Promise<void>;
  /**
   * Deletes a participant's contact item and the reservation of its address, so no trace of the
   * address stays; false when there was nothing to erase. Idempotent.
   */
  erase(studyId: string, code: string): Promise<boolean>;
}

export interface InstanceRepository {
  get(studyId: string, code: string, timepoint: string): Promise<Instance | null>;
  listForStudy(studyId: string): Promise<Instance[]>;
  /**
   * A study's instances one page at a time, in key order (participant code, then timepoint id),
   * reading the next page only when the consumer asks: for exports that must not hold a whole
   * study in memory. `pageSize` caps a page's items (default: DynamoDB's 1 MB pages).
   */
  pagesForStudy(studyId: string, options?: { pageSize?: number }): AsyncIterable<Instance[]>;
  listForParticipant(studyId: string, code: string): Promise<Instance[]>;
  /**
   * Creates or re-plans an instance and queues its expiry at window close; never touches one
   * that has completed, expired or been cancelled.
   */
  upsertPlanned(instance: Instance): Promise<void>;
  /** scheduled → open, once; a no-op in any other state. */
  markOpened(studyId: string, code: string, timepoint: string, at: Date): Promise<void>;
  /**
   * Stores answers, scores and completion in one conditional write, and queues the
   * post-completion work (safety alerts, re-planning anchored timepoints, the audit entry) on the
   * same item, so none of it can be lost. False when the instance is no longer open, or the link
   * used (minted under `linkEpoch`; internal callers that use no link omit it) has been revoked.
   */
  complete(
    studyId: string,
    code: string,
    timepoint: string,
    result: Pick<Instance, 'answers' | 'scores' | 'completedAt'>,
    linkEpoch?: number,
  ): Promise<boolean>;
  /**
   * Saves answers so far and marks the instance started, if it is still open, its saved answers
   * are still `expectedRevision` (optimistic: two devices saving at once merge, not clobber) and
   * the link used (minted under `linkEpoch`) has not been revoked.
   */
  saveProgress(instance: Instance, answers: Answers, at: Date, expectedRevision: number, linkEpoch: number, audit?: AuditedChange): Promise<boolean>;
  /** Refuses, from now on, saves and submissions through links minted before `epoch`. */
  revokeLinks(instance: Pick<Instance, 'studyId' | 'code' | 'timepoint'>, epoch: number): Promise<void>;
  /** Completed instances whose post-completion work is pending. */
  listPendingCompletions(now: Date, limit: number): Promise<Instance[]>;
  clearPendingCompletion(instance: Instance): Promise<void>;
  /** Open instances whose expiry time has come. */
  listDueExpiries(now: Date, limit: number): Promise<Instance[]>;
  /** Open → expired (or cancelled), from the open states only; false if it had already moved on. */
  end(instance: Instance, status: 'expired' | 'cancelled', reason: string, at: Date, audit?: AuditedChange): Promise<boolean>;
  /** Moves a started instance's expiry to the end of its grace period. */
  postponeExpiry(instance: Instance, until: string): Promise<void>;
}

/** The audit of a batch of sends (MessageRepository.auditSends). */
export interface SendAudit {
  /** claimed (by `claimant`) → sent, carrying the message's entry of the batch; as MessageRepository.markSent. */
  markSent(message: StoredMessage, claimant: string, providerId: string, at: Date): Promise<boolean>;
  /** Appends the entries of the sends recorded so far; the batch's entries are then settled. */
  close(): Promise<void>;
}

export interface MessageRepository {
  /** Plans a message, or moves it while it is still only planned or held (or revives a cancelled one). Sent messages never change. */
  upsertPlanned(message: PlannedMessage): Promise<void>;
  /** Creates a staff message (alert, notice) once; a second call with the same key changes nothing. */
  createOnce(message: PlannedMessage & { flags?: string[]; reason?: string }): Promise<void>;
  listForParticipant(studyId: string, code: string): Promise<StoredMessage[]>;
  listForStudy(studyId: string): Promise<StoredMessage[]>;
  /** Marks a safety alert acknowledged, once; false when it already was (or is not an alert). */
  acknowledge(message: Pick<StoredMessage, 'studyId' | 'code' | 'timepoint' | 'kind' | 'n'>, by: string, note: string | undefined, at: Date, audit?: AuditedChange): Promise<boolean>;
  /** Planned messages due at or before `now`, and held ones due a re-check, through the sparse due index. */
  listDue(now: Date, limit: number): Promise<StoredMessage[]>;
  /** Claimed messages whose lease ran out (their dispatcher died), through the due index. */
  listExpiredLeases(now: Date, limit: number): Promise<StoredMessage[]>;
  /**
   * planned or held → claimed (or an expired claim → claimed again) with a conditional write on the
   * exact state read; false when someone else got there first. Counts an attempt.
   */
  claim(message: StoredMessage, claimant: string, at: Date, leaseMs: number): Promise<boolean>;
  /** claimed (by `claimant`) → sent; also indexes the provider id for delivery feedback. */
  markSent(message: StoredMessage, claimant: string, providerId: string, at: Date, audit?: AuditedChange): Promise<boolean>;
  /**
   * Opens the audit of a batch of sends, before any of their emails leaves: each message with the
   * entry its send must leave in the trail. `markSent` of the batch records a send with its entry
   * as part of the write, as `markSent(…, audit)` does, without writing the entry on its own; `close`
   * (once every send of the batch is done) appends the entries of the sends recorded, together.
   * Should the dispatcher die in between, the next pass's audit outbox recovery appends the entry of
   * every send that was recorded, and of no other.
   */
  auditSends(sends: ReadonlyArray<{ message: StoredMessage; entry: AuditEntry }>): Promise<SendAudit>;
  markSkipped(message: StoredMessage, claimant: string, reason: string, at: Date): Promise<void>;
  markFailed(message: StoredMessage, claimant: string, reason: string, at: Date): Promise<void>;
  /**
   * claimed → held: not sent because its questionnaires cannot be completed yet (the reason says
   * which wording is missing); claimed again from `recheckAt`, like a planned message.
   */
  hold(message: StoredMessage, claimant: string, reason: string, recheckAt: Date): Promise<void>;
  /** claimed → planned again, due at `retryAt` (a transient failure). */
  release(message: StoredMessage, claimant: string, reason: string, retryAt: Date): Promise<void>;
  /** planned (or held) → cancelled: a re-plan no longer wants it. */
  cancel(message: StoredMessage, reason: string, at: Date): Promise<void>;
  /** Records delivery, bounce or complaint for a sent message, found by provider id; null if unknown. */
  recordFeedback(providerId: string, status: 'delivered' | 'bounced' | 'complained', detail: string, at: Date): Promise<StoredMessage | null>;
}

/**
 * Participant link and unsubscribe tokens, stored by hash only, each with the participant's link
 * generation when it was minted (0 for links minted before generations existed).
 */
/**
 * What a participant link points at, read in one round trip: its study, participant and instance
 * (one BatchGetItem in DynamoDB rather than three reads), each strongly consistent, null when
 * absent. Every participant request makes this read, right after the link's own.
 */
export interface LinkTargetReader {
  get(studyId: string, code: string, timepoint: string): Promise<{ study: Study | null; participant: Participant | null; instance: Instance | null }>;
}

/** Whom a batch of due messages is for: each participant (and, for a questionnaire, its instance). */
export interface SendTarget {
  studyId: string;
  code: string;
  /** The instance a questionnaire message is for; absent for a consent copy. */
  timepoint?: string;
}

/** What a batch of due messages needs checked before sending, as read just now; absent records are simply not found. */
export interface SendTargets {
  participant(studyId: string, code: string): Participant | null;
  instance(studyId: string, code: string, timepoint: string): Instance | null;
  contact(studyId: string, code: string): Contact | null;
}

/**
 * The dispatcher's checks before sending, for a batch of claimed messages at once: every target's
 * participant, instance and contact, strongly consistent (the same items, and the same
 * consistency, as the three repositories' own reads), in a few batched reads rather than three
 * reads a message.
 */
export interface SendTargetReader {
  read(targets: readonly SendTarget[]): Promise<SendTargets>;
}

/** A participant link and its unsubscribe link, as the dispatcher mints them for one email. */
export interface LinkPair {
  hash: string;
  link: { studyId: string; code: string; timepoint: string; createdAt: string; epoch?: number };
  unsubscribeHash: string;
  unsubscribe: { studyId: string; code: string; createdAt: string; epoch?: number };
}

export interface LinkTokenRepository {
  put(hash: string, link: { studyId: string; code: string; timepoint: string; createdAt: string; epoch?: number }): Promise<void>;
  /**
   * Stores the links of a batch of emails at once (the dispatcher, before any of them is sent);
   * resolves only once every one is stored. Hashes of fresh random tokens never collide, so
   * nothing is conditioned on absence here, and a link whose email is never sent is harmless: its
   * token never left the process.
   */
  putMany(pairs: readonly LinkPair[]): Promise<void>;
  get(hash: string): Promise<{ studyId: string; code: string; timepoint: string; epoch: number } | null>;
  putUnsubscribe(hash: string, target: { studyId: string; code: string; createdAt: string; epoch?: number }): Promise<void>;
  getUnsubscribe(hash: string): Promise<{ studyId: string; code: string; epoch: number } | null>;
}

/**
 * Staff accounts. Every change is one conditional write on the account's `version` (or on the
 * attributes it touches), so concurrent changes apply or fail, never undo one another. A removed
 * account stays as a tombstone that no write but a deliberate re-creation can bring back.
 */
export interface StaffRepository {
  /** The live account (read consistently: every request checks it), or null when absent or removed. */
  get(email: string): Promise<StaffMember | null>;
  list(): Promise<StaffMember[]>;
  /**
   * Setting up accounts outside the API (the demo, a deployment's first admin, tests): creates or
   * overwrites, raising the version so a concurrent conditional change still notices.
   */
  put(member: StaffMember): Promise<void>;
  /**
   * Creates an account where there is none, or (an admin's deliberate re-creation, unless
   * `reviveRemoved` is false) only a removed one; null otherwise.
   */
  create(member: Omit<StaffMember, 'version' | 'sessionEpoch'>, audit?: AuditedChange, options?: { reviveRemoved?: boolean }): Promise<StaffMember | null>;
  /**
   * Changes an account if it is still at `expected.version` and not removed; `endSessions` moves
   * its session generation on in the same write. Null when it changed meanwhile.
   */
  replace(expected: StaffMember, next: Pick<StaffMember, 'name' | 'role' | 'studies'>, options: { endSessions: boolean; audit?: AuditedChange }): Promise<StaffMember | null>;
  /** Removes an account still at `expected.version` (leaving a tombstone) and ends its sessions; false when it changed meanwhile. */
  remove(expected: StaffMember, at: Date, audit?: AuditedChange): Promise<boolean>;
  /**
   * Adds a study to a coordinator's list with an attribute-level write that touches nothing else,
   * and only while the account exists, is not removed and is still a coordinator; false otherwise.
   */
  addStudy(email: string, studyId: string, audit?: AuditedChange): Promise<boolean>;
  /**
   * Takes the admin guard: the one item every change that could take the last admin role away
   * must hold, so two such changes never both pass their check. `leaseMs` frees it should the
   * holder die. False when someone else holds it.
   */
  lockAdmins(holder: string, now: Date, leaseMs: number): Promise<boolean>;
  unlockAdmins(holder: string): Promise<void>;
  /** Stores a sign-in code; from then on it is the address's only usable one (older unused codes stop working). */
  putLoginCode(hash: string, email: string, expiresAt: Date): Promise<void>;
  /** Marks a sign-in code used; returns its owner only if it was unused, unexpired and the address's newest. */
  consumeLoginCode(hash: string, now: Date): Promise<string | null>;
  putSession(hash: string, session: StaffSession): Promise<void>;
  getSession(hash: string): Promise<StaffSession | null>;
  /** Ends a session at once (sign-out, revocation). */
  deleteSession(hash: string): Promise<void>;
}

export interface AuditLog {
  append(entry: AuditEntry): Promise<void>;
  list(scope: string): Promise<AuditEntry[]>;
}

/**
 * Keeps any audit entry whose change happened but whose append was interrupted (the process died
 * between the two writes) from being lost: the dispatcher asks it to finish them on every pass.
 */
export interface AuditOutbox {
  /** Appends the entries of changes that happened more than a few minutes ago and drops the rest; returns how many it appended. */
  recover(now: Date, limit: number): Promise<number>;
}

/** One attempt counted against a limit: the sliding-window count including it, and how to give it back. */
export interface RateHit {
  /** Attempts in the sliding window, this one included (the previous window's count weighted by its overlap). */
  count: number;
  /** The fixed window this attempt was counted in (pass it back to `refund`). */
  windowStart: number;
  /** Seconds until the count drops below the limit it was checked against, at the earliest (an estimate). */
  retryAfterSeconds: (limit: number) => number;
}

/**
 * Atomic attempt counters, one per purpose and key (a client, an address), shared by every API
 * instance. Each attempt is counted before the work it guards, with an atomic increment, so
 * concurrent attempts are all counted and none slips past the limit. Windows slide: two fixed
 * windows, the previous weighted by how much of it still overlaps.
 */
export interface RateCounter {
  /** Counts one attempt for `key` and returns the sliding count including it. */
  hit(key: string, windowMs: number, now: Date): Promise<RateHit>;
  /** Takes back an attempt that turned out not to count (it succeeded, or was refused). */
  refund(key: string, windowStart: number, windowMs: number): Promise<void>;
}

/** Licensee-supplied wording of licensed instruments, stored in the deployment's database. */
export interface LicensedTextRepository {
  get(instrument: string, version: string): Promise<import('./catalogue/licensed-text').LicensedText | null>;
  put(text: import('./catalogue/licensed-text').LicensedText): Promise<void>;
}

/** An instrument version as the use cases see it: its form and its scoring rules. */
export interface CatalogueInstrument {
  id: string;
  version: string;
  scoring: import('./scoring/definition').ScoringDefinition;
  /** The SurveyJS form definition. */
  survey: Record<string, unknown>;
}

/**
 * The installed instruments. Asynchronous because the bundled definitions (forms and scoring
 * rules, over 100 KiB) are loaded on first use rather than with the code that may need them: a
 * participant's cold start that opens no form does not compile them (bench/README.md#cold-start).
 * A use case that looks up many instruments takes `list()` once and searches it
 * (core/catalogue/lookup.ts).
 */
export interface InstrumentCatalogue {
  /** The instrument version (the first listed when `version` is omitted); undefined when it is not installed. */
  find(id: string, version?: string): Promise<CatalogueInstrument | undefined>;
  list(): Promise<CatalogueInstrument[]>;
}

/** One problem a form's own rules find in a set of answers, named by item id. */
export interface FormProblem {
  item: string;
  message: string;
}

/**
 * The questionnaire form's own checks of a set of answers (SurveyJS: required questions left
 * empty, numeric validators). It does not check codes: the core does that (check-answers.ts),
 * which is why the server runs both.
 */
export interface FormValidator {
  validate(survey: Record<string, unknown>, answers: Record<string, unknown>): Promise<FormProblem[]>;
  /**
   * Whether a SurveyJS expression (a self-enrolment screener's eligibility rule) is exactly true
   * over a set of answers: the same engine the page runs, so the server decides as the page shows.
   */
  isTrue(expression: string, answers: Record<string, unknown>): Promise<boolean>;
}
