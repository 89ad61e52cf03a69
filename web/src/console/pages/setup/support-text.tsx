import { useState } from 'react';
import { defaultSupportText } from '../../../../../functions/core/safety/support-text';
import { TextAreaField } from '../../components/field';
import { Done, FormErrors } from '../../components/notices';
import { fieldErrors } from '../../lib/http';
import type { Study } from '../../lib/types';
import { call, send } from '../../lib/client';

const languages = [
  { id: 'en', name: 'English' },
  { id: 'fr', name: 'French' },
] as const;

/**
 * What the thank-you page tells a participant whose answers raised an urgent flag (PHQ-9 or
 * BDI-II item 9 ≥ 1): who to call, the emergency number. Per language; an empty field means the
 * default, shown as the placeholder.
 */
export function SupportTextEditor({ study, onSaved }: { study: Study; onSaved: () => void }) {
  const [texts, setTexts] = useState<Record<string, string>>({ en: study.support?.en ?? '', fr: study.support?.fr ?? '' });
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<unknown>(undefined);
  const [saved, setSaved] = useState(false);
  const errors = fieldErrors(error);
  return (
    <section className="card" aria-labelledby="support-heading">
      <h2 id="support-heading">Safety support text</h2>
      <p className="hint">
        Shown on the thank-you page, in the participant&apos;s language, after an answer that raises a safety alert (for example PHQ-9 item 9 of 1 or more). Say who to call and the local emergency
        number. Leave a field empty for the default, shown greyed in it.
      </p>
      <form
        noValidate
        onSubmit={(e) => {
          e.preventDefault();
          setBusy(true);
          setError(undefined);
          setSaved(false);
          const support = Object.fromEntries(Object.entries(texts).filter(([, text]) => text.trim() !== '').map(([language, text]) => [language, text.trim()]));
          send(call('put', '/api/studies/:studyId/settings', { params: { studyId: study.id }, body: { support } }))
            .then(() => {
              setSaved(true);
              onSaved();
            }, setError)
            .finally(() => setBusy(false));
        }}
      >
        <FormErrors error={error} inputFor={(f) => (f.startsWith('support.') ? `support-${f.slice('support.'.length)}` : undefined)} />
        {languages.map((language) => (
          <TextAreaField
            key={language.id}
            id={`support-${language.id}`}
            label={`Support text (${language.name})`}
            rows={4}
            maxLength={2000}
            placeholder={defaultSupportText[language.id]}
            value={texts[language.id]}
            error={errors[`support.${language.id}`]}
            onChange={(e) => setTexts((t) => ({ ...t, [language.id]: e.target.value }))}
          />
        ))}
        <div className="actions">
          <button type="submit" disabled={busy}>
            Save the support text
          </button>
        </div>
      </form>
      {saved && <Done>Saved. Participants see it from their next submission.</Done>}
    </section>
  );
}
