/**
 * `compute`, run on the first call only; later calls get what it returned (for a promise, the same
 * promise). For what a Lambda needs only on some requests, built or imported on first use: a
 * schema (lazy-schema.ts), or a module imported on first use, so a warm function never asks the
 * module loader again (each `import()` of a loaded module is still an asynchronous trip through it,
 * and under a development loader such as tsx a message to its worker thread). What `compute`
 * returns must not be null or undefined, which would count as not yet computed.
 */
export function once<T>(compute: () => T): () => T {
  let value: T | undefined;
  return () => (value ??= compute());
}
