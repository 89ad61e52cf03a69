import { useRef, useState } from 'react';
import { TextField, useFocusFirstInvalid } from '../components/field';
import { FormErrors, Loading } from '../components/notices';
import { PageTitle } from '../components/page-title';
import { fieldErrors } from '../lib/http';
import { navigate, paths } from '../lib/router';
import { useSession } from '../lib/session';
import { useApi } from '../lib/use-api';
import { ArmsEditor } from './setup/arms-editor';
import { ContactsEditor } from './setup/contacts-editor';
import { armDrafts, blankTimepoint, contactDrafts, strip, timepointDraft, toProtocol, trialTemplate, type TimepointDraft } from './setup/drafts';
import { protocolInputFor, ProtocolEditor } from './setup/protocol-editor';
import { call, send } from '../lib/client';

const idPrefix = 'new';

/** A whole study in one form: its protocol becomes version 1. A coordinator who creates it is added to it. */
export function NewStudyPage() {
  const { me, reloadStudies } = useSession();
  const instruments = useApi(call('get', '/api/instruments'));
  const [id, setId] = useState('');
  const [name, setName] = useState('');
  const [timezone, setTimezone] = useState('Europe/London');
  const [arms, setArms] = useState(() => armDrafts([{ id: '', label: '' }]));
  const [sender, setSender] = useState({ name: '', email: '' });
  const [contacts, setContacts] = useState(() => contactDrafts([{ name: '', email: me.email, safety: true }]));
  const [drafts, setDrafts] = useState<TimepointDraft[]>(() => [blankTimepoint([], [])]);
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<unknown>(undefined);
  const errors = fieldErrors(error);
  const form = useRef<HTMLFormElement>(null);
  // Each problem shows next to its field; focus goes to the first, wherever it is on the page.
  useFocusFirstInvalid(form, error);
  const armList = strip(arms).filter((a) => a.id !== '');
  const protocolInput = protocolInputFor(idPrefix, 'protocol.timepoints');
  const inputFor = (field: string) => {
    const m = /^(arms|contacts)\.(\d+)\.(\w+)/.exec(field);
    if (m) return `${idPrefix}-${m[1] === 'arms' ? 'arm' : 'contact'}-${m[2]}-${m[3]}`;
    return protocolInput(field) ?? { id: 'new-id', name: 'new-name', timezone: 'new-tz', 'sender.name': 'new-sender-name', 'sender.email': 'new-sender-email' }[field];
  };

  const useTemplate = () => {
    setName(trialTemplate.name);
    setTimezone(trialTemplate.timezone);
    setArms(armDrafts(trialTemplate.arms));
    setDrafts(trialTemplate.timepoints().map(timepointDraft));
    if (sender.name === '') setSender({ name: 'MBPM study team', email: sender.email });
  };

  return (
    <>
      <PageTitle title="Create a study">
        <p className="muted">Everything can be changed later in Study setup; protocol changes are published as new versions.</p>
      </PageTitle>
      <section className="card">
        <h2>Start from a template</h2>
        <p>
          The motivating trial: an 8-week Mindfulness-Based Pain Management course against a wait-list, plus healthy controls; baseline and week 8 (healthy controls at baseline only) with PROMIS-29,
          SF-MPQ, PAM-13, PCS, BDI-II, MAIA and FFMQ-39. Those instruments are licensed: their wording must be loaded before participants can answer.
        </p>
        <button type="button" className="secondary" onClick={useTemplate}>
          Fill in the MBPM trial template
        </button>
      </section>
      {instruments.data === undefined ? (
        <Loading />
      ) : (
        <form
          ref={form}
          noValidate
          className="card"
          aria-labelledby="new-study-form-heading"
          onSubmit={(e) => {
            e.preventDefault();
            setBusy(true);
            setError(undefined);
            send(
              call('post', '/api/studies', {
                body: { id: id.trim(), name, timezone, arms: strip(arms), sender, contacts: strip(contacts), protocol: toProtocol(drafts) },
              }),
            )
              .then(({ study }) => {
                reloadStudies();
                navigate(paths.section(study.id, 'setup'));
              }, setError)
              .finally(() => setBusy(false));
          }}
        >
          <h2 id="new-study-form-heading">The study</h2>
          <FormErrors error={error} inputFor={inputFor} />
          <div className="grid-3">
            <TextField id="new-id" label="Study id" hint="lower-case letters, digits and -; used in links and file names" value={id} error={errors.id} onChange={(e) => setId(e.target.value)} />
            <TextField id="new-name" label="Study name" value={name} error={errors.name} onChange={(e) => setName(e.target.value)} />
            <TextField id="new-tz" label="Default time zone" hint="IANA name, e.g. Europe/Istanbul" value={timezone} error={errors.timezone} onChange={(e) => setTimezone(e.target.value)} />
          </div>
          <ArmsEditor idPrefix={idPrefix} arms={arms} onChange={setArms} errors={errors} />
          <ContactsEditor idPrefix={idPrefix} sender={sender} contacts={contacts} onSender={setSender} onContacts={setContacts} errors={errors} />
          <h2>Protocol (version 1)</h2>
          <ProtocolEditor idPrefix={idPrefix} drafts={drafts} onChange={setDrafts} arms={armList} instruments={instruments.data.instruments} errors={errors} />
          <div className="actions">
            <button type="submit" disabled={busy}>
              Create the study
            </button>
          </div>
        </form>
      )}
    </>
  );
}

