import { useState } from 'react';
import { SelectField, TextAreaField, TextField } from '../../components/field';
import { Done, FormErrors } from '../../components/notices';
import { fieldErrors } from '../../lib/http';
import type { StudySummary, Timeline } from '../../lib/types';
import { call, send } from '../../lib/client';

const inputs: Record<string, string> = { email: 'edit-email', timezone: 'edit-tz', arm: 'edit-arm', language: 'edit-language', reason: 'edit-reason' };

/** Change email, time zone, language or arm (with a reason); only what changed is sent, and unsent messages move at once. */
export function EditParticipant({ study, timeline, onSaved }: { study: StudySummary; timeline: Timeline; onSaved: () => void }) {
  const { participant, contact } = timeline;
  const [email, setEmail] = useState(contact?.email ?? '');
  const [timezone, setTimezone] = useState(participant.timezone);
  const [arm, setArm] = useState(participant.arm);
  const [language, setLanguage] = useState<'en' | 'fr'>(participant.language ?? 'en');
  const [reason, setReason] = useState('');
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<unknown>(undefined);
  /** After a save: which open timepoints got a fresh link (a new address revokes the old links), or null. */
  const [saved, setSaved] = useState<{ emailChanged: boolean; resentLinks: string[] } | null>(null);
  const errors = fieldErrors(error);
  const changes = {
    ...(email.trim() !== (contact?.email ?? '') ? { email: email.trim() } : {}),
    ...(timezone !== participant.timezone ? { timezone } : {}),
    ...(arm !== participant.arm ? { arm, reason: reason.trim() } : {}),
    ...(language !== (participant.language ?? 'en') ? { language } : {}),
  };
  const changed = Object.keys(changes).length > 0;

  return (
    <section className="card" aria-labelledby="edit-heading">
      <h2 id="edit-heading">Change details</h2>
      <form
        noValidate
        onSubmit={(e) => {
          e.preventDefault();
          setError(undefined);
          setSaved(null);
          setBusy(true);
          send(call('patch', '/api/studies/:studyId/participants/:code', { params: { studyId: study.id, code: participant.code }, body: changes }))
            .then((result) => {
              setSaved({ emailChanged: 'email' in changes, resentLinks: result.resentLinks ?? [] });
              onSaved();
            }, setError)
            .finally(() => setBusy(false));
        }}
      >
        <FormErrors error={error} inputFor={(f) => inputs[f]} />
        {/* Once erased at their request, no address may be stored for them again (the server refuses it too). */}
        {!participant.contactErasedAt && (
          <TextField id="edit-email" label="Email" type="email" autoComplete="off" value={email} error={errors.email} onChange={(e) => setEmail(e.target.value)} />
        )}
        <TextField id="edit-tz" label="Time zone" hint="IANA name; future messages keep their local send time" value={timezone} error={errors.timezone} onChange={(e) => setTimezone(e.target.value)} />
        <SelectField id="edit-arm" label="Arm" value={arm} error={errors.arm} onChange={(e) => setArm(e.target.value)}>
          {study.arms.map((a) => (
            <option key={a.id} value={a.id}>
              {a.label} ({a.id})
            </option>
          ))}
        </SelectField>
        {arm !== participant.arm && (
          <TextAreaField
            id="edit-reason"
            label="Reason for the change of arm"
            hint="Required: kept in the audit trail"
            rows={2}
            maxLength={500}
            value={reason}
            error={errors.reason}
            onChange={(e) => setReason(e.target.value)}
          />
        )}
        <SelectField id="edit-language" label="Language" hint="Of their emails and questionnaires" value={language} error={errors.language} onChange={(e) => setLanguage(e.target.value as 'en' | 'fr')}>
          <option value="en">English</option>
          <option value="fr">French (français)</option>
        </SelectField>
        <div className="actions">
          <button type="submit" disabled={busy || !changed}>
            Save changes
          </button>
        </div>
      </form>
      {saved && (
        <Done>
          Saved. Messages not yet sent have been re-planned.
          {saved.emailChanged && ' Links sent to the old address no longer work.'}
          {saved.resentLinks.length > 0 && ` A fresh link to ${saved.resentLinks.join(' and ')} goes to the new address within a minute.`}
        </Done>
      )}
    </section>
  );
}
