import { useId, useState } from 'react';
import type { EnrolmentStrings } from './enrolment-strings';

/**
 * "I do not want to take part": a button that opens a short confirmation (with an optional
 * reason). Withdrawing is as easy as consenting, and never a single accidental tap.
 */
export function WithdrawPanel({ strings, onWithdraw }: { strings: EnrolmentStrings['withdraw']; onWithdraw: (reason: string) => Promise<boolean> }) {
  const [open, setOpen] = useState(false);
  const [reason, setReason] = useState('');
  const [state, setState] = useState<'idle' | 'sending' | 'failed'>('idle');
  const id = useId();
  if (!open) {
    return (
      <p>
        <button type="button" className="secondary" onClick={() => setOpen(true)}>
          {strings.open}
        </button>
      </p>
    );
  }
  return (
    <section className="card withdraw" aria-labelledby={`${id}-title`}>
      <h2 id={`${id}-title`}>{strings.title}</h2>
      <p>{strings.body}</p>
      <label htmlFor={`${id}-reason`}>{strings.reasonLabel}</label>
      <textarea id={`${id}-reason`} rows={3} maxLength={500} value={reason} onChange={(e) => setReason(e.target.value)} />
      {state === 'failed' && (
        <p className="error" role="alert">
          {strings.failed}
        </p>
      )}
      <p className="actions">
        <button
          type="button"
          disabled={state === 'sending'}
          onClick={() => {
            setState('sending');
            void onWithdraw(reason.trim()).then((ok) => setState(ok ? 'idle' : 'failed'));
          }}
        >
          {strings.confirm}
        </button>{' '}
        <button type="button" className="secondary" onClick={() => setOpen(false)}>
          {strings.cancel}
        </button>
      </p>
    </section>
  );
}
