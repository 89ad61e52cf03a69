/**
 * Shapes the console reads from the API: the server's own types, imported type-only (erased at
 * build time), so a change on the server shows up here as a type error rather than a silent
 * mismatch. Only shapes that the API composes itself are declared here.
 */
import type { OutcomeSummary as ServerOutcomeSummary } from '../../../../functions/core/analysis/outcome-summary';
import type { AuditEntry } from '../../../../functions/core/audit';
import type { StaffMember, StaffRole } from '../../../../functions/core/auth/staff';
import type { Instance as StoredInstance, StoredMessage } from '../../../../functions/core/schedule/records';
import type { Protocol, Study, Timepoint } from '../../../../functions/core/study/study';
import type { ImportReport, ImportRow } from '../../../../functions/use-cases/import-participants';
import type { studyDashboard } from '../../../../functions/use-cases/study-dashboard';
import type { CreatedImportJob, ImportJobView } from '../../../../functions/use-cases/import-jobs';
import type { allocationReport } from '../../../../functions/use-cases/allocation-report';
import type { ConsortCounts } from '../../../../functions/core/analysis/consort';
import type { CallOutput } from './client';

export type { ConsortCounts };
export type AllocationReport = Awaited<ReturnType<typeof allocationReport>>;

export type { AuditEntry, CreatedImportJob, ImportJobView, ImportReport, ImportRow, Protocol, StaffMember, Study, Timepoint };
export type { ScaleScore, ScoreResult } from '../../../../functions/core/scoring/engine';
export type { InstanceStatus, MessageKind } from '../../../../functions/core/schedule/records';
export type { ParticipantStatus } from '../../../../functions/core/study/study';

export type Role = StaffRole;
export type Arm = Study['arms'][number];
export type StudyContact = Study['contacts'][number];
export type BatteryEntry = Timepoint['instruments'][number];
export type EmailTemplate = NonNullable<Study['emails']['invitation']>;
export type StudySummary = Pick<Study, 'id' | 'name' | 'timezone' | 'arms'>;

type Listed = CallOutput<'get', '/api/studies/:studyId/participants'>['participants'][number];
type ListOnly = 'suppressed' | 'unsubscribedAt' | 'progress';
/** A participant: the record, and as listed its delivery status and each timepoint's state (never the address). */
export type Participant = Omit<Listed, ListOnly> & Partial<Pick<Listed, ListOnly>>;

/** Instances as the timeline returns them: everything but the answers. */
export type Instance = Omit<StoredInstance, 'answers' | 'studyId'> & { studyId?: string };
export type Message = StoredMessage;

/** GET …/participants/:code/schedule: instances, messages, contact and consents (the typed name is only in the PDF). */
export type Timeline = CallOutput<'get', '/api/studies/:studyId/participants/:code/schedule'>;

export type Dashboard = Awaited<ReturnType<typeof studyDashboard>>;
export type CompletionCell = Dashboard['completion'][number];
export type SafetyAlert = Dashboard['alerts'][number];

/** GET …/summary: the summary, its CONSORT-style flow, and how many test participants the study has (left out unless include_test=1). */
export type OutcomeSummary = ServerOutcomeSummary & { consort?: ConsortCounts; testParticipants: { count: number; included: boolean } };
export type SummaryRow = OutcomeSummary['rows'][number];
export type Descriptives = SummaryRow['baseline'];

/** Who is signed in (GET /api/auth/me, and what sign-in answers). */
export type Me = CallOutput<'get', '/api/auth/me'>;

/** One instrument of the catalogue (GET /api/instruments). */
export type InstrumentInfo = CallOutput<'get', '/api/instruments'>['instruments'][number];
