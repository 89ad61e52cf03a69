/** Ends a command with a message on stderr and a non-zero exit code; nothing goes to stdout. */
export function fail(message: string, code = 2): never {
  process.stderr.write(`timepoint: ${message}\n`);
  process.exit(code);
}
