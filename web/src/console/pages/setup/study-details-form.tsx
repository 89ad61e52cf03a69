import { useState } from 'react';
import { TextField } from '../../components/field';
import { Done, FormErrors } from '../../components/notices';
import { fieldErrors } from '../../lib/http';
import type { Study } from '../../lib/types';
import { ArmsEditor } from './arms-editor';
import { ContactsEditor } from './contacts-editor';
import { armDrafts, contactDrafts, strip } from './drafts';
import { call, send } from '../../lib/client';

/** Name, default time zone, arms, sender and contacts: PUT …/settings (not versioned, unlike the protocol). */
export function StudyDetailsForm({ study, onSaved }: { study: Study; onSaved: () => void }) {
  const [name, setName] = useState(study.name);
  const [timezone, setTimezone] = useState(study.timezone);
  const [arms, setArms] = useState(() => armDrafts(study.arms));
  const [sender, setSender] = useState(study.sender);
  const [contacts, setContacts] = useState(() => contactDrafts(study.contacts));
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<unknown>(undefined);
  const [saved, setSaved] = useState(false);
  const errors = fieldErrors(error);
  const inputFor = (field: string) => {
    const m = /^(arms|contacts)\.(\d+)\.(\w+)/.exec(field);
    if (m) return `settings-${m[1] === 'arms' ? 'arm' : 'contact'}-${m[2]}-${m[3]}`;
    return { name: 'settings-name', timezone: 'settings-tz', 'sender.name': 'settings-sender-name', 'sender.email': 'settings-sender-email', arms: 'settings-arms', contacts: 'settings-contacts' }[field];
  };

  return (
    <section className="card" aria-labelledby="details-heading">
      <h2 id="details-heading">Study details</h2>
      <form
        noValidate
        onSubmit={(e) => {
          e.preventDefault();
          setBusy(true);
          setError(undefined);
          setSaved(false);
          send(call('put', '/api/studies/:studyId/settings', { params: { studyId: study.id }, body: { name, timezone, arms: strip(arms), sender, contacts: strip(contacts) } }))
            .then(() => {
              setSaved(true);
              onSaved();
            }, setError)
            .finally(() => setBusy(false));
        }}
      >
        <FormErrors error={error} inputFor={inputFor} />
        <div className="grid-2">
          <TextField id="settings-name" label="Study name" value={name} error={errors.name} onChange={(e) => setName(e.target.value)} />
          <TextField id="settings-tz" label="Default time zone" hint="For participants enrolled without one" value={timezone} error={errors.timezone} onChange={(e) => setTimezone(e.target.value)} />
        </div>
        <ArmsEditor idPrefix="settings" arms={arms} onChange={setArms} errors={errors} />
        <ContactsEditor idPrefix="settings" sender={sender} contacts={contacts} onSender={setSender} onContacts={setContacts} errors={errors} />
        <div className="actions">
          <button type="submit" disabled={busy}>
            Save study details
          </button>
        </div>
      </form>
      {saved && <Done>Study details saved.</Done>}
    </section>
  );
}
