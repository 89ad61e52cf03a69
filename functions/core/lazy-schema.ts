import { once } from './once';

/**
 * A schema built on its first use instead of when its module is imported. Building a zod schema
 * is work (each refinement clones its parent), and the Lambdas import every module their routes
 * might reach: a schema that only some requests use (a study's definition is checked when a
 * study is saved, an instrument's when the catalogue is first read) would otherwise be built at
 * every cold start, before the first request is served (bench/README.md#cold-start). Types are
 * inferred from the same declaration: `z.infer<ReturnType<typeof studySchema>>`.
 */
export const lazySchema: <T>(build: () => T) => () => T = once;
