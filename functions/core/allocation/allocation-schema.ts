import * as z from 'zod';
import { lazySchema } from '../lazy-schema';

const slug = lazySchema(() => z.string().regex(/^[a-z][a-z0-9_]{0,39}$/, 'lower-case letters, digits and _ (start with a letter)'));
/** A stratification level as coordinators type it (e.g. `lyon`, `f`, `65plus`). */
const level = lazySchema(() => z.string().regex(/^[A-Za-z0-9][A-Za-z0-9_.-]{0,39}$/, 'letters, digits, _ . and - (at most 40)'));

/** The largest block a study may declare: well past any trial's, and the sealed state stays small. */
export const MAX_BLOCK_SIZE = 60;
/** Strata cells (levels multiplied across factors) a blocked design may have. */
export const MAX_STRATA_CELLS = 1_000;
/** Above this the favoured arm is so nearly certain that the next allocation can be guessed. */
export const MAX_MINIMISATION_PROBABILITY = 0.95;

/**
 * How a study allocates participants to its randomised arms (docs/randomisation.md).
 * `blocked`: permuted blocks, of a size drawn at random from `blockSizes` for each new block,
 * within each stratum (every combination of the `strata` factors' levels).
 * `minimisation`: Pocock–Simon minimisation over the `strata` factors, assigning the
 * imbalance-minimising arm with `probability`.
 */
export const allocationSchema = lazySchema(() =>
  z
    .strictObject({
      method: z.enum(['blocked', 'minimisation']),
      /** Randomised arms and their allocation ratio (e.g. {"mbpm": 1, "waitlist": 1}); other study arms are chosen by hand. */
      arms: z.record(slug(), z.number().int().min(1).max(10)),
      /** Block sizes to draw from (blocked only); each a multiple of the ratios' sum. */
      blockSizes: z.array(z.number().int().min(2).max(MAX_BLOCK_SIZE)).min(1).max(10).optional(),
      /** Stratification (blocked) or minimisation (minimisation) factors, in the order stratum labels name them. */
      strata: z.array(slug()).max(6).default([]),
      /** The allowed levels of each factor; an enrolment must give one of them for every factor. */
      levels: z.record(slug(), z.array(level()).min(1).max(50)).default({}),
      /** Minimisation: chance of assigning the arm that minimises imbalance (Pocock & Simon's p). */
      probability: z.number().gt(0.5).max(MAX_MINIMISATION_PROBABILITY).optional(),
      /** Minimisation: how a factor level's imbalance is measured across arms. */
      imbalance: z.enum(['range', 'variance']).optional(),
      /** Minimisation: weight of each factor in the total imbalance (default 1 each). */
      weights: z.record(slug(), z.number().positive().max(100)).optional(),
    })
    .superRefine((config, ctx) => {
      const arms = Object.keys(config.arms);
      if (arms.length < 2) ctx.addIssue({ code: 'custom', path: ['arms'], message: 'at least two randomised arms' });
      const ratioSum = Object.values(config.arms).reduce((a, b) => a + b, 0);
      config.strata.forEach((factor, i) => {
        if (config.strata.indexOf(factor) !== i) ctx.addIssue({ code: 'custom', path: ['strata', i], message: `factor "${factor}" is listed twice` });
        const levels = config.levels[factor];
        if (levels === undefined) ctx.addIssue({ code: 'custom', path: ['levels', factor], message: `give the levels of factor "${factor}" (e.g. ["lyon", "paris"])` });
        else if (new Set(levels).size !== levels.length) ctx.addIssue({ code: 'custom', path: ['levels', factor], message: 'a level is listed twice' });
      });
      for (const factor of Object.keys(config.levels)) {
        if (!config.strata.includes(factor)) ctx.addIssue({ code: 'custom', path: ['levels', factor], message: `"${factor}" is not one of the strata` });
      }
      if (config.method === 'blocked') {
        if (config.blockSizes === undefined) ctx.addIssue({ code: 'custom', path: ['blockSizes'], message: `permuted blocks need block sizes (multiples of ${ratioSum}, e.g. [${ratioSum * 2}, ${ratioSum * 3}])` });
        config.blockSizes?.forEach((size, i) => {
          if (size % ratioSum !== 0) ctx.addIssue({ code: 'custom', path: ['blockSizes', i], message: `${size} is not a multiple of ${ratioSum}, the sum of the arms' ratios` });
        });
        const cells = config.strata.reduce((n, f) => n * (config.levels[f]?.length ?? 1), 1);
        if (cells > MAX_STRATA_CELLS) ctx.addIssue({ code: 'custom', path: ['strata'], message: `${cells} strata: at most ${MAX_STRATA_CELLS} (stratify on fewer factors, or use minimisation)` });
        for (const key of ['probability', 'imbalance', 'weights'] as const) {
          if (config[key] !== undefined) ctx.addIssue({ code: 'custom', path: [key], message: 'only for minimisation' });
        }
      } else {
        if (config.blockSizes !== undefined) ctx.addIssue({ code: 'custom', path: ['blockSizes'], message: 'only for permuted blocks' });
        if (config.strata.length === 0) ctx.addIssue({ code: 'custom', path: ['strata'], message: 'minimisation needs at least one factor' });
        for (const factor of Object.keys(config.weights ?? {})) {
          if (!config.strata.includes(factor)) ctx.addIssue({ code: 'custom', path: ['weights', factor], message: `"${factor}" is not one of the strata` });
        }
      }
    }),
);

/** A study's allocation, as checked by `allocationSchema`. */
export type AllocationConfig = z.infer<ReturnType<typeof allocationSchema>>;
