/** Command-line plumbing shared by the benchmarks: --help and integer options. */

/** Prints the usage and exits 0 (asked-for help is not an error). */
export function exitWithUsage(usage: string): never {
  console.log(usage);
  process.exit(0);
}

/**
 * A parser of integer options that refuses anything else with the usage and exit code 1: a
 * benchmark run with a bad option would measure something other than it says.
 */
export function integerParser(usage: string): (name: string, raw: string, min: number) => number {
  return (name, raw, min) => {
    const v = Number(raw);
    if (!Number.isInteger(v) || v < min) {
      console.error(`--${name} must be an integer ≥ ${min} (got ${raw})\n${usage}`);
      process.exit(1);
    }
    return v;
  };
}
