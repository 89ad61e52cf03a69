/** A participant code: letters, digits, - and _, at most 32, starting with a letter or digit. */
export const participantCodePattern = /^[A-Za-z0-9][A-Za-z0-9_-]{0,31}$/;

/**
 * Whether `code` could be a participant's code (the rule `participantCodeSchema` checks), without
 * zod: the staff routes that look a participant up by code test it at every request, and the
 * staff API's cold start loads no zod for them (bench/README.md#cold-start).
 */
export const isParticipantCode = (code: string): boolean => participantCodePattern.test(code);
