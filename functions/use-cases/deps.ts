import type {
  AllocationRepository,
  AuditLog,
  AuditOutbox,
  ConsentRepository,
  JoinRepository,
  RandomSource,
  Sealer,
  Clock,
  ContactRepository,
  FormValidator,
  InstanceRepository,
  InstrumentCatalogue,
  LicensedTextRepository,
  LinkTargetReader,
  LinkTokenRepository,
  SendTargetReader,
  Mailer,
  MessageRepository,
  ParticipantRepository,
  RateCounter,
  Secrets,
  StaffRepository,
  StudyRepository,
} from '../core/ports';
import type { ImportJobRepository } from '../core/import/import-job';

/** How the dispatcher paces, retries and recovers (see docs/scheduling.md). */
export interface DispatchSettings {
  /** Most emails per second (the SES account's sending quota). */
  maxSendRate: number;
  /** How long a claim holds before a dead dispatcher's message is retried. */
  leaseMs: number;
  /** Send attempts before a message is parked as failed. */
  maxAttempts: number;
  /** Wait before the 1st, 2nd … retry of a transient failure (the last value repeats). */
  retryDelaysMs: number[];
  /** How often a held message (an instrument's licensed wording missing) is checked again. */
  heldRecheckMs: number;
  /** Extra time a started (partly answered) instance gets after its window closes. */
  startedGraceMs: number;
  /**
   * How long one pass may spend enrolling import jobs' chunks before it moves on to planning and
   * sending (a chunk under way is finished; its time counts against the sending budget too).
   */
  importBudgetMs: number;
  /** How long a chunk of an import job is leased to a worker before another may take it over (far longer than a chunk takes). */
  importLeaseMs: number;
  /**
   * Attempts at enrolling a chunk of an import job before the rows it could not enrol are reported
   * failed, so that a chunk failing every time ends its job rather than keep it running for ever.
   */
  importAttempts: number;
  /** How long one pass may keep sending before it leaves the rest to the next (the Lambda timeout is 55 s). */
  passBudgetMs: number;
  /**
   * Instances handled at once. Each send involves several database calls that wait on the
   * network in AWS; overlapping a few keeps throughput near the quota (which the pacer still caps).
   */
  concurrency: number;
  /** Waits between sends to honour `maxSendRate` (a no-op under a virtual clock). */
  sleep(ms: number): Promise<void>;
}

export const defaultDispatchSettings: DispatchSettings = {
  maxSendRate: 10,
  leaseMs: 10 * 60_000,
  maxAttempts: 5,
  retryDelaysMs: [60_000, 5 * 60_000, 15 * 60_000, 60 * 60_000],
  heldRecheckMs: 5 * 60_000,
  startedGraceMs: 24 * 3_600_000,
  passBudgetMs: 45_000,
  importBudgetMs: 20_000,
  importLeaseMs: 2 * 60_000,
  // Five leases of two minutes: a chunk is given up on after about ten minutes of failing.
  importAttempts: 5,
  concurrency: 8,
  sleep: (ms) => new Promise((resolve) => setTimeout(resolve, ms)),
};

/** Everything a use case may need. Each use case declares the subset it uses with `Pick`. */
export interface Deps {
  studies: StudyRepository;
  participants: ParticipantRepository;
  contacts: ContactRepository;
  instances: InstanceRepository;
  messages: MessageRepository;
  links: LinkTokenRepository;
  /** A link's study, participant and instance in one read, where the store can batch them; without it, three reads at once. */
  linkTargets?: LinkTargetReader;
  /** The dispatcher's checks for a batch of claimed messages in a few batched reads. */
  sendTargets: SendTargetReader;
  staff: StaffRepository;
  audit: AuditLog;
  /** Finishes audit entries whose change happened but whose append was interrupted. */
  auditOutbox: AuditOutbox;
  licensedTexts: LicensedTextRepository;
  /** Participant imports running in the background (the dispatcher enrols their chunks). */
  importJobs: ImportJobRepository;
  /** Atomic per-purpose attempt counters (rate limits on guessing secrets and on sign-in emails). */
  rateLimits: RateCounter;
  /** Allocation slots (docs/randomisation.md). */
  allocations: AllocationRepository;
  /** Consent texts and signed consents (docs/consent.md). */
  consents: ConsentRepository;
  /** Self-enrolment requests and screening counts. */
  joins: JoinRepository;
  /** Seals the allocation state at rest. */
  sealer: Sealer;
  /** The allocation algorithms' randomness: a CSPRNG in production. */
  random: RandomSource;
  /** Licensee-installed scorers for proprietary algorithms (e.g. PAM-13), by plug-in name. */
  scoringPlugins: Record<string, import('../core/scoring/engine').ScoringPlugin>;
  mailer: Mailer;
  clock: Clock;
  secrets: Secrets;
  catalogue: InstrumentCatalogue;
  /** The questionnaire form's own checks of answers (SurveyJS), run beside the core's code checks. */
  forms: FormValidator;
  /** The public URL participant and sign-in links point to, without a trailing slash. */
  baseUrl: string;
  /** Sender of staff emails (sign-in links). */
  systemSender: string;
  dispatch: DispatchSettings;
  /** Called after anything that changes a schedule (locally: run the dispatcher at once). */
  onScheduleChanged?: () => void;
}

/** Who is acting, for the audit trail. */
export type Actor = `staff:${string}` | `participant:${string}` | `system:${string}`;
