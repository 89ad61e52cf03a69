import type { AllocationConfig } from './allocation-config';
import { marginalTotals, minimise } from './minimisation';
import { nextFromBlock, type BlockInProgress } from './permuted-blocks';
import type { RandomSource } from './random';
import { levelsOf, stratumOf, type StrataValues } from './strata';

/** Participants per arm in each stratum, after an allocation (past allocations only: not secret from admins). */
export type StratumCounts = Record<string, Record<string, number>>;

/**
 * What the next allocation depends on beyond the counts: each stratum's block in progress. It
 * holds future allocations, so it is only ever stored sealed (docs/randomisation.md).
 */
export interface SealedAllocationState {
  blocks: Record<string, BlockInProgress>;
}

export interface AllocationState {
  counts: StratumCounts;
  sealed: SealedAllocationState;
}

export const emptyAllocationState = (): AllocationState => ({ counts: {}, sealed: { blocks: {} } });

export interface Allocation {
  arm: string;
  stratum: string;
  state: AllocationState;
}

/**
 * The next allocation and the state after it: a pure function of the design, the state after
 * the previous allocation, the participant's strata and the random source.
 */
export function allocate(config: AllocationConfig, state: AllocationState, strata: StrataValues, random: RandomSource): Allocation {
  const stratum = stratumOf(config, strata);
  let arm: string;
  let sealed = state.sealed;
  if (config.method === 'blocked') {
    const next = nextFromBlock(config, state.sealed.blocks[stratum], random);
    arm = next.arm;
    sealed = { blocks: { ...state.sealed.blocks, [stratum]: next.block } };
  } else {
    arm = minimise(config, marginalTotals(config, state.counts, levelsOf), strata, random);
  }
  return { arm, stratum, state: { counts: countOne(state.counts, stratum, arm), sealed } };
}

/**
 * The state after an arm chosen by hand (an admin's documented override): it counts towards the
 * balance (minimisation sees it) but takes no place in any block, so the sequence is untouched.
 */
export function recordManual(config: AllocationConfig, state: AllocationState, strata: StrataValues, arm: string): Allocation {
  const stratum = stratumOf(config, strata);
  return { arm, stratum, state: { counts: countOne(state.counts, stratum, arm), sealed: state.sealed } };
}

function countOne(counts: StratumCounts, stratum: string, arm: string): StratumCounts {
  const here = counts[stratum] ?? {};
  return { ...counts, [stratum]: { ...here, [arm]: (here[arm] ?? 0) + 1 } };
}
