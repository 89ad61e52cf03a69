import { useState } from 'react';
import { Markdown } from '../../../participant/markdown';
import { TextAreaField, TextField } from '../../components/field';
import { Done, FormErrors } from '../../components/notices';
import { fieldErrors } from '../../lib/http';
import type { Study } from '../../lib/types';
import { call, send } from '../../lib/client';

const languages = [
  { code: 'en', label: 'English' },
  { code: 'fr', label: 'French' },
] as const;

/**
 * The e-consent text, versioned: a changed text is published under a new version, and everyone
 * active is asked to consent again at their next link (docs/consent.md).
 */
export function ConsentEditor({ study, onSaved }: { study: Study; onSaved: () => void }) {
  const current = study.consent;
  const [version, setVersion] = useState(current ? nextVersion(current.version) : '1');
  const [texts, setTexts] = useState<Record<string, string>>(() => ({ en: current?.text.en ?? '', fr: current?.text.fr ?? '' }));
  const [preview, setPreview] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<unknown>(undefined);
  const [saved, setSaved] = useState<string | null>(null);
  const errors = fieldErrors(error);
  return (
    <section className="card" aria-labelledby="consent-setup-heading">
      <h2 id="consent-setup-heading">Consent</h2>
      <p>
        {current
          ? `Participants consent to version ${current.version} (${Object.keys(current.text).join(', ')}) before answering. Publishing a new version asks everyone again at their next link; signed consents keep the exact text they agreed to.`
          : 'No electronic consent: links open straight on the questionnaires. Add a text to ask every participant for consent at their next link.'}
      </p>
      <form
        noValidate
        onSubmit={(e) => {
          e.preventDefault();
          setBusy(true);
          setError(undefined);
          setSaved(null);
          const text = Object.fromEntries(Object.entries(texts).filter(([, t]) => t.trim() !== ''));
          send(call('put', '/api/studies/:studyId/settings', { params: { studyId: study.id }, body: { consent: { version, text } } }))
            .then(() => {
              setSaved(version);
              setVersion(nextVersion(version));
              onSaved();
            }, setError)
            .finally(() => setBusy(false));
        }}
      >
        <FormErrors error={error} inputFor={(f) => (f === 'consent.version' ? 'consent-version' : f.startsWith('consent.text.') ? `consent-text-${f.slice('consent.text.'.length)}` : undefined)} />
        <TextField id="consent-version" label="Version to publish" hint="As printed on the signed record, e.g. 2 or 2026-03" value={version} error={errors['consent.version']} onChange={(e) => setVersion(e.target.value)} />
        {languages.map(({ code, label }) => (
          <div key={code}>
            <TextAreaField
              id={`consent-text-${code}`}
              className="code"
              label={`Text in ${label} (Markdown)`}
              hint={code === 'en' ? 'Headings (#), lists (-), bold (**…**). Participants whose language has no text see the English one.' : 'Optional'}
              rows={10}
              value={texts[code] ?? ''}
              error={errors[`consent.text.${code}`]}
              onChange={(e) => setTexts({ ...texts, [code]: e.target.value })}
            />
            <button type="button" className="secondary small" onClick={() => setPreview(preview === code ? null : code)} aria-expanded={preview === code}>
              {preview === code ? `Hide the ${label} preview` : `Preview the ${label} text`}
            </button>
            {preview === code && (
              <div className="consent-preview" aria-label={`${label} consent as participants see it`} role="region">
                <Markdown source={texts[code] ?? ''} />
              </div>
            )}
          </div>
        ))}
        <div className="actions">
          <button type="submit" disabled={busy}>
            Save and publish consent version {version}
          </button>
        </div>
      </form>
      {saved && <Done>Consent version {saved} published: participants will be asked for it at their next link.</Done>}
    </section>
  );
}

/** "2" → "3", "2.1" → "2.2"; otherwise the same (the coordinator types it). */
function nextVersion(version: string): string {
  const m = /^(.*?)(\d+)$/.exec(version);
  return m ? `${m[1]}${Number(m[2]) + 1}` : version;
}
