import type { AllocationConfig } from './allocation-config';
import { pick, shuffle, type RandomSource } from './random';

/**
 * A new permuted block: its size drawn uniformly from `blockSizes`, each arm appearing in
 * proportion to its ratio, in a uniformly random order.
 */
export function newBlock(config: Pick<AllocationConfig, 'arms' | 'blockSizes'>, random: RandomSource): string[] {
  const sizes = config.blockSizes ?? [];
  const size = pick(random, sizes);
  const ratioSum = Object.values(config.arms).reduce((a, b) => a + b, 0);
  const arms = Object.entries(config.arms).flatMap(([arm, ratio]) => Array.from({ length: (ratio * size) / ratioSum }, () => arm));
  return shuffle(random, arms);
}

/** A stratum's block in progress: its arms in order, and how many have been used. */
export interface BlockInProgress {
  arms: string[];
  next: number;
}

/** The next arm of a stratum's block, starting a new block when the current one is used up. */
export function nextFromBlock(
  config: Pick<AllocationConfig, 'arms' | 'blockSizes'>,
  block: BlockInProgress | undefined,
  random: RandomSource,
): { arm: string; block: BlockInProgress } {
  const current = block !== undefined && block.next < block.arms.length ? block : { arms: newBlock(config, random), next: 0 };
  return { arm: current.arms[current.next]!, block: { arms: current.arms, next: current.next + 1 } };
}
