// Its own chunk (with the Markdown renderer): loaded only when a consent is to be given.
import { useEffect, useId, useRef, useState, type FormEvent } from 'react';
import type { EnrolmentStrings } from './enrolment-strings';
import { Markdown } from './markdown';

export interface ConsentToSign {
  version: string;
  language: string;
  text: string;
  textHash: string;
}

export type ConsentOutcome = 'ok' | 'changed' | 'failed';

/**
 * The consent form: the text exactly as stored (rendered from Markdown), the typed name as the
 * signature, an explicit tick. The text's hash goes back with the consent, so a text changed
 * meanwhile is refused and shown afresh instead of being signed unread.
 */
export function ConsentForm({
  study,
  consent,
  strings,
  onSubmit,
}: {
  study: string;
  consent: ConsentToSign;
  strings: EnrolmentStrings['consent'];
  onSubmit: (input: { name: string; textHash: string }) => Promise<ConsentOutcome>;
}) {
  const [name, setName] = useState('');
  const [agreed, setAgreed] = useState(false);
  const [problem, setProblem] = useState<string | null>(null);
  const [sending, setSending] = useState(false);
  const heading = useRef<HTMLHeadingElement>(null);
  const id = useId();
  useEffect(() => {
    document.title = strings.title(study);
    heading.current?.focus();
  }, [study, strings]);

  const submit = async (event: FormEvent) => {
    event.preventDefault();
    if (name.trim().length < 2) return setProblem(strings.nameMissing);
    if (!agreed) return setProblem(strings.agreeMissing);
    setProblem(null);
    setSending(true);
    const outcome = await onSubmit({ name: name.trim(), textHash: consent.textHash });
    setSending(false);
    if (outcome === 'changed') setProblem(strings.changed);
    else if (outcome === 'failed') setProblem(strings.failed);
  };

  return (
    <section className="card consent" aria-labelledby={`${id}-title`}>
      <h1 id={`${id}-title`} tabIndex={-1} ref={heading}>
        {strings.title(study)}
      </h1>
      <p>{strings.intro}</p>
      <p className="muted">{strings.version(consent.version)}</p>
      <div className="consent-text" role="region" aria-label={strings.textLabel} tabIndex={0} lang={consent.language}>
        <Markdown source={consent.text} />
      </div>
      <form onSubmit={(e) => void submit(e)} noValidate>
        <label htmlFor={`${id}-name`}>{strings.nameLabel}</label>
        <input id={`${id}-name`} name="name" autoComplete="name" value={name} maxLength={200} onChange={(e) => setName(e.target.value)} aria-describedby={`${id}-hint`} />
        <p className="muted" id={`${id}-hint`}>
          {strings.nameHint}
        </p>
        <div className="check">
          <input id={`${id}-agree`} type="checkbox" checked={agreed} onChange={(e) => setAgreed(e.target.checked)} />
          <label htmlFor={`${id}-agree`}>{strings.agree}</label>
        </div>
        {problem && (
          <p className="error" role="alert">
            {problem}
          </p>
        )}
        <p>
          <button type="submit" disabled={sending}>
            {sending ? strings.sending : strings.submit}
          </button>
        </p>
      </form>
    </section>
  );
}
