/**
 * The one error factory of the application. Use cases throw these; the HTTP layer maps them
 * to status codes and the CLI to exit codes, so a message written here is what the user reads.
 */
export type ErrorKind =
  | 'bad_request'
  | 'unauthorized'
  | 'forbidden'
  | 'not_found'
  | 'conflict'
  | 'gone'
  | 'too_many_requests'
  | 'unavailable';

const statusOfKind: Record<ErrorKind, number> = {
  bad_request: 400,
  unauthorized: 401,
  forbidden: 403,
  not_found: 404,
  conflict: 409,
  gone: 410,
  too_many_requests: 429,
  unavailable: 503,
};

export class AppError extends Error {
  readonly kind: ErrorKind;
  /** The request field, item id or path the message is about, when there is one. */
  readonly field: string | undefined;
  /** Every problem found, when there were several (e.g. one per invalid answer). */
  readonly details: Array<{ field: string; message: string }> | undefined;
  /** Extra fields of the error body a client needs to show the right page (never secrets or answers). */
  readonly context: Record<string, unknown> | undefined;

  constructor(kind: ErrorKind, message: string, field?: string, details?: Array<{ field: string; message: string }>, context?: Record<string, unknown>) {
    super(message);
    this.name = 'AppError';
    this.kind = kind;
    this.field = field;
    this.details = details;
    this.context = context;
  }

  get status(): number {
    return statusOfKind[this.kind];
  }
}

export const badRequest = (field: string, message: string) =>
  new AppError('bad_request', `${field}: ${message}`, field);
/** A 400 listing every problem; the message names the first. */
export const invalidFields = (problems: Array<{ field: string; message: string }>) => {
  const [first] = problems;
  if (first === undefined) throw new Error('invalidFields needs at least one problem');
  const more = problems.length > 1 ? ` (and ${problems.length - 1} more problem${problems.length > 2 ? 's' : ''})` : '';
  return new AppError('bad_request', `${first.field}: ${first.message}${more}`, first.field, problems);
};
export const unauthorized = (message = 'sign in required') => new AppError('unauthorized', message);
export const forbidden = (message = 'not allowed for your role') => new AppError('forbidden', message);
export const notFound = (what: string) => new AppError('not_found', `${what} not found`);
export const conflict = (message: string, field?: string) => new AppError('conflict', message, field);
export const gone = (message: string) => new AppError('gone', message);
/**
 * A participant link that an email correction, a resend, a withdrawal or an erasure replaced or
 * closed. The body names the study (so the page can say whose link it was) and the participant's
 * language, nothing else: no answers, no draft, no study wording.
 */
export const linkRevoked = (studyName: string, language: string) =>
  new AppError('gone', 'this link has been replaced by a newer one or closed: use the link in the most recent email from the study', 'link', undefined, {
    reason: 'link_revoked',
    study: { name: studyName },
    language,
  });
/** Too many attempts of one kind from one client (or for one address): `retryAfterSeconds` goes in Retry-After. */
export const tooManyRequests = (message: string, retryAfterSeconds: number) =>
  new AppError('too_many_requests', message, undefined, undefined, { retryAfterSeconds });
/** A dependency (the email provider) refused for now: worth trying again shortly. */
export const unavailable = (message: string) => new AppError('unavailable', message);

export const isAppError = (error: unknown): error is AppError => error instanceof AppError;
