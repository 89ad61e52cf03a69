import type { AllocationConfig } from './allocation-config';

/** A participant's level of each stratification factor. */
export type StrataValues = Record<string, string>;

/** The stratum a participant falls in, named by every factor's level in declared order (`site=lyon|sex=f`); `all` without factors. */
export function stratumOf(config: Pick<AllocationConfig, 'strata'>, values: StrataValues): string {
  if (config.strata.length === 0) return 'all';
  return config.strata.map((factor) => `${factor}=${values[factor]}`).join('|');
}

/** The factor levels a stratum label names (the inverse of `stratumOf`). */
export function levelsOf(stratum: string): StrataValues {
  if (stratum === 'all') return {};
  return Object.fromEntries(stratum.split('|').map((part) => part.split('=', 2) as [string, string]));
}

/**
 * Problems with the strata values of one enrolment, each naming its field: every declared
 * factor must be given a declared level, and nothing else may be given.
 */
export function strataProblems(config: Pick<AllocationConfig, 'strata' | 'levels'>, values: StrataValues | undefined, field = 'strata'): Array<{ field: string; message: string }> {
  const given = values ?? {};
  const problems: Array<{ field: string; message: string }> = [];
  for (const factor of config.strata) {
    const levels = config.levels[factor] ?? [];
    const value = given[factor];
    if (value === undefined || value === '') problems.push({ field: `${field}.${factor}`, message: `required (one of: ${levels.join(', ')})` });
    else if (!levels.includes(value)) problems.push({ field: `${field}.${factor}`, message: `"${value}" is not a level of ${factor} (one of: ${levels.join(', ')})` });
  }
  for (const factor of Object.keys(given)) {
    if (!config.strata.includes(factor)) {
      problems.push({ field: `${field}.${factor}`, message: config.strata.length === 0 ? 'this study declares no strata' : `unknown factor (this study's: ${config.strata.join(', ')})` });
    }
  }
  return problems;
}
