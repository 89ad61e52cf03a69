/** Shapes the console reads from the API (see GET /api/openapi.json and the use cases). */

export type Role = 'admin' | 'coordinator' | 'analyst';

export interface Me {
  email: string;
  role: Role;
  studies: string[];
  expiresAt?: string;
}

export interface Arm {
  id: string;
  label: string;
}

export interface StudySummary {
  id: string;
  name: string;
  timezone: string;
  arms: Arm[];
}

export interface BatteryEntry {
  id: string;
  version: string;
}

export interface Timepoint {
  id: string;
  label: string;
  anchor: string;
  offsetDays: number;
  sendAt: string;
  window: { opensDaysBefore: number; closesDaysAfter: number };
  reminders: number[];
  instruments: BatteryEntry[];
  arms: string[];
}

export interface Protocol {
  version: number;
  timepoints: Timepoint[];
}

export interface StudyContact {
  name: string;
  email: string;
  safety: boolean;
}

export interface EmailTemplate {
  subject?: string;
  intro?: string;
}

export interface Study extends StudySummary {
  sender: { name: string; email: string };
  contacts: StudyContact[];
  protocol: Protocol;
  missingRules: Record<string, string>;
  emails: { invitation?: EmailTemplate; reminder?: EmailTemplate };
}

export type ParticipantStatus = 'active' | 'withdrawn' | 'completed';

export interface Participant {
  studyId: string;
  code: string;
  arm: string;
  timezone: string;
  status: ParticipantStatus;
  enrolledAt: string;
  protocolVersion: number;
  dates: Record<string, string>;
}

export interface ScaleScore {
  value: number | null;
  raw: number | null;
  se?: number | null;
  band: string | null;
  status: 'complete' | 'prorated' | 'not_scored';
  reason?: string;
  answered: number;
  items: number;
  rule: string;
}

export interface ScoreResult {
  instrument: string;
  version: string;
  scoringVersion: string;
  scales: Record<string, ScaleScore>;
  flags: Array<{ id: string; label: string; item?: string; urgent: boolean }>;
}

export type InstanceStatus = 'scheduled' | 'open' | 'started' | 'completed' | 'expired' | 'cancelled';

export interface Instance {
  code: string;
  timepoint: string;
  arm: string;
  status: InstanceStatus;
  dueAt: string;
  opensAt: string;
  closesAt: string;
  instruments: BatteryEntry[];
  scores?: ScoreResult[];
  completedAt?: string;
  openedAt?: string;
  endedAt?: string;
  endReason?: string;
}

export type MessageKind = 'invitation' | 'reminder' | 'resend' | 'alert' | 'notice';

export interface Message {
  code: string;
  timepoint: string;
  kind: MessageKind;
  n: number;
  sendAt: string;
  status: string;
  attempts?: number;
  sentAt?: string;
  reason?: string;
  flags?: string[];
  acknowledgedBy?: string;
  acknowledgedAt?: string;
  acknowledgementNote?: string;
}

export interface Timeline {
  participant: Participant;
  contact: { email: string; suppressed: { reason: string; at: string } | null; unsubscribedAt: string | null } | null;
  instances: Instance[];
  messages: Message[];
}

export interface CompletionCell {
  arm: string;
  timepoint: string;
  completed: number;
  open: number;
  expired: number;
  upcoming: number;
  cancelled: number;
  rate: number | null;
}

export interface SafetyAlert {
  participant: string;
  timepoint: string;
  flags: string[];
  raisedAt: string;
  status: string;
  acknowledgedBy: string | null;
  acknowledgedAt: string | null;
}

export interface Dashboard {
  study: { id: string; name: string };
  generatedAt: string;
  participants: { total: number; active: number; withdrawn: number };
  completion: CompletionCell[];
  overdue: Array<{ participant: string; timepoint: string; dueAt: string; closesAt: string; status: string }>;
  expiring: Array<{ participant: string; timepoint: string; closesAt: string; status: string }>;
  deliveryProblems: Array<{ participant: string; timepoint: string; kind: string; status: string; reason: string | null }>;
  suppressed: Array<{ participant: string; reason: string; at: string }>;
  unsubscribed: Array<{ participant: string; at: string }>;
  alerts: SafetyAlert[];
  unacknowledgedAlerts: number;
}

export interface ImportRow {
  row: number;
  code?: string;
  email: string;
  arm: string;
  problems: Array<{ column: string; message: string }>;
  enrolledAs?: string;
}

export interface ImportReport {
  dryRun: boolean;
  rows: ImportRow[];
  valid: number;
  invalid: number;
  enrolled: number;
}

export interface AuditEntry {
  id: string;
  scope: string;
  at: string;
  actor: string;
  action: string;
  target: string;
  before?: unknown;
  after?: unknown;
}

export interface InstrumentInfo {
  id: string;
  version: string;
  name: string;
  items: number;
  scales: Array<{ id: string; label: string }>;
  licence: { category: string; holder: string };
  textIncluded: boolean;
}

export interface StaffMember {
  email: string;
  name: string;
  role: Role;
  studies: string[];
}

export interface Descriptives {
  n: number;
  mean: number | null;
  sd: number | null;
  ciLow: number | null;
  ciHigh: number | null;
  nExcluded: number;
  excluded: Record<string, number>;
}

export interface SummaryRow {
  instrument: string;
  scale: string;
  arm: string;
  baseline: Descriptives;
  followup: Descriptives | null;
  change: { n: number; mean: number | null; sd: number | null; ciLow: number | null; ciHigh: number | null; df: number | null; dz: number | null; dav: number | null } | null;
  vsReference: { reference: string; difference: number | null; se: number | null; df: number | null; ciLow: number | null; ciHigh: number | null } | null;
}

export interface OutcomeSummary {
  baseline: string;
  followup: string;
  reference: string;
  confidence: number;
  arms: string[];
  timepoints: string[];
  followupArms: string[];
  scales: Array<{ instrument: string; scale: string }>;
  rows: SummaryRow[];
}
