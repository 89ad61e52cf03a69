import { pathToFileURL } from 'node:url';
import type { ScoringPlugin } from '../../core/scoring/engine';

/**
 * Loads licensee-supplied scorers for proprietary algorithms (PAM-13's is Insignia Health's)
 * from a JavaScript module outside this repository whose named exports are the plug-ins, e.g.
 * `export function pam13(itemScores) { … return { value, raw, band } }`. In AWS, ship the
 * module in a Lambda layer and point TIMEPOINT_SCORING_PLUGINS at it under /opt.
 */
export async function loadScoringPlugins(modulePath: string | undefined): Promise<Record<string, ScoringPlugin>> {
  if (modulePath === undefined || modulePath === '') return {};
  const module = (await import(pathToFileURL(modulePath).href)) as Record<string, unknown>;
  const plugins: Record<string, ScoringPlugin> = {};
  for (const [name, value] of Object.entries(module)) {
    if (name === 'default') continue;
    if (typeof value !== 'function') throw new Error(`scoring plug-in module ${modulePath}: export "${name}" is not a function`);
    plugins[name] = value as ScoringPlugin;
  }
  return plugins;
}
