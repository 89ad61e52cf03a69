import { wordingInstalled } from '../battery';
import type { DispatchDeps } from './pass-context';

/** The instruments of a battery whose licensed wording this deployment lacks, as `id@version`. */
export type WordingCheck = (instruments: Array<{ id: string; version: string }>) => Promise<string[]>;

/**
 * Each instrument looked up once per pass. An instrument the catalogue lacks counts as missing
 * too: its page could not be shown either.
 */
export function wordingCheck(deps: Pick<DispatchDeps, 'catalogue' | 'licensedTexts'>): WordingCheck {
  const installed = new Map<string, Promise<boolean>>();
  const has = (id: string, version: string) => {
    const key = `${id}@${version}`;
    let known = installed.get(key);
    if (known === undefined) installed.set(key, (known = wordingInstalled(deps, id, version)));
    return known;
  };
  return async (instruments) => {
    const present = await Promise.all(instruments.map(({ id, version }) => has(id, version)));
    return instruments.filter((_, i) => !present[i]).map(({ id, version }) => `${id}@${version}`);
  };
}
