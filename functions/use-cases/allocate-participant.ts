import { allocate, emptyAllocationState, recordManual, type AllocationState, type SealedAllocationState } from '../core/allocation/allocate';
import type { StrataValues } from '../core/allocation/strata';
import { AppError, conflict, unavailable } from '../core/errors';
import type { AllocationRecord } from '../core/ports';
import type { Participant, Study } from '../core/study/study';
import { recordAudit } from './audit';
import { enrolledAudit } from './enrolment-audit';
import type { Actor, Deps } from './deps';

type AllocationDeps = Pick<Deps, 'allocations' | 'participants' | 'sealer' | 'random' | 'clock' | 'secrets' | 'audit'>;

/** How long an enrolment keeps trying for a free slot while others take them (each try reads the newest). */
const CLAIM_BUDGET_MS = 30_000;

/** What the sealed value of slot `sequence` is bound to: it opens for that study and slot only. */
const sealContext = (studyId: string, sequence: number) => ({ purpose: 'allocation', studyId, sequence: String(sequence) });

/** An allocation was claimed (its slot written) but its participant is not created yet: never undo the enrolment now. */
export class AllocationClaimed extends Error {
  constructor(
    readonly record: AllocationRecord,
    override readonly cause: unknown,
  ) {
    super('allocation written; the participant will be created from it');
  }
}

/**
 * Allocates a participant and creates them. The arm is decided from the newest slot's state and
 * written, with its sequence number, stratum and time, into the next slot in one conditional
 * write; an enrolment that loses the race for a number reads the new newest and tries again, so
 * numbers are taken in order with no gap. The participant record is then created from the slot;
 * if that is interrupted, the slot (which holds the record) lets a retry or the dispatcher finish it.
 *
 * `manual`: a randomised arm an admin chose by hand, with the reason: it takes the next sequence
 * number and counts towards the balance, but no place in any block.
 */
export async function allocateAndCreate(
  deps: AllocationDeps,
  study: Study,
  draft: Omit<Participant, 'arm' | 'allocation' | 'strata'>,
  strata: StrataValues,
  actor: Actor,
  manual?: { arm: string; reason: string },
): Promise<AllocationRecord> {
  const config = study.allocation;
  if (config === undefined) throw new Error(`study ${study.id} does not allocate`);
  const claim = deps.secrets.id();
  const started = Date.now();
  let record: AllocationRecord | undefined;
  for (let attempt = 0; record === undefined; attempt++) {
    const latest = await deps.allocations.latest(study.id);
    const sequence = (latest?.sequence ?? 0) + 1;
    const state: AllocationState = latest === null ? emptyAllocationState() : { counts: latest.counts, sealed: await unseal(deps, study.id, latest) };
    const result = manual ? recordManual(config, state, strata, manual.arm) : allocate(config, state, strata, deps.random);
    const at = deps.clock.now().toISOString();
    const candidate: AllocationRecord = {
      studyId: study.id,
      sequence,
      code: draft.code,
      arm: result.arm,
      stratum: result.stratum,
      strata,
      at,
      by: actor,
      method: manual ? 'manual' : config.method,
      ...(manual ? { reason: manual.reason } : {}),
      counts: result.state.counts,
      sealed: await deps.sealer.seal(JSON.stringify(result.state.sealed), sealContext(study.id, sequence)),
      claim,
      participant: {
        ...draft,
        arm: result.arm,
        strata,
        allocation: { sequence, stratum: result.stratum, at, method: manual ? 'manual' : config.method, ...(manual ? { reason: manual.reason } : {}) },
      },
    };
    if (await deps.allocations.claim(candidate)) record = candidate;
    else {
      // Taken: by another enrolment, or by this very write whose answer was lost (the SDK repeated it).
      const taken = await deps.allocations.get(study.id, sequence);
      if (taken?.claim === claim) record = taken;
      else if (Date.now() - started > CLAIM_BUDGET_MS) throw unavailable('many enrolments are being allocated at once: please try again in a moment');
      else await pause(deps, attempt);
    }
  }
  try {
    await createFromSlot(deps, record);
  } catch (error) {
    if (error instanceof AppError && error.kind === 'conflict') throw error;
    throw new AllocationClaimed(record, error);
  }
  return record;
}

/**
 * Creates the participant a slot holds (if absent), records the allocation in the audit trail
 * (once, keyed by the slot) and settles the slot. Idempotent: the enrolment calls it, and the
 * dispatcher calls it again for a slot left pending by an interrupted enrolment. A code taken by
 * someone else meanwhile voids the slot (it stays in the log, unused) and is a conflict.
 */
export async function createFromSlot(deps: Pick<Deps, 'allocations' | 'participants' | 'audit' | 'clock' | 'secrets'>, record: AllocationRecord): Promise<'created' | 'existed'> {
  const { studyId, code } = record.participant;
  let outcome: 'created' | 'existed' = 'created';
  try {
    // Keyed by the code: however often the slot is finished (by the enrolment or the dispatcher), one entry.
    await deps.participants.create(record.participant, enrolledAudit(deps, record.participant, record.by, { id: `participant.enrolled:${code}`, at: record.at }));
  } catch (error) {
    if (!(error instanceof AppError && error.kind === 'conflict')) throw error;
    const existing = await deps.participants.get(studyId, code);
    if (existing?.allocation?.sequence !== record.sequence) {
      await deps.allocations.markVoid(studyId, record.sequence, `participant code ${code} was taken by another enrolment`, deps.clock.now());
      await recordAudit(deps, { scope: `study:${studyId}`, actor: 'system:allocation', action: 'allocation.voided', target: `allocation:${record.sequence}`, after: { code, reason: 'participant code taken meanwhile' } });
      throw conflict(`participant code ${code} was taken meanwhile: choose another (allocation ${record.sequence} is recorded as unused)`, 'code');
    }
    outcome = 'existed';
  }
  await recordAudit(
    deps,
    {
      scope: `study:${studyId}`,
      actor: record.by,
      action: 'participant.allocated',
      target: `participant:${code}`,
      after: { sequence: record.sequence, stratum: record.stratum, arm: record.arm, method: record.method, ...(record.reason ? { reason: record.reason } : {}) },
    },
    // One entry per slot, however often this runs.
    { id: `participant.allocated:${record.sequence}`, at: record.at },
  );
  await deps.allocations.settle(studyId, record.sequence);
  return outcome;
}

async function unseal(deps: Pick<Deps, 'sealer'>, studyId: string, latest: AllocationRecord): Promise<SealedAllocationState> {
  return JSON.parse(await deps.sealer.open(latest.sealed, sealContext(studyId, latest.sequence))) as SealedAllocationState;
}

/** A short random wait after losing a slot, growing a little with each loss, so racers spread out. */
function pause(deps: Pick<Deps, 'random'>, attempt: number): Promise<void> {
  const ms = 5 + deps.random.int(20 + Math.min(attempt, 10) * 10);
  return new Promise((resolve) => setTimeout(resolve, ms));
}

/** What the sealed state of a slot is bound to (for tools that open a slot with the key, as the security tests do). */
export const allocationSealContext = sealContext;
