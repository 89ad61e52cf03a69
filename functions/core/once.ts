/**
 * `load`, run on the first call only; later calls get the same promise. For the modules a Lambda
 * imports on first use: a warm function then never asks the module loader again (each `import()`
 * of a loaded module is still an asynchronous trip through it, and under a development loader such
 * as tsx a message to its worker thread).
 */
export function once<T>(load: () => Promise<T>): () => Promise<T> {
  let loaded: Promise<T> | undefined;
  return () => (loaded ??= load());
}
