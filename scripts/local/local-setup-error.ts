/**
 * A problem with the local set-up that the user can fix (a port taken, a data folder in use or
 * damaged): the command prints its message as one line and exits non-zero, with no stack trace.
 */
export class LocalSetupError extends Error {
  override readonly name = 'LocalSetupError';
}
