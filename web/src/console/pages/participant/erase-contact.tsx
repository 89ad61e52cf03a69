import { useEffect, useRef, useState } from 'react';
import { Done, FormErrors } from '../../components/notices';
import { dateTime } from '../../lib/format';
import type { Participant } from '../../lib/types';
import { call, send } from '../../lib/client';

/**
 * Erasure of contact details at the participant's request: asked for twice, since it cannot be
 * undone (no address can be stored for them again). Their research data stays.
 */
export function EraseContact({ studyId, participant, onErased }: { studyId: string; participant: Participant; onErased: () => void }) {
  const [confirming, setConfirming] = useState(false);
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<unknown>(undefined);
  const [done, setDone] = useState<{ cancelledMessages: number } | null>(null);
  const confirmRef = useRef<HTMLButtonElement>(null);
  const openRef = useRef<HTMLButtonElement>(null);
  useEffect(() => {
    if (confirming) confirmRef.current?.focus();
  }, [confirming]);

  if (participant.contactErasedAt) {
    return (
      <section className="card" aria-labelledby="erase-heading">
        <h2 id="erase-heading">Contact details erased</h2>
        {done && (
          <Done>
            Erased. {done.cancelledMessages} planned email{done.cancelledMessages === 1 ? '' : 's'} cancelled.
          </Done>
        )}
        <p>
          Erased on {dateTime(participant.contactErasedAt)} at the participant's request. No email is sent to {participant.code} any more; their answers and
          scores are kept and still export.
        </p>
      </section>
    );
  }
  return (
    <section className="card danger-zone" aria-labelledby="erase-heading">
      <h2 id="erase-heading">Erase contact details</h2>
      <p>
        At the participant's request: deletes their email address for good and cancels every planned email. Their answers and scores are kept, and links
        they already hold keep working. This cannot be undone.
      </p>
      <FormErrors error={error} />
      {!confirming ? (
        <button ref={openRef} type="button" className="danger" onClick={() => setConfirming(true)}>
          Erase contact details of {participant.code}…
        </button>
      ) : (
        <div className="actions" role="group" aria-label={`Confirm erasure for ${participant.code}`}>
          <button
            ref={confirmRef}
            type="button"
            className="danger"
            disabled={busy}
            onClick={() => {
              setBusy(true);
              setError(undefined);
              send(call('delete', '/api/studies/:studyId/participants/:code/contact', { params: { studyId, code: participant.code } }))
                .then((result) => {
                  setDone(result);
                  setConfirming(false);
                  onErased();
                }, setError)
                .finally(() => setBusy(false));
            }}
          >
            Confirm: erase the email address of {participant.code}
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
      )}
    </section>
  );
}
