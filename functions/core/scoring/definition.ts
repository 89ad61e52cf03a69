import * as z from 'zod';
import { constructs } from '../catalogue/constructs';
import { lazySchema } from '../lazy-schema';

/**
 * The scoring definition of one instrument version: data in surveys/<id>/scoring.json,
 * read by the one generic engine in engine.ts. See docs/instruments.md for the format.
 */

/** Built on first use (the catalogue is read when a form is first opened or scored: core/lazy-schema.ts). */
export const scoringDefinitionSchema = lazySchema(() => {
  const itemSchema = z
    .object({
      id: z.string().regex(/^[A-Za-z][A-Za-z0-9_]*$/),
      /** The allowed numeric codes, as printed on the official form. */
      codes: z.array(z.number()).min(2).optional(),
      /** Or an inclusive numeric range (visual analogue and rating scales). */
      range: z.strictObject({ min: z.number(), max: z.number(), integer: z.boolean().default(true) }).optional(),
      /** Codes that record a non-answer such as "not applicable"; scored as missing. */
      missingCodes: z.array(z.number()).default([]),
      /**
       * Item score of each code, when it is not the code itself (e.g. BDI-II items 16 and 18,
       * whose options 1a and 1b both score 1). Keys are codes; unlisted codes score themselves.
       */
      recode: z.record(z.string(), z.number()).optional(),
      /**
       * The code printed on the paper form for each stored code, where the form prints something
       * other than the number itself (BDI-II items 16 and 18 print 1a, 1b …; PAM-13 prints N/A).
       * Keys are the printed codes, values the stored codes; every stored code needs one. Data
       * entered from paper (`npx timepoint score`) gives the printed code, and the item-level exports
       * write it back, so a printed code survives a round trip and is never guessed from a digit.
       */
      printedCodes: z.record(z.string().min(1), z.number()).optional(),
    })
    .refine((item) => (item.codes === undefined) !== (item.range === undefined), 'give exactly one of codes or range')
    .superRefine((item, ctx) => {
      if (item.printedCodes === undefined) return;
      const stored = Object.values(item.printedCodes);
      const codes = item.codes ?? [];
      const lower = Object.keys(item.printedCodes).map((k) => k.toLowerCase());
      if (new Set(lower).size !== lower.length) ctx.addIssue({ code: 'custom', path: ['printedCodes'], message: 'printed codes must differ other than by case' });
      if (stored.length !== codes.length || codes.some((c) => !stored.includes(c))) {
        ctx.addIssue({ code: 'custom', path: ['printedCodes'], message: `give exactly one printed code for each of the codes ${codes.join(', ')}` });
      }
    });

  const boundSchema = { gte: z.number().optional(), gt: z.number().optional(), lte: z.number().optional(), lt: z.number().optional() };

  /** A named interval of values; bounds are explicit about inclusivity, as manuals differ. */
  const bandSchema = z.strictObject({ label: z.string().min(1), ...boundSchema });

  const missingRuleSchema = z.discriminatedUnion('kind', [
    /** Any missing item and the scale is not scored. */
    z.strictObject({ kind: z.literal('all_required'), description: z.string(), source: z.string().optional() }),
    /**
     * Score from the answered items when enough are answered: a sum is scaled up to the full
     * item count (equivalently, each missing item takes the mean of the answered ones), a mean
     * is the mean of the answered items. `round` applies to the prorated sum before any lookup.
     */
    z.strictObject({
      kind: z.literal('prorate'),
      minAnswered: z.number().int().min(1).optional(),
      maxMissing: z.number().int().min(0).optional(),
      minFraction: z.number().gt(0).max(1).optional(),
      round: z.enum(['none', 'up', 'nearest']).default('none'),
      description: z.string(),
      source: z.string().optional(),
    }),
  ]);

  const scaleSchema = z.strictObject({
    id: z.string().regex(/^[a-z][a-z0-9_]*$/),
    label: z.string().min(1),
    items: z.array(z.string()).min(1),
    /** Items scored min + max − x. */
    reversed: z.array(z.string()).default([]),
    /**
     * sum or mean of item scores; lookup maps the (integer) summed score through `table`;
     * plugin hands the item scores to a licensee-installed scorer named by `plugin`.
     */
    formula: z.enum(['sum', 'mean', 'lookup', 'plugin']),
    /** The plug-in that scores a `plugin` scale (proprietary algorithms, e.g. PAM-13). */
    plugin: z.string().optional(),
    /** raw score (as a string key) → value, and its standard error where published. */
    table: z.record(z.string(), z.strictObject({ value: z.number(), se: z.number().optional() })).optional(),
    /** value = raw × multiply + add, after sum or mean (e.g. DASS-21 × 2, WHO-5 × 4). */
    transform: z.strictObject({ multiply: z.number().default(1), add: z.number().default(0) }).optional(),
    /** The missing-data rule used unless a study chooses another: a key of `missingRules`. */
    missing: z.string(),
    bands: z.array(bandSchema).default([]),
  });

  // Strict variants: a loose union would match the first shape and silently drop `whenMissing`.
  const flagSchema = z.union([
    z.strictObject({ id: z.string(), label: z.string(), item: z.string(), whenMissing: z.literal(true), urgent: z.boolean().default(false) }),
    z.strictObject({ id: z.string(), label: z.string(), item: z.string(), ...boundSchema, urgent: z.boolean().default(false) }),
    /** Raised once when any of the items is within the bounds (e.g. WHO-5: any item 0 or 1). */
    z.strictObject({ id: z.string(), label: z.string(), anyOf: z.array(z.string()).min(1), ...boundSchema, urgent: z.boolean().default(false) }),
    z.strictObject({ id: z.string(), label: z.string(), scale: z.string(), ...boundSchema, urgent: z.boolean().default(false) }),
  ]);

  const licenceSchema = z.strictObject({
    /** PD, FREE-ATTR, FREE-REG, CC-NC or LICENSE (see docs/instruments.md). */
    category: z.enum(['PD', 'FREE-ATTR', 'FREE-REG', 'CC-NC', 'LICENSE']),
    holder: z.string(),
    /** The licence's own name where it has one, e.g. `CC BY-NC-SA 3.0 IGO`. */
    name: z.string().min(1).optional(),
    /** Whether the item wording may be (and is) shipped in this repository. */
    textIncluded: z.boolean(),
    terms: z.string(),
    url: z.string().optional(),
  });

  return z
    .object({
      id: z.string().regex(/^[a-z][a-z0-9]*$/),
      /** The instrument's own version (e.g. PROMIS-29 2.0). */
      version: z.string().min(1),
      /** The version of these scoring rules; bump when a rule or table changes. */
      scoringVersion: z.string().min(1),
      name: z.string().min(1),
      citation: z.string().min(1),
      /** What the instrument measures (design.md's constructs), for the catalogue's per-construct listing. */
      constructs: z.array(z.enum(constructs)).min(1),
      licence: licenceSchema,
      items: z.array(itemSchema).min(1),
      /** Items on the form that no scale uses (e.g. PHQ-9 item 10). */
      unscored: z.array(z.string()).default([]),
      scales: z.array(scaleSchema).min(1),
      missingRules: z.record(z.string(), missingRuleSchema),
      flags: z.array(flagSchema).default([]),
    })
    .superRefine((def, ctx) => {
      const items = new Set(def.items.map((i) => i.id));
      def.scales.forEach((scale, s) => {
        for (const id of [...scale.items, ...scale.reversed]) {
          if (!items.has(id)) ctx.addIssue({ code: 'custom', path: ['scales', s], message: `unknown item ${id}` });
        }
        if (def.missingRules[scale.missing] === undefined) {
          ctx.addIssue({ code: 'custom', path: ['scales', s, 'missing'], message: `unknown missing rule ${scale.missing}` });
        }
        if (scale.formula === 'plugin' && scale.plugin === undefined) {
          ctx.addIssue({ code: 'custom', path: ['scales', s, 'plugin'], message: 'a plugin scale needs a plugin name' });
        }
        if (scale.formula === 'lookup' && scale.table === undefined) {
          ctx.addIssue({ code: 'custom', path: ['scales', s, 'table'], message: 'a lookup scale needs a table' });
        }
      });
      def.flags.forEach((flag, f) => {
        for (const id of 'anyOf' in flag ? flag.anyOf : []) {
          if (!items.has(id)) ctx.addIssue({ code: 'custom', path: ['flags', f], message: `unknown item ${id}` });
        }
        if ('item' in flag && !items.has(flag.item)) ctx.addIssue({ code: 'custom', path: ['flags', f], message: `unknown item ${flag.item}` });
        if ('scale' in flag && !def.scales.some((s) => s.id === flag.scale)) {
          ctx.addIssue({ code: 'custom', path: ['flags', f], message: `unknown scale ${flag.scale}` });
        }
      });
    });
});

export type ScoringDefinition = z.infer<ReturnType<typeof scoringDefinitionSchema>>;
export type ItemDefinition = ScoringDefinition['items'][number];
export type ScaleDefinition = ScoringDefinition['scales'][number];
export type MissingRule = ScoringDefinition['missingRules'][string];
export type Band = ScaleDefinition['bands'][number];
export type Bounds = Pick<Band, 'gte' | 'gt' | 'lte' | 'lt'>;
