import * as z from 'zod';
import { lazySchema } from '../lazy-schema';
import type { ScoringDefinition } from '../scoring/definition';

/**
 * Item wording a licensee supplies for an instrument whose licence forbids shipping it
 * (BDI-II, SF-MPQ, PROMIS …). It lives in the deployment's own database, loaded with
 * `npx timepoint instruments load-text`, never in this repository.
 */
export const licensedTextSchema = lazySchema(() =>
  z.strictObject({
    instrument: z.string().min(1),
    version: z.string().min(1),
    title: z.string().min(1).max(300).optional(),
    description: z.string().max(5000).optional(),
    /** Per item: the question text and, for coded items, each code's label (keys are the codes). */
    items: z.record(
      z.string(),
      z.strictObject({
        title: z.string().min(1).max(2000),
        description: z.string().max(2000).optional(),
        choices: z.record(z.string(), z.string().min(1).max(500)).optional(),
        minRateDescription: z.string().max(200).optional(),
        maxRateDescription: z.string().max(200).optional(),
      }),
    ),
  }),
);

export type LicensedText = z.infer<ReturnType<typeof licensedTextSchema>>;

/** Every way a wording file fails to cover the instrument exactly: each problem names the item. */
export function checkLicensedText(definition: ScoringDefinition, text: LicensedText): Array<{ field: string; message: string }> {
  const problems: Array<{ field: string; message: string }> = [];
  if (text.instrument !== definition.id || text.version !== definition.version) {
    problems.push({ field: 'instrument', message: `is for ${text.instrument}@${text.version}, not ${definition.id}@${definition.version}` });
  }
  const items = new Map(definition.items.map((i) => [i.id, i]));
  for (const id of Object.keys(text.items)) {
    if (!items.has(id)) problems.push({ field: `items.${id}`, message: `is not an item of ${definition.id}` });
  }
  for (const item of definition.items) {
    const wording = text.items[item.id];
    if (wording === undefined) {
      problems.push({ field: `items.${item.id}`, message: 'has no wording' });
      continue;
    }
    if (item.codes === undefined) continue;
    const expected = item.codes.map(String);
    const given = Object.keys(wording.choices ?? {});
    const missing = expected.filter((c) => !given.includes(c));
    const extra = given.filter((c) => !expected.includes(c));
    if (missing.length > 0) problems.push({ field: `items.${item.id}.choices`, message: `no label for code ${missing.join(', ')}` });
    if (extra.length > 0) problems.push({ field: `items.${item.id}.choices`, message: `code ${extra.join(', ')} is not allowed (allowed: ${expected.join(', ')})` });
  }
  return problems;
}
