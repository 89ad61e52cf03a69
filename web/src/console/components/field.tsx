import { useEffect, type ComponentProps, type ReactNode, type RefObject } from 'react';

interface FieldProps {
  id: string;
  label: ReactNode;
  /** The API's message for this field, shown under the label and announced with the input. */
  error?: string | undefined;
  hint?: ReactNode;
}

const describedBy = (id: string, hint: ReactNode, error: string | undefined) =>
  [hint ? `${id}-hint` : null, error ? `${id}-error` : null].filter(Boolean).join(' ') || undefined;

function Frame({ id, label, error, hint, children }: FieldProps & { children: ReactNode }) {
  return (
    <div className={error ? 'field has-error' : 'field'}>
      <label htmlFor={id}>{label}</label>
      {hint && (
        <p id={`${id}-hint`} className="hint">
          {hint}
        </p>
      )}
      {error && (
        <p id={`${id}-error`} className="field-error">
          <span className="visually-hidden">Error: </span>
          {error}
        </p>
      )}
      {children}
    </div>
  );
}

export function TextField({ id, label, error, hint, ...input }: FieldProps & ComponentProps<'input'>) {
  return (
    <Frame id={id} label={label} error={error} hint={hint}>
      <input id={id} aria-invalid={error ? true : undefined} aria-describedby={describedBy(id, hint, error)} {...input} />
    </Frame>
  );
}

export function SelectField({ id, label, error, hint, children, ...select }: FieldProps & ComponentProps<'select'>) {
  return (
    <Frame id={id} label={label} error={error} hint={hint}>
      <select id={id} aria-invalid={error ? true : undefined} aria-describedby={describedBy(id, hint, error)} {...select}>
        {children}
      </select>
    </Frame>
  );
}

export function TextAreaField({ id, label, error, hint, ...area }: FieldProps & ComponentProps<'textarea'>) {
  return (
    <Frame id={id} label={label} error={error} hint={hint}>
      <textarea id={id} aria-invalid={error ? true : undefined} aria-describedby={describedBy(id, hint, error)} {...area} />
    </Frame>
  );
}

/**
 * After a refused submit, moves focus to the first field marked invalid in `container` (and
 * scrolls it into view), so the problem is where the coordinator is, not off-screen above.
 */
export function useFocusFirstInvalid(container: RefObject<HTMLElement | null>, error: unknown) {
  useEffect(() => {
    if (error === undefined || error === null) return;
    const first = container.current?.querySelector<HTMLElement>('[aria-invalid="true"]');
    if (first) {
      first.focus();
      first.scrollIntoView({ block: 'center' });
    }
  }, [container, error]);
}
