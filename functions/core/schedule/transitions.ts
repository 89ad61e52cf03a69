import type { InstanceStatus, MessageStatus } from './records';

/**
 * The lifecycle rules of the stored records with states, declared once: from which states a
 * change may happen, the state it leads to, and the guards on other attributes that make it
 * safe without transactions (docs/data-model.md, "Why it is safe without transactions"). The
 * DynamoDB adapter compiles each into the condition of one conditional write
 * (adapters/dynamodb/transition-write.ts); the in-memory adapter checks the same table with
 * `allows` below, so both stores refuse exactly the same writes.
 */

/**
 * A condition on one attribute of the stored record, against a named parameter of the write
 * (the values the caller read or holds) or a constant.
 */
export type Guard =
  /** The attribute equals the parameter. */
  | { attr: string; equals: string }
  /** The attribute equals a constant. */
  | { attr: string; is: string | number | boolean }
  /** The attribute is present and at most the parameter (ISO instants compare as strings). */
  | { attr: string; atMost: string }
  /** The attribute is present and below the parameter. */
  | { attr: string; below: string }
  /** The attribute is absent, or at most the parameter (records written before it existed). */
  | { attr: string; absentOrAtMost: string }
  /** The attribute is absent, or below the parameter. */
  | { attr: string; absentOrBelow: string }
  /** The attribute is absent (a once-only change). */
  | { attr: string; absent: true }
  /** An optimistic lock: absent when the parameter is 0 (never written), else equal to it. */
  | { attr: string; revision: string };

/**
 * `optional`: the guard applies only when its parameter is given (internal callers that hold no
 * link omit it). `onlyFrom`: it applies only to a record in that state (a lapsed lease matters
 * only to a leased chunk).
 */
export type OptionalGuard = Guard & { optional?: true; onlyFrom?: string };

/** `absent`: the record does not exist yet (a create); `any`: it exists, whatever its state. */
export type From<S extends string> = readonly (S | 'absent')[] | 'any';

export interface Transition<S extends string> {
  /** The states the record may be in; anything else makes the write fail as a whole. */
  from: From<S>;
  /** The state after the write; null leaves the state as it is (or sets the initial one on a create). */
  to: S | null;
  guards?: readonly OptionalGuard[];
}

const openInstance = ['scheduled', 'open', 'started'] as const satisfies readonly InstanceStatus[];
/** The link used was minted under `linkEpoch`: refused once the participant's links were revoked past it. */
const linkValid = { attr: 'linkEpoch', absentOrAtMost: 'linkEpoch' } as const;

/** One participant × timepoint: scheduled → open → started → completed, or → expired / cancelled. */
export const instanceTransitions = {
  /** Created, or re-planned while still open; never touches one that completed, expired or was cancelled. */
  plan: { from: ['absent', ...openInstance], to: null },
  /** The invitation went out. */
  open: { from: ['scheduled'], to: 'open' },
  /** Answers so far, with the optimistic lock on the saved answers (two devices merge, not clobber). */
  saveProgress: { from: openInstance, to: 'started', guards: [linkValid, { attr: 'progressRevision', revision: 'expectedRevision' }] },
  /** Answers, scores and completion in one write: a double submit cannot overwrite. */
  complete: { from: openInstance, to: 'completed', guards: [{ ...linkValid, optional: true }] },
  /** The participant's link generation, only ever upwards. */
  revokeLinks: { from: 'any', to: null, guards: [{ attr: 'linkEpoch', absentOrBelow: 'epoch' }] },
  /** The follow-up of a completion is done. */
  clearCompletion: { from: ['completed'], to: null },
  /** The window closed unanswered. */
  expire: { from: openInstance, to: 'expired' },
  /** A re-plan or a withdrawal no longer wants it. */
  cancel: { from: openInstance, to: 'cancelled' },
  /** A started instance gets its grace period. */
  postponeExpiry: { from: ['started'], to: null },
} as const satisfies Record<string, Transition<InstanceStatus>>;

const waiting = ['planned', 'held'] as const satisfies readonly MessageStatus[];
/** Only the dispatcher holding the claim settles it. */
const claimHeld = { from: ['claimed'], guards: [{ attr: 'claimedBy', equals: 'claimant' }] } as const;

/**
 * The message ledger: planned (or held) → claimed → sent → delivered | bounced | complained, with
 * the side exits described on `MessageStatus`.
 */
export const messageTransitions = {
  /** Planned, or moved while still waiting; a cancelled one comes back when a later plan wants it again. */
  plan: { from: ['absent', 'planned', 'cancelled', 'held'], to: 'planned' },
  /** A staff message (alert, notice) or consent copy: once per key. */
  create: { from: ['absent'], to: 'planned' },
  /**
   * Conditioned on exactly the state that was read (its status and due time), so a stale index
   * read (re-planned, claimed by someone else, settled) can never lead to a claim.
   */
  claim: { from: waiting, to: 'claimed', guards: [{ attr: 'status', equals: 'readStatus' }, { attr: 'notBefore', equals: 'notBefore' }] },
  /** A dead dispatcher's claim, once its lease ran out, exactly as it was read. */
  reclaim: { from: ['claimed'], to: 'claimed', guards: [{ attr: 'leaseExpiresAt', equals: 'leaseExpiresAt' }, { attr: 'leaseExpiresAt', atMost: 'at' }] },
  send: { ...claimHeld, to: 'sent' },
  skip: { ...claimHeld, to: 'skipped' },
  fail: { ...claimHeld, to: 'failed' },
  /** Not sent: its questionnaires cannot be completed yet (licensed wording missing); due again at its re-check. */
  hold: { ...claimHeld, to: 'held' },
  /** A transient failure: planned again, due at its retry time. */
  release: { ...claimHeld, to: 'planned' },
  cancel: { from: waiting, to: 'cancelled' },
  /** A safety alert is acknowledged once. */
  acknowledge: { from: 'any', to: null, guards: [{ attr: 'kind', is: 'alert' }, { attr: 'acknowledgedAt', absent: true }] },
  /** Delivery never overwrites a bounce or complaint. */
  deliver: { from: ['sent'], to: 'delivered' },
  /** A complaint may follow a delivery, and so may a (late) bounce. */
  bounce: { from: ['sent', 'delivered'], to: 'bounced' },
  complain: { from: ['sent', 'delivered'], to: 'complained' },
} as const satisfies Record<string, Transition<MessageStatus>>;

/** A chunk of an import job's rows: queued → leased (to one worker) → done; a lapsed lease is taken over. */
export const importChunkTransitions = {
  lease: { from: ['queued', 'leased'], to: 'leased', guards: [{ attr: 'leaseUntil', below: 'now', onlyFrom: 'leased' }] },
  finish: { from: ['leased'], to: 'done', guards: [{ attr: 'leasedBy', equals: 'worker' }] },
} as const satisfies Record<string, Transition<'queued' | 'leased' | 'done'>>;

/** An import job: queued → running → done (once every chunk is counted: checked beside this rule). */
export const importJobTransitions = {
  start: { from: ['queued'], to: 'running' },
} as const satisfies Record<string, Transition<'queued' | 'running' | 'done'>>;

export type InstanceTransition = keyof typeof instanceTransitions;
export type MessageTransition = keyof typeof messageTransitions;

/** The parameters a write's guards compare against, by name. */
export type GuardParams = Readonly<Record<string, string | number | boolean | undefined>>;

/**
 * Whether a write by `transition` may apply to `record` (null: absent) with these parameters:
 * exactly the condition the DynamoDB adapter sends, evaluated in memory. The record's state is
 * its `status` attribute.
 */
export function allows(transition: Transition<string>, stored: object | null, params: GuardParams): boolean {
  const record = stored as Readonly<Record<string, unknown>> | null;
  if (transition.from === 'any') {
    if (record === null) return false;
  } else {
    const state = record === null ? 'absent' : record.status;
    if (!(transition.from as readonly unknown[]).includes(state)) return false;
  }
  return (transition.guards ?? []).every((guard) => {
    const parameter = 'equals' in guard ? guard.equals : 'atMost' in guard ? guard.atMost : 'below' in guard ? guard.below : 'absentOrAtMost' in guard ? guard.absentOrAtMost : 'absentOrBelow' in guard ? guard.absentOrBelow : 'revision' in guard ? guard.revision : undefined;
    if (guard.optional && parameter !== undefined && params[parameter] === undefined) return true;
    if (guard.onlyFrom !== undefined && record?.status !== guard.onlyFrom) return true;
    return holds(guard, record?.[guard.attr], parameter === undefined ? undefined : params[parameter]);
  });
}

/** One guard against one stored value (undefined: the attribute is absent). */
function holds(guard: Guard, value: unknown, parameter: GuardParams[string]): boolean {
  if ('is' in guard) return value === guard.is;
  if ('absent' in guard) return value === undefined;
  if ('revision' in guard) return parameter === 0 ? value === undefined : value !== undefined && value === parameter;
  if ('equals' in guard) return value !== undefined && value === parameter;
  if ('absentOrAtMost' in guard) return value === undefined || compare(value, parameter) <= 0;
  if ('absentOrBelow' in guard) return value === undefined || compare(value, parameter) < 0;
  if ('atMost' in guard) return value !== undefined && compare(value, parameter) <= 0;
  return value !== undefined && compare(value, parameter) < 0;
}

/** DynamoDB's ordering: numbers by value, strings by code units; values of different types never compare true. */
function compare(a: unknown, b: unknown): number {
  if (typeof a === 'number' && typeof b === 'number') return a - b;
  if (typeof a === 'string' && typeof b === 'string') return a < b ? -1 : a > b ? 1 : 0;
  return Number.NaN;
}
