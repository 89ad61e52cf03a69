/**
 * Ports: what the use cases need from the outside world. Adapters in functions/adapters
 * implement them against DynamoDB, SES and the system; tests may pass fakes for pure units.
 */
import type { Participant, Study } from './study/study';
import type { Instance, PlannedMessage, StoredMessage } from './schedule/records';
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

export interface OutgoingEmail {
  from: string;
  to: string;
  subject: string;
  text: string;
  html: string;
}

/** Sends one email and returns the provider's message id. */
export interface Mailer {
  send(email: OutgoingEmail): Promise<{ messageId: string }>;
}

export interface StudyRepository {
  get(studyId: string): Promise<Study | null>;
  /** Creates the study if absent; returns false when it already existed. */
  createIfAbsent(study: Study): Promise<boolean>;
}

export interface ParticipantRepository {
  get(studyId: string, code: string): Promise<Participant | null>;
  /** The next free pseudonymous code of a study (P-0001, P-0002 …); never reused. */
  allocateCode(studyId: string): Promise<string>;
  /** Fails with a conflict when the code is taken. */
  create(participant: Participant): Promise<void>;
  list(studyId: string): Promise<Participant[]>;
  /** Participants whose schedule must be (re)planned, oldest request first. */
  listPlanRequests(now: Date, limit: number): Promise<Array<{ studyId: string; code: string; requestedAt: string }>>;
  /** Clears a plan request, unless a newer one arrived meanwhile. */
  clearPlanRequest(studyId: string, code: string, requestedAt: string): Promise<void>;
}

/** Contact details: PII, kept in their own table, never exported. */
export interface ContactRepository {
  /**
   * Reserves an email address for a participant code within a study.
   * Returns the code already holding the address when it is taken.
   */
  reserveEmail(studyId: string, email: string, code: string, now: Date): Promise<{ ok: true } | { ok: false; heldBy: string; reservedAt: string }>;
  /** Moves a reservation left behind by an enrolment that never finished. */
  takeOverEmail(studyId: string, email: string, fromCode: string, toCode: string, now: Date): Promise<boolean>;
  releaseEmail(studyId: string, email: string, code: string): Promise<void>;
  putContact(studyId: string, code: string, email: string): Promise<void>;
  getEmail(studyId: string, code: string): Promise<string | null>;
}

export interface InstanceRepository {
  get(studyId: string, code: string, timepoint: string): Promise<Instance | null>;
  listForStudy(studyId: string): Promise<Instance[]>;
  listForParticipant(studyId: string, code: string): Promise<Instance[]>;
  /** Creates or re-plans an instance; never touches one that is already completed or cancelled. */
  upsertPlanned(instance: Instance): Promise<void>;
  /** scheduled → open, once; a no-op in any other state. */
  markOpened(studyId: string, code: string, timepoint: string, at: Date): Promise<void>;
  /** Stores answers, scores and completion in one conditional write; false when no longer open. */
  complete(
    studyId: string,
    code: string,
    timepoint: string,
    result: Pick<Instance, 'answers' | 'scores' | 'completedAt'>,
  ): Promise<boolean>;
}

export interface MessageRepository {
  /** Plans a message, or moves it while it is still only planned. Sent messages never change. */
  upsertPlanned(message: PlannedMessage): Promise<void>;
  listForParticipant(studyId: string, code: string): Promise<StoredMessage[]>;
  /** Planned messages due at or before `now`, through the sparse due index. */
  listDue(now: Date, limit: number): Promise<StoredMessage[]>;
  /** planned → claimed with a conditional write; false when someone else claimed it first. */
  claim(message: StoredMessage, claimant: string, at: Date): Promise<boolean>;
  markSent(message: StoredMessage, providerId: string, at: Date): Promise<void>;
  markSkipped(message: StoredMessage, reason: string, at: Date): Promise<void>;
  markFailed(message: StoredMessage, reason: string, at: Date): Promise<void>;
}

/** Participant link tokens, stored by hash only. */
export interface LinkTokenRepository {
  put(hash: string, link: { studyId: string; code: string; timepoint: string; createdAt: string }): Promise<void>;
  get(hash: string): Promise<{ studyId: string; code: string; timepoint: string } | null>;
}

export interface StaffRepository {
  get(email: string): Promise<StaffMember | null>;
  put(member: StaffMember): Promise<void>;
  putLoginCode(hash: string, email: string, expiresAt: Date): Promise<void>;
  /** Marks a sign-in code used; returns its owner only if it was unused and unexpired. */
  consumeLoginCode(hash: string, now: Date): Promise<string | null>;
  putSession(hash: string, session: StaffSession): Promise<void>;
  getSession(hash: string): Promise<StaffSession | null>;
}

export interface AuditLog {
  append(entry: AuditEntry): Promise<void>;
  list(scope: string): Promise<AuditEntry[]>;
}

/** Licensee-supplied wording of licensed instruments, stored in the deployment's database. */
export interface LicensedTextRepository {
  get(instrument: string, version: string): Promise<import('./instruments/licensed-text').LicensedText | null>;
  put(text: import('./instruments/licensed-text').LicensedText): Promise<void>;
}

/** An instrument version as the use cases see it: its form and its scoring rules. */
export interface CatalogueInstrument {
  id: string;
  version: string;
  scoring: import('./scoring/definition').ScoringDefinition;
  /** The SurveyJS form definition. */
  survey: Record<string, unknown>;
}

export interface InstrumentCatalogue {
  find(id: string, version?: string): CatalogueInstrument | undefined;
  list(): CatalogueInstrument[];
}
