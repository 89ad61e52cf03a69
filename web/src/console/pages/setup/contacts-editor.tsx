import { TextField } from '../../components/field';
import { errorAt, newKey, type ContactDraft } from './drafts';

/** The From identity of participant emails, and the people who get safety alerts and whom participants may contact. */
export function ContactsEditor({
  idPrefix,
  sender,
  contacts,
  onSender,
  onContacts,
  errors,
}: {
  idPrefix: string;
  sender: { name: string; email: string };
  contacts: ContactDraft[];
  onSender: (sender: { name: string; email: string }) => void;
  onContacts: (contacts: ContactDraft[]) => void;
  errors: Record<string, string>;
}) {
  const update = (i: number, change: Partial<ContactDraft>) => onContacts(contacts.map((c, j) => (j === i ? { ...c, ...change } : c)));
  return (
    <>
      <fieldset>
        <legend>Sender of participant emails</legend>
        <div className="grid-2">
          <TextField id={`${idPrefix}-sender-name`} label="Sender name" value={sender.name} error={errorAt(errors, 'sender.name')} onChange={(e) => onSender({ ...sender, name: e.target.value })} />
          <TextField
            id={`${idPrefix}-sender-email`}
            label="Sender address"
            hint="Must be a verified SES identity in AWS"
            type="email"
            value={sender.email}
            error={errorAt(errors, 'sender.email') ?? errors.sender}
            onChange={(e) => onSender({ ...sender, email: e.target.value })}
          />
        </div>
      </fieldset>
      <fieldset id={`${idPrefix}-contacts`}>
        <legend>Study contacts</legend>
        <p className="hint">Safety contacts receive urgent-answer alerts within a minute. The first contact is named in participant emails.</p>
        {errors.contacts && <p className="field-error">{errors.contacts}</p>}
        {contacts.map((c, i) => (
          <div className="row-editor" key={c.key}>
            <TextField id={`${idPrefix}-contact-${i}-name`} label={`Contact ${i + 1} name`} value={c.name} error={errorAt(errors, `contacts.${i}.name`)} onChange={(e) => update(i, { name: e.target.value })} />
            <TextField id={`${idPrefix}-contact-${i}-email`} label={`Contact ${i + 1} email`} type="email" value={c.email} error={errorAt(errors, `contacts.${i}.email`)} onChange={(e) => update(i, { email: e.target.value })} />
            <div className="check">
              <input id={`${idPrefix}-contact-${i}-safety`} type="checkbox" checked={c.safety} onChange={(e) => update(i, { safety: e.target.checked })} />
              <label htmlFor={`${idPrefix}-contact-${i}-safety`}>Receives safety alerts</label>
            </div>
            <button type="button" className="secondary small" disabled={contacts.length === 1} onClick={() => onContacts(contacts.filter((_, j) => j !== i))}>
              Remove contact {i + 1}
            </button>
          </div>
        ))}
        <button type="button" className="secondary small" onClick={() => onContacts([...contacts, { key: newKey(), name: '', email: '', safety: true }])}>
          Add a contact
        </button>
      </fieldset>
    </>
  );
}
