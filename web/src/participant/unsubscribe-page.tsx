import { useEffect, useState } from 'react';
import { unsubscribe, unsubscribeStatus } from './link-api';
import { StatePage } from './state-page';
import { applyLanguage, pickLanguage, stringsFor } from './strings';

type State = { study: string; unsubscribed: boolean } | 'not_found' | { revoked: string; language: string } | 'error' | null;

/** /u/#<token>: stop this study's emails (the link at the foot of every participant email). */
export function UnsubscribePage({ token }: { token: string }) {
  const [state, setState] = useState<State>(null);
  // This API does not say the participant's language (but for a replaced link): the browser's is the best guess.
  const language = pickLanguage(state !== null && typeof state === 'object' && 'revoked' in state ? state.language : null);
  const strings = stringsFor(language).unsubscribe;
  useEffect(() => applyLanguage(language), [language]);
  useEffect(() => {
    void unsubscribeStatus(token).then((r) =>
      setState(
        r.kind === 'ok'
          ? { study: r.value.study.name, unsubscribed: r.value.unsubscribed }
          : r.kind === 'http' && r.status === 404
            ? 'not_found'
            : r.kind === 'http' && r.revoked
              ? { revoked: r.revoked.study, language: r.revoked.language }
              : 'error',
      ),
    );
  }, [token]);

  if (state === null) return <p className="muted">{strings.loading}</p>;
  if (typeof state === 'object' && 'revoked' in state) {
    return (
      <StatePage title={strings.revoked.title}>
        <p>{strings.revoked.body(state.revoked)}</p>
      </StatePage>
    );
  }
  if (state === 'not_found') {
    return (
      <StatePage title={strings.notFound.title}>
        <p>{strings.notFound.body}</p>
      </StatePage>
    );
  }
  if (state === 'error') {
    return (
      <StatePage title={strings.failed.title}>
        <p>{strings.failed.body}</p>
      </StatePage>
    );
  }
  if (state.unsubscribed) {
    return (
      <StatePage title={strings.done.title} tone="ok">
        <p>{strings.done.body(state.study)}</p>
      </StatePage>
    );
  }
  return (
    <StatePage title={strings.ask.title}>
      <p>{strings.ask.body(state.study)}</p>
      <p>
        <button type="button" onClick={() => void unsubscribe(token).then((r) => setState(r.kind === 'ok' ? { ...state, unsubscribed: true } : 'error'))}>
          {strings.ask.button}
        </button>
      </p>
    </StatePage>
  );
}
