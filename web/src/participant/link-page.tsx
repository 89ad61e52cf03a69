import { lazy, Suspense, useCallback, useEffect, useRef, useState } from 'react';
import { enrolmentStrings } from './enrolment-strings';
import { localAnswersFor } from './local-answers';
import { giveConsent, loadLink, withdrawFromLink, type SurveyView } from './link-api';
import { ProgressSaver, type FormSaver, type SaveStatus, type SubmitOutcome } from './progress-saver';
import { Contact, StatePage } from './state-page';
import { FailureScreen, LinkStateScreen, QueuedScreen, ThanksScreen, type Failure } from './state-screens';
import { SaveStatusLine } from './save-status-line';
import { applyLanguage, pickLanguage, stringsFor, type PageLanguage, type PageStrings } from './strings';

// Its own chunk: SurveyJS is fetched only once the link turns out to have a form to show.
const QuestionnaireForm = lazy(() => import('./questionnaire-form').then((m) => ({ default: m.QuestionnaireForm })));
// Its own chunk too (with the Markdown renderer): only a participant asked for consent needs it.
const ConsentForm = lazy(() => import('./consent-form').then((m) => ({ default: m.ConsentForm })));
import { WithdrawPanel } from './withdraw-panel';

type Screen =
  | { kind: 'loading' }
  | { kind: 'failed'; failure: Failure; keptHere: boolean; language?: string }
  | { kind: 'state'; view: SurveyView }
  | { kind: 'consent'; view: SurveyView }
  | { kind: 'withdrawn'; view: SurveyView }
  | { kind: 'form'; view: SurveyView; saver: ProgressSaver }
  | { kind: 'queued'; view: SurveyView; saver: ProgressSaver }
  | { kind: 'thanks'; view: SurveyView; support?: { text: string } };

const answerable = (view: SurveyView) => view.status === 'open' || view.status === 'started';

/** /p/#<token>: the participant's questionnaires, or why they cannot be answered now. */
export function LinkPage({ token }: { token: string }) {
  const [screen, setScreen] = useState<Screen>({ kind: 'loading' });
  const [status, setStatus] = useState<SaveStatus>('idle');
  const [attempt, setAttempt] = useState(0);
  const language: PageLanguage = pickLanguage('view' in screen ? screen.view.language : screen.kind === 'failed' ? (screen.language ?? null) : null);
  const strings = stringsFor(language);
  useEffect(() => applyLanguage(language), [language]);

  /** Where a submit leaves the participant: thanked, waiting for the network, back at the form, or the link's new state. */
  const settle = useCallback((view: SurveyView, saver: ProgressSaver, outcome: SubmitOutcome) => {
    if (outcome.kind === 'sent') setScreen({ kind: 'thanks', view, ...(outcome.support ? { support: outcome.support } : {}) });
    else if (outcome.kind === 'queued') setScreen({ kind: 'queued', view, saver });
    else if (outcome.kind === 'invalid') setScreen({ kind: 'form', view, saver });
    else setAttempt((n) => n + 1);
  }, []);

  useEffect(() => {
    let cancelled = false;
    let saver: ProgressSaver | undefined;
    void (async () => {
      const [result, store] = await Promise.all([loadLink(token), localAnswersFor(token)]);
      if (cancelled) return;
      if (result.kind !== 'ok') {
        const failure: Failure =
          result.kind === 'http' && result.status === 404
            ? { reason: 'not_found' }
            : result.kind === 'http' && result.revoked
              ? { reason: 'revoked', study: result.revoked.study }
              : result.kind === 'http' && result.status === 429
                ? { reason: 'too_many', retryAfterSeconds: result.retryAfterSeconds }
                : { reason: 'network' };
        if (failure.reason === 'revoked') {
          // Nothing kept on this device can be sent through this link any more: do not leave answers lying around.
          store?.clear();
          setScreen({ kind: 'failed', failure, keptHere: false, language: result.kind === 'http' ? result.revoked?.language : undefined });
          return;
        }
        const unsent = store?.read();
        setScreen({ kind: 'failed', failure, keptHere: !!unsent && (unsent.submit || Object.keys(unsent.answers).length > 0) });
        return;
      }
      const view = result.value;
      if (view.consentRequired && view.consent) {
        setScreen({ kind: 'consent', view });
        return;
      }
      if (!answerable(view)) {
        // Nothing kept on this device can be sent any more: do not leave answers lying around.
        store?.clear();
        setScreen({ kind: 'state', view });
        return;
      }
      saver = new ProgressSaver(token, store, view.answers, {
        onStatus: setStatus,
        onClosed: () => setAttempt((n) => n + 1),
        onQueuedSubmit: (outcome) => settle(view, saver!, outcome),
      });
      if (saver.hasQueuedSubmit) {
        setScreen({ kind: 'queued', view, saver });
        saver.resumeQueuedSubmit();
      } else {
        setScreen({ kind: 'form', view, saver });
        // Answers kept on this device from an earlier visit go to the server straight away.
        if (saver.hasUnsent) saver.flushNow();
      }
    })();
    return () => {
      cancelled = true;
      saver?.dispose();
    };
  }, [token, attempt, settle]);

  const onFinished = useCallback(
    (outcome: SubmitOutcome) => {
      if (screen.kind === 'form') settle(screen.view, screen.saver, outcome);
    },
    [screen, settle],
  );

  switch (screen.kind) {
    case 'loading':
      return <p className="muted">{strings.loading}</p>;
    case 'failed':
      return (
        <FailureScreen
          failure={screen.failure}
          strings={strings}
          keptHere={screen.keptHere}
          onRetry={() => {
            setScreen({ kind: 'loading' });
            setAttempt((n) => n + 1);
          }}
        />
      );
    case 'state':
      return <LinkStateScreen view={screen.view} strings={strings} />;
    case 'consent':
      return <ConsentScreen token={token} view={screen.view} language={language} onConsented={() => setAttempt((n) => n + 1)} onWithdrawn={() => setScreen({ kind: 'withdrawn', view: screen.view })} />;
    case 'withdrawn':
      return <WithdrawnScreen language={language} view={screen.view} />;
    case 'thanks':
      return <ThanksScreen view={screen.view} strings={strings} support={screen.support} />;
    case 'queued':
      return (
        <>
          <QueuedScreen view={screen.view} strings={strings} />
          <SaveStatusLine status={status} strings={strings} />
        </>
      );
    case 'form':
      return <FormScreen view={screen.view} saver={screen.saver} status={status} language={language} onFinished={onFinished} />;
  }
}

/** The form with its heading, where the answers are, and whom to contact: the same for a link and a staff preview. */
export function FormScreen({ view, saver, status, language, onFinished }: { view: SurveyView; saver: FormSaver; status: SaveStatus; language: PageLanguage; onFinished: (outcome: SubmitOutcome) => void }) {
  const strings = stringsFor(language);
  const heading = useRef<HTMLHeadingElement>(null);
  useEffect(() => {
    document.title = `${view.study.name} – ${view.timepoint.label}`;
    // As on every other screen, focus starts at the heading (not on whatever had it before).
    heading.current?.focus();
  }, [view]);
  return (
    <>
      <header className="card intro">
        <h1 tabIndex={-1} ref={heading}>
          {view.study.name}
        </h1>
        <p className="muted">
          {view.timepoint.label} · {strings.questionnaires(view.instruments.length)}
        </p>
        <p className="muted">{strings.closesOn(strings.formatDate(view.timepoint.closesAt))}</p>
        <UntranslatedNote view={view} strings={strings} />
      </header>
      <SaveStatusLine status={status} strings={strings} />
      <Suspense fallback={<p className="muted">{strings.loadingForm}</p>}>
        <QuestionnaireForm view={view} saver={saver} strings={strings} language={language} onFinished={onFinished} />
      </Suspense>
      <footer className="footer">
        <Contact contact={view.study.contact} strings={strings} />
      </footer>
    </>
  );
}

/** The study's consent, before any questionnaire; or the way out. */
function ConsentScreen({ token, view, language, onConsented, onWithdrawn }: { token: string; view: SurveyView; language: PageLanguage; onConsented: () => void; onWithdrawn: () => void }) {
  const strings = stringsFor(language);
  const words = enrolmentStrings(language);
  return (
    <>
      <Suspense fallback={<p className="muted">{strings.loading}</p>}>
        <ConsentForm
          study={view.study.name}
          consent={view.consent!}
          strings={words.consent}
          onSubmit={async ({ name, textHash }) => {
            const result = await giveConsent(token, { name, agree: true, textHash });
            if (result.kind === 'ok') {
              onConsented();
              return 'ok';
            }
            // A new version was published meanwhile: load it, so what is signed is what is read.
            if (result.kind === 'http' && result.status === 409) {
              onConsented();
              return 'changed';
            }
            return 'failed';
          }}
        />
      </Suspense>
      <WithdrawPanel strings={words.withdraw} onWithdraw={async (reason) => {
        const result = await withdrawFromLink(token, reason);
        if (result.kind === 'ok') onWithdrawn();
        return result.kind === 'ok';
      }} />
      <footer className="footer">
        <Contact contact={view.study.contact} strings={strings} />
      </footer>
    </>
  );
}

function WithdrawnScreen({ view, language }: { view: SurveyView; language: PageLanguage }) {
  const words = enrolmentStrings(language).withdraw.done;
  return (
    <StatePage title={words.title}>
      <p>{words.body}</p>
      <Contact contact={view.study.contact} strings={stringsFor(language)} />
    </StatePage>
  );
}

/** Questionnaires that ship no translation into the participant's language are shown in English: the page says so, in their language. */
function UntranslatedNote({ view, strings }: { view: SurveyView; strings: PageStrings }) {
  const untranslated = view.instruments.filter((i) => i.language !== view.language).map((i) => i.name);
  if (untranslated.length === 0) return null;
  return (
    <p className="note" data-testid="untranslated">
      {strings.untranslated(untranslated)}
    </p>
  );
}
