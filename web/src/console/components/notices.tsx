import type { ReactNode } from 'react';
import { problemSentence } from '../lib/field-names';
import { ApiError, errorMessage } from '../lib/http';

export function Loading({ what = 'Loading…' }: { what?: string }) {
  return (
    <p className="muted loading" aria-live="polite">
      {what}
    </p>
  );
}

export function Empty({ children }: { children: ReactNode }) {
  return <p className="empty">{children}</p>;
}

/** A failed load or action, announced at once. */
export function ErrorNotice({ error, children }: { error: unknown; children?: ReactNode }) {
  if (error === undefined || error === null) return null;
  return (
    <div className="notice notice-error" role="alert">
      <p>{errorMessage(error)}</p>
      {children}
    </div>
  );
}

/**
 * The API's error for a form: its message, and each problem it lists. Problems whose field is on
 * the form link to the input (the input itself shows the message too); others are listed here.
 */
export function FormErrors({ error, inputFor }: { error: unknown; inputFor?: (field: string) => string | undefined }) {
  if (error === undefined || error === null) return null;
  const body = error instanceof ApiError ? error.body?.error : undefined;
  const details = body?.details ?? [];
  const single = body?.field ? problemSentence(body.field, body.message) : errorMessage(error);
  return (
    <div className="notice notice-error" role="alert">
      <p>
        <strong>{details.length > 1 ? `There are ${details.length} problems:` : 'There is a problem:'}</strong> {details.length > 1 ? null : single}
      </p>
      {details.length > 1 && (
        <ul>
          {details.map((d, i) => {
            const input = inputFor?.(d.field);
            const sentence = problemSentence(d.field, d.message);
            return <li key={i}>{input ? <a href={`#${input}`}>{sentence}</a> : sentence}</li>;
          })}
        </ul>
      )}
    </div>
  );
}

/** A short-lived confirmation after an action. */
export function Done({ children }: { children: ReactNode }) {
  return (
    <p className="notice notice-ok" role="status">
      {children}
    </p>
  );
}
