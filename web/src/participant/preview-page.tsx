import { useCallback, useEffect, useMemo, useState } from 'react';
import { FormScreen } from './link-page';
import type { Answers, SurveyView } from './link-api';
import type { FormSaver, SubmitOutcome } from './progress-saver';
import { StatePage } from './state-page';
import { ThanksScreen } from './state-screens';
import { applyLanguage, pickLanguage, stringsFor } from './strings';

/** What the staff API says a preview's answers would come to (POST …/preview/score). */
interface PreviewScores {
  scores: Array<{ instrument: string; scales: Record<string, { value: number | null; band?: string | null; status: string; answered: number; items: number }> }>;
  alert: { flags: string[] } | null;
  support: { text: string } | null;
}

type Screen =
  | { kind: 'loading' }
  | { kind: 'failed'; message: string }
  | { kind: 'form'; view: SurveyView; attempt: number }
  | { kind: 'result'; view: SurveyView; result: PreviewScores };

/** The staff API, with the staff member's own session (never a participant's link). */
async function staffRequest<T>(path: string, init: { method?: string; body?: unknown } = {}): Promise<{ ok: true; value: T } | { ok: false; status: number; body: { error?: { message?: string; details?: Array<{ field: string; message: string }> } } | null }> {
  const response = await fetch(path, {
    method: init.method ?? 'GET',
    headers: init.body === undefined ? {} : { 'content-type': 'application/json' },
    body: init.body === undefined ? null : JSON.stringify(init.body),
    credentials: 'same-origin',
    cache: 'no-store',
  });
  const text = await response.text().catch(() => '');
  let json: unknown = null;
  try {
    json = text ? JSON.parse(text) : null;
  } catch {
    json = null;
  }
  return response.ok ? { ok: true, value: json as T } : { ok: false, status: response.status, body: json as never };
}

/**
 * Keeps a preview's answers in the page only: nothing is saved as they are given, and "submit"
 * scores them on the server (checked exactly as a participant's submission is) without storing them.
 */
class PreviewSaver implements FormSaver {
  result: PreviewScores | undefined;
  constructor(private readonly scorePath: string) {}
  get answers(): Answers {
    return {};
  }
  change(): void {}
  flushNow(): void {}
  async submit(answers: Answers): Promise<SubmitOutcome> {
    const response = await staffRequest<PreviewScores>(this.scorePath, { method: 'POST', body: { answers } });
    if (response.ok) {
      this.result = response.value;
      return { kind: 'sent', ...(response.value.support ? { support: response.value.support } : {}) };
    }
    if (response.status === 400) return { kind: 'invalid', details: response.body?.error?.details ?? [] };
    return { kind: 'closed', status: response.status };
  }
}

/**
 * /preview/<study>?timepoint=…&arm=…&language=…: a timepoint's questionnaires exactly as a
 * participant's link shows them (the same body, the same page), under a banner that says it is a
 * preview. Answers are not saved; submitting shows the scores and whether a safety alert would
 * fire, without firing it.
 */
export function PreviewPage({ studyId, search }: { studyId: string; search: string }) {
  const query = useMemo(() => new URLSearchParams(search), [search]);
  const viewPath = `/api/studies/${encodeURIComponent(studyId)}/preview?${query.toString()}`;
  const scorePath = `/api/studies/${encodeURIComponent(studyId)}/preview/score?${query.toString()}`;
  const [screen, setScreen] = useState<Screen>({ kind: 'loading' });
  const language = pickLanguage('view' in screen ? screen.view.language : query.get('language'));
  useEffect(() => applyLanguage(language), [language]);

  useEffect(() => {
    let cancelled = false;
    void staffRequest<SurveyView>(viewPath).then((response) => {
      if (cancelled) return;
      if (response.ok) setScreen({ kind: 'form', view: response.value, attempt: 0 });
      else
        setScreen({
          kind: 'failed',
          message:
            response.status === 401
              ? 'Sign in to the console first, then open the preview again.'
              : response.status === 403
                ? 'Your account does not include this study.'
                : (response.body?.error?.message ?? `The preview could not be loaded (${response.status}).`),
        });
    });
    return () => {
      cancelled = true;
    };
  }, [viewPath]);

  const saver = useMemo(() => new PreviewSaver(scorePath), [scorePath]);
  const finished = useCallback(
    (outcome: SubmitOutcome) => {
      if (screen.kind !== 'form') return;
      if (outcome.kind === 'sent' && saver.result) setScreen({ kind: 'result', view: screen.view, result: saver.result });
      else if (outcome.kind === 'closed') setScreen({ kind: 'failed', message: `The answers could not be scored (${outcome.status}).` });
    },
    [screen, saver],
  );

  const banner = (
    <p className="preview-banner" role="note">
      Preview — answers are not saved. Nothing is sent to anyone.
      {query.get('arm') ? ` Arm: ${query.get('arm')}.` : ''} Language: {language}.
    </p>
  );

  switch (screen.kind) {
    case 'loading':
      return (
        <>
          {banner}
          <p className="muted">Loading the preview…</p>
        </>
      );
    case 'failed':
      return (
        <>
          {banner}
          <StatePage title="Preview not available">
            <p>{screen.message}</p>
            <p>
              <a href="/">Open the console</a>
            </p>
          </StatePage>
        </>
      );
    case 'form':
      return (
        <>
          {banner}
          {screen.view.status !== 'open' ? (
            <StatePage title={stringsFor(language).textMissing.title} tone="warn">
              <p>{stringsFor(language).textMissing.body}</p>
              <p className="muted">Staff note: licensed wording missing for {screen.view.missingText.join(', ')}. Participants are not emailed until it is loaded.</p>
            </StatePage>
          ) : (
            <FormScreen key={screen.attempt} view={screen.view} saver={saver} status="idle" language={language} onFinished={finished} />
          )}
        </>
      );
    case 'result':
      return (
        <>
          {banner}
          <ThanksScreen view={screen.view} strings={stringsFor(language)} support={screen.result.support ?? undefined} />
          <PreviewResult result={screen.result} onAgain={() => setScreen({ kind: 'form', view: screen.view, attempt: Date.now() })} />
        </>
      );
  }
}

/** For the staff member: the scores these answers get, and the safety alert a real submission would raise. */
function PreviewResult({ result, onAgain }: { result: PreviewScores; onAgain: () => void }) {
  return (
    <section className="card preview-result" aria-labelledby="preview-result-heading" lang="en">
      <h2 id="preview-result-heading">What these answers would do (staff only)</h2>
      {result.alert ? (
        <p className="support" role="status">
          <strong>A safety alert would be emailed to the study’s safety contacts</strong> ({result.alert.flags.join('; ')}), and the participant would see the support text above. In this preview, nothing was sent.
        </p>
      ) : (
        <p role="status">No safety alert would fire.</p>
      )}
      <table>
        <caption>Scores</caption>
        <thead>
          <tr>
            <th scope="col">Instrument</th>
            <th scope="col">Scale</th>
            <th scope="col">Value</th>
            <th scope="col">Band</th>
            <th scope="col">Status</th>
          </tr>
        </thead>
        <tbody>
          {result.scores.flatMap((score) =>
            Object.entries(score.scales).map(([scale, s]) => (
              <tr key={`${score.instrument}.${scale}`}>
                <th scope="row">{score.instrument}</th>
                <td>{scale}</td>
                <td>{s.value ?? '—'}</td>
                <td>{s.band ?? ''}</td>
                <td>
                  {s.status} ({s.answered} of {s.items} answered)
                </td>
              </tr>
            )),
          )}
        </tbody>
      </table>
      <p>
        <button type="button" onClick={onAgain}>
          Answer again
        </button>
      </p>
    </section>
  );
}
