import { randomisedArms } from '../core/allocation/allocation-config';
import { marginalTotals } from '../core/allocation/minimisation';
import { levelsOf } from '../core/allocation/strata';
import { badRequest, notFound } from '../core/errors';
import type { Deps } from './deps';

/**
 * What has been allocated, for admins (GET /api/studies/:id/allocation): counts per stratum ×
 * arm, the marginal totals per factor level, and the log of every past allocation. Built from
 * the slots' plaintext only: the sealed state (future allocations) is never opened here.
 */
export async function allocationReport(deps: Pick<Deps, 'studies' | 'allocations'>, studyId: string) {
  const study = await deps.studies.get(studyId);
  if (study === null) throw notFound(`study ${studyId}`);
  const config = study.allocation;
  if (config === undefined) throw badRequest('studyId', 'this study does not allocate (it declares no allocation)');
  const log = await deps.allocations.list(studyId);
  const used = log.filter((r) => r.void === undefined);
  const arms = [...new Set([...randomisedArms(config), ...used.map((r) => r.arm)])];
  const counts: Record<string, Record<string, number>> = {};
  for (const r of used) (counts[r.stratum] ??= {})[r.arm] = ((counts[r.stratum] ??= {})[r.arm] ?? 0) + 1;
  return {
    allocation: config,
    frozen: log.length > 0,
    allocated: used.length,
    arms,
    strata: Object.entries(counts)
      .sort(([a], [b]) => a.localeCompare(b))
      .map(([stratum, byArm]) => ({ stratum, levels: levelsOf(stratum), counts: Object.fromEntries(arms.map((a) => [a, byArm[a] ?? 0])), total: Object.values(byArm).reduce((x, y) => x + y, 0) })),
    marginals: Object.entries(marginalTotals(config, counts, levelsOf)).flatMap(([factor, levels]) =>
      Object.entries(levels).map(([level, byArm]) => ({ factor, level, counts: Object.fromEntries(arms.map((a) => [a, byArm[a] ?? 0])) })),
    ),
    log: log.map((r) => ({
      sequence: r.sequence,
      participant: r.code,
      stratum: r.stratum,
      arm: r.arm,
      at: r.at,
      by: r.by,
      method: r.method,
      ...(r.reason ? { reason: r.reason } : {}),
      ...(r.void ? { void: r.void } : {}),
    })),
  };
}
