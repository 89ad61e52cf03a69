import type {
  AuditLog,
  Clock,
  ContactRepository,
  InstanceRepository,
  InstrumentCatalogue,
  LicensedTextRepository,
  LinkTokenRepository,
  Mailer,
  MessageRepository,
  ParticipantRepository,
  Secrets,
  StaffRepository,
  StudyRepository,
} from '../core/ports';

/** Everything a use case may need. Each use case declares the subset it uses with `Pick`. */
export interface Deps {
  studies: StudyRepository;
  participants: ParticipantRepository;
  contacts: ContactRepository;
  instances: InstanceRepository;
  messages: MessageRepository;
  links: LinkTokenRepository;
  staff: StaffRepository;
  audit: AuditLog;
  licensedTexts: LicensedTextRepository;
  /** Licensee-installed scorers for proprietary algorithms (e.g. PAM-13), by plug-in name. */
  scoringPlugins: Record<string, import('../core/scoring/engine').ScoringPlugin>;
  mailer: Mailer;
  clock: Clock;
  secrets: Secrets;
  catalogue: InstrumentCatalogue;
  /** The public URL participant and sign-in links point to, without a trailing slash. */
  baseUrl: string;
  /** Sender of staff emails (sign-in links). */
  systemSender: string;
}

/** Who is acting, for the audit trail. */
export type Actor = `staff:${string}` | `participant:${string}` | `system:${string}`;
