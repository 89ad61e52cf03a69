import { useEffect, useRef, useState } from 'react';
import { TextAreaField } from '../../components/field';
import { Done, FormErrors } from '../../components/notices';
import { fieldErrors } from '../../lib/http';
import type { Participant } from '../../lib/types';
import { call, send } from '../../lib/client';

/** Withdrawal stops all mail and keeps the data: asked for twice, with an optional reason for the audit trail. */
export function WithdrawParticipant({ studyId, participant, onWithdrawn }: { studyId: string; participant: Participant; onWithdrawn: () => void }) {
  const [confirming, setConfirming] = useState(false);
  const [reason, setReason] = useState('');
  const [consentWithdrawn, setConsentWithdrawn] = useState(false);
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<unknown>(undefined);
  const [done, setDone] = useState(false);
  const reasonRef = useRef<HTMLTextAreaElement>(null);
  const openRef = useRef<HTMLButtonElement>(null);
  useEffect(() => {
    if (confirming) reasonRef.current?.focus();
  }, [confirming]);

  if (participant.status === 'withdrawn') {
    return (
      <section className="card" aria-labelledby="withdraw-heading">
        <h2 id="withdraw-heading">Withdrawal</h2>
        {done ? <Done>{participant.code} is withdrawn: no more emails will be sent. Their data is kept.</Done> : <p>{participant.code} has withdrawn. No emails are sent; their data is kept.</p>}
      </section>
    );
  }
  return (
    <section className="card danger-zone" aria-labelledby="withdraw-heading">
      <h2 id="withdraw-heading">Withdraw from the study</h2>
      <p>Cancels every planned email and closes open questionnaires. Answers and scores already given are kept. This cannot be undone.</p>
      {!confirming ? (
        <button ref={openRef} type="button" className="danger" onClick={() => setConfirming(true)}>
          Withdraw {participant.code}…
        </button>
      ) : (
        <form
          onSubmit={(e) => {
            e.preventDefault();
            setBusy(true);
            setError(undefined);
            send(call('post', '/api/studies/:studyId/participants/:code/withdraw', { params: { studyId, code: participant.code }, body: { ...(reason.trim() ? { reason: reason.trim() } : {}), ...(consentWithdrawn ? { consentWithdrawn: true } : {}) } }))
              .then(() => {
                setDone(true);
                onWithdrawn();
              }, setError)
              .finally(() => setBusy(false));
          }}
        >
          <FormErrors error={error} inputFor={(f) => (f === 'reason' ? 'withdraw-reason' : undefined)} />
          <TextAreaField
            ref={reasonRef}
            id="withdraw-reason"
            label="Reason (optional, kept in the audit log)"
            maxLength={500}
            rows={3}
            value={reason}
            error={fieldErrors(error).reason}
            onChange={(e) => setReason(e.target.value)}
          />
          <div className="check-field">
            <input id="withdraw-consent" type="checkbox" checked={consentWithdrawn} onChange={(e) => setConsentWithdrawn(e.target.checked)} />
            <label htmlFor="withdraw-consent">The participant withdrew their consent (not only stopped answering)</label>
          </div>
          <div className="actions">
            <button type="submit" className="danger" disabled={busy}>
              Confirm withdrawal of {participant.code}
            </button>
            <button
              type="button"
              className="secondary"
              onClick={() => {
                setConfirming(false);
                setTimeout(() => openRef.current?.focus());
              }}
            >
              Cancel
            </button>
          </div>
        </form>
      )}
    </section>
  );
}
