import { can, type StaffRole } from '../auth/permissions';
import type { AllocationConfig } from './allocation-schema';

// The allocation's schema (allocation-schema.ts) is apart from these rules, so reading a study,
// listing its allocations or concealing block sizes loads no zod (bench/README.md#cold-start).
export type { AllocationConfig } from './allocation-schema';

/** The minimisation settings with their defaults filled in. */
export function minimisationSettings(config: AllocationConfig) {
  return {
    probability: config.probability ?? 0.8,
    imbalance: config.imbalance ?? 'range',
    weight: (factor: string) => config.weights?.[factor] ?? 1,
  };
}

/** The randomised arms, in the order the allocation declares them. */
export const randomisedArms = (config: AllocationConfig): string[] => Object.keys(config.arms);

/**
 * A study as staff other than admins may see it: the block sizes left out, since knowing them
 * (with the arms of past participants) can reveal the last allocations of a block. Admins, who
 * set the allocation, see everything; nobody sees the sequence itself.
 */
export function concealBlockSizes<T extends { allocation?: AllocationConfig | undefined }>(study: T, role: StaffRole): T {
  if (can(role, 'allocation.manage') || study.allocation?.blockSizes === undefined) return study;
  const { blockSizes: _concealed, ...allocation } = study.allocation;
  return { ...study, allocation };
}
