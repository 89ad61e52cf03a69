import type { ScoreResult } from '../scoring/engine';

/**
 * scheduled → open (invited) → started → completed, or → expired / cancelled.
 * Only `scheduled`, `open` and `started` accept answers.
 */
export type InstanceStatus = 'scheduled' | 'open' | 'started' | 'completed' | 'expired' | 'cancelled';

export type Answers = Record<string, number | string | null>;

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
}

export type MessageKind = 'invitation' | 'reminder';

export type MessageStatus = 'planned' | 'claimed' | 'sent' | 'skipped' | 'failed';

/** One intended email, keyed by instance × kind × n so that planning twice writes one record. */
export interface PlannedMessage {
  studyId: string;
  code: string;
  timepoint: string;
  kind: MessageKind;
  /** 0 for the invitation, 1… for reminders. */
  n: number;
  sendAt: string;
}

export interface StoredMessage extends PlannedMessage {
  status: MessageStatus;
  claimedAt?: string;
  sentAt?: string;
  providerId?: string;
  reason?: string;
}

export const openStatuses: ReadonlySet<InstanceStatus> = new Set(['scheduled', 'open', 'started']);
