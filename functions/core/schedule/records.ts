import type { Answers } from '../scoring/answers';
import type { ScoreResult } from '../scoring/engine';

/**
 * scheduled → open (invited) → started → completed, or → expired / cancelled.
 * Only `scheduled`, `open` and `started` accept answers.
 */
export type InstanceStatus = 'scheduled' | 'open' | 'started' | 'completed' | 'expired' | 'cancelled';

export type { Answers } from '../scoring/answers';

/** One participant × timepoint. */
export interface Instance {
  studyId: string;
  code: string;
  timepoint: string;
  arm: string;
  status: InstanceStatus;
  /** UTC instants (ISO). */
  dueAt: string;
  opensAt: string;
  closesAt: string;
  instruments: Array<{ id: string; version: string }>;
  answers?: Answers;
  scores?: ScoreResult[];
  completedAt?: string;
  openedAt?: string;
  /** Partial answers: when they were last saved, and how many saves so far (the optimistic lock). */
  savedAt?: string;
  progressRevision?: number;
  /** When the instance left the open states other than by completion, and why. */
  endedAt?: string;
  endReason?: string;
  /**
   * The oldest link generation still accepted for saves and submissions (see
   * `Participant.linkEpoch`): copied here so that the answer write itself refuses a revoked link.
   */
  linkEpoch?: number;
  /** A synthetic demo participant's (see Participant.synthetic): only the demo seeding's dispatcher passes act on it. */
  synthetic?: boolean;
}

/**
 * To the participant: invitation and reminders. To the study's safety contacts: alert (an
 * urgent answer). To the study's contacts: notice (an address bounced or complained). To the
 * participant: consent (their copy of the consent they signed, with the PDF attached; its
 * `timepoint` is `consent@<version>`).
 */
export type MessageKind = 'invitation' | 'reminder' | 'resend' | 'alert' | 'notice' | 'consent';

/** Messages to the participant (a resend is a coordinator's manual "here is your link again"). */
export const participantKinds: ReadonlySet<MessageKind> = new Set(['invitation', 'reminder', 'resend']);

/** Messages the planner owns: a re-plan may move or cancel these, never the others. */
export const plannedKinds: ReadonlySet<MessageKind> = new Set(['invitation', 'reminder']);

/**
 * planned → claimed → sent → delivered | bounced | complained, with side exits:
 * planned → cancelled (a re-plan no longer wants it), claimed → skipped (not wanted at send
 * time), claimed → planned (a transient failure, retried later), claimed → failed (gave up),
 * claimed → held (its questionnaires could not be completed: an instrument's licensed wording
 * is not installed; the reason names it). A held message is claimed again every few minutes
 * and goes out once the wording is loaded, if its window is still open; a re-plan may move or
 * cancel it like a planned one.
 */
export type MessageStatus = 'planned' | 'held' | 'claimed' | 'sent' | 'delivered' | 'bounced' | 'complained' | 'skipped' | 'cancelled' | 'failed';

/** States of a message that is still waiting to go out: a re-plan may move or cancel it. */
export const waitingStatuses: ReadonlySet<MessageStatus> = new Set(['planned', 'held']);

/** States in which a message has left Timepoint (at least one send was accepted by SES). */
export const sentStatuses: ReadonlySet<MessageStatus> = new Set(['sent', 'delivered', 'bounced', 'complained']);

/** One intended email, keyed by instance × kind × n so that planning twice writes one record. */
export interface PlannedMessage {
  studyId: string;
  code: string;
  timepoint: string;
  kind: MessageKind;
  /** 0 for the invitation, 1… for reminders. */
  n: number;
  sendAt: string;
  /** A synthetic demo participant's (see Participant.synthetic): only the demo seeding's dispatcher passes act on it. */
  synthetic?: boolean;
}

export interface StoredMessage extends PlannedMessage {
  status: MessageStatus;
  /**
   * When it is next due: its send time, or the retry or re-check time a release or hold set. A
   * claim is conditioned on the value it read, so a message moved meanwhile is not claimed.
   */
  notBefore?: string;
  /** Send attempts so far (claims that did not end in sent or skipped). */
  attempts?: number;
  /** The dispatcher holding the claim: only it may settle it. */
  claimedBy?: string;
  claimedAt?: string;
  /** A claim not settled by then is presumed dead and retried (see docs/scheduling.md). */
  leaseExpiresAt?: string;
  sentAt?: string;
  /** When it was skipped, failed or cancelled. */
  settledAt?: string;
  /** When it was first held. */
  heldAt?: string;
  providerId?: string;
  /** The provider's delivery feedback (its detail, and when it came). */
  feedback?: string;
  feedbackAt?: string;
  /** Why it was skipped, cancelled, failed, bounced or complained about. */
  reason?: string;
  /** Alerts: the flags that raised it. */
  flags?: string[];
  /** Alerts: who acknowledged it, when, and their note. */
  acknowledgedBy?: string;
  acknowledgedAt?: string;
  acknowledgementNote?: string;
}

export const openStatuses: ReadonlySet<InstanceStatus> = new Set(['scheduled', 'open', 'started']);
