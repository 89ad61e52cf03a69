import { useState } from 'react';
import { TextAreaField, TextField } from '../../components/field';
import { Done, ErrorNotice, FormErrors } from '../../components/notices';
import { fieldErrors } from '../../lib/http';
import type { EmailTemplate, Study } from '../../lib/types';
import { call, send } from '../../lib/client';

type Kind = 'invitation' | 'reminder';
const kinds: Kind[] = ['invitation', 'reminder'];

/** Empty fields mean "the default wording"; the API refuses empty strings, so they are left out. */
function clean(templates: Record<Kind, EmailTemplate>) {
  const out: Partial<Record<Kind, EmailTemplate>> = {};
  for (const kind of kinds) {
    const t = templates[kind];
    const entry = { ...(t.subject?.trim() ? { subject: t.subject.trim() } : {}), ...(t.intro?.trim() ? { intro: t.intro.trim() } : {}) };
    if (Object.keys(entry).length > 0) out[kind] = entry;
  }
  return out;
}

/** Subject and opening paragraph of invitations and reminders, with a preview rendered by the server exactly as sent. */
export function EmailTemplates({ study, onSaved }: { study: Study; onSaved: () => void }) {
  const [templates, setTemplates] = useState<Record<Kind, EmailTemplate>>({ invitation: study.emails.invitation ?? {}, reminder: study.emails.reminder ?? {} });
  const [preview, setPreview] = useState<{ kind: Kind; subject: string; text: string; html: string } | null>(null);
  const [previewError, setPreviewError] = useState<unknown>(undefined);
  const [error, setError] = useState<unknown>(undefined);
  const [busy, setBusy] = useState(false);
  const [saved, setSaved] = useState(false);
  const errors = { ...fieldErrors(error), ...fieldErrors(previewError) };
  const set = (kind: Kind, change: EmailTemplate) => setTemplates((t) => ({ ...t, [kind]: { ...t[kind], ...change } }));
  const at = (kind: Kind, field: 'subject' | 'intro') => errors[`emails.${kind}.${field}`];

  const showPreview = (kind: Kind) => {
    setPreviewError(undefined);
    send(call('post', '/api/studies/:studyId/email-preview', { params: { studyId: study.id }, body: { kind, emails: clean(templates) } })).then(
      (r) => setPreview({ kind, ...r }),
      setPreviewError,
    );
  };

  return (
    <section className="card" aria-labelledby="emails-heading">
      <h2 id="emails-heading">Participant emails</h2>
      <p className="hint">
        Leave a field empty for the default wording. <code>{'{study}'}</code>, <code>{'{timepoint}'}</code> and <code>{'{closes}'}</code> are filled in. The link, the closing date, the safety line
        and the unsubscribe link are always added.
      </p>
      <form
        noValidate
        onSubmit={(e) => {
          e.preventDefault();
          setBusy(true);
          setError(undefined);
          setSaved(false);
          send(call('put', '/api/studies/:studyId/settings', { params: { studyId: study.id }, body: { emails: clean(templates) } }))
            .then(() => {
              setSaved(true);
              onSaved();
            }, setError)
            .finally(() => setBusy(false));
        }}
      >
        <FormErrors error={error} inputFor={(f) => /^emails\.(\w+)\.(\w+)$/.exec(f)?.slice(1).join('-').replace(/^/, 'email-')} />
        {kinds.map((kind) => (
          <fieldset key={kind}>
            <legend>{kind === 'invitation' ? 'Invitation' : 'Reminder'}</legend>
            <TextField id={`email-${kind}-subject`} label="Subject" value={templates[kind].subject ?? ''} error={at(kind, 'subject')} onChange={(e) => set(kind, { subject: e.target.value })} />
            <TextAreaField id={`email-${kind}-intro`} label="Opening paragraph" rows={3} value={templates[kind].intro ?? ''} error={at(kind, 'intro')} onChange={(e) => set(kind, { intro: e.target.value })} />
            <div className="actions">
              <button type="button" className="secondary" onClick={() => showPreview(kind)}>
                Preview the {kind}
              </button>
            </div>
          </fieldset>
        ))}
        <div className="actions">
          <button type="submit" disabled={busy}>
            Save email wording
          </button>
        </div>
      </form>
      {saved && <Done>Email wording saved: it applies to every email sent from now on.</Done>}
      <ErrorNotice error={previewError} />
      {preview && (
        <div className="email-preview" aria-live="polite">
          <h3>
            Preview: {preview.kind} <span className="muted">(sample values)</span>
          </h3>
          <p>
            <strong>Subject:</strong> {preview.subject}
          </p>
          <iframe title={`Preview of the ${preview.kind} email`} sandbox="" srcDoc={preview.html} />
          <details>
            <summary>Plain-text version</summary>
            <pre>{preview.text}</pre>
          </details>
        </div>
      )}
    </section>
  );
}
