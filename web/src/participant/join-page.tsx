import { lazy, Suspense, useCallback, useEffect, useId, useRef, useState, type FormEvent } from 'react';
import type { ConsentOutcome } from './consent-form';
import { enrolmentStrings } from './enrolment-strings';
import { enrolFromJoin, loadJoin, requestJoin, verifyJoin, type JoinConsent, type JoinPageView } from './link-api';
import { Contact, StatePage } from './state-page';
import { applyLanguage, pickLanguage, stringsFor } from './strings';

const JoinScreener = lazy(() => import('./join-screener').then((m) => ({ default: m.JoinScreener })));
const ConsentForm = lazy(() => import('./consent-form').then((m) => ({ default: m.ConsentForm })));

type Step =
  | { kind: 'loading' }
  | { kind: 'not_found' }
  | { kind: 'failed' }
  | { kind: 'screener'; page: JoinPageView }
  | { kind: 'ineligible'; page: JoinPageView }
  | { kind: 'email'; page: JoinPageView; answers: Record<string, unknown> }
  | { kind: 'sent' }
  | { kind: 'verifying' }
  | { kind: 'expired' }
  | { kind: 'bad_link' }
  | { kind: 'already' }
  | { kind: 'consent'; study: string; consent: JoinConsent }
  | { kind: 'enrolled'; study: string; opensAt: string | null };

/**
 * /join/<study>: the public self-enrolment link. Screener → (eligible) email → the emailed link
 * → consent → allocation → straight into the first questionnaires.
 */
export function JoinPage({ studyId, token }: { studyId: string; token: string | null }) {
  const [language] = useState(() => pickLanguage(null));
  const words = enrolmentStrings(language).join;
  const strings = stringsFor(language);
  const [step, setStep] = useState<Step>({ kind: token ? 'verifying' : 'loading' });
  useEffect(() => applyLanguage(language), [language]);

  useEffect(() => {
    if (token !== null) {
      void verifyJoin(studyId, token).then((r) => {
        if (r.kind === 'ok') {
          if (r.value.status === 'enrolled') setStep({ kind: 'already' });
          else if (r.value.consent) setStep({ kind: 'consent', study: r.value.study.name, consent: r.value.consent });
          else void finish(undefined, r.value.study.name);
        } else setStep(r.kind === 'http' && r.status === 410 ? { kind: 'expired' } : r.kind === 'http' && r.status === 404 ? { kind: 'bad_link' } : { kind: 'failed' });
      });
    } else {
      void loadJoin(studyId).then((r) => setStep(r.kind === 'ok' ? { kind: 'screener', page: r.value } : r.kind === 'http' && r.status === 404 ? { kind: 'not_found' } : { kind: 'failed' }));
    }
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [studyId, token]);

  const finish = useCallback(
    async (consent: { name: string; textHash: string } | undefined, study: string): Promise<ConsentOutcome> => {
      const r = await enrolFromJoin(studyId, token!, consent ? { ...consent, agree: true } : undefined);
      if (r.kind !== 'ok') return r.kind === 'http' && r.status === 409 ? 'changed' : 'failed';
      // Straight into the questionnaires open now; otherwise say when they open.
      if (r.value.link) {
        // The link's token is in its fragment: keep it (the path alone opens nothing).
        const url = new URL(r.value.link);
        window.location.assign(`${url.pathname}${url.hash}`);
      }
      else setStep({ kind: 'enrolled', study, opensAt: r.value.opensAt });
      return 'ok';
    },
    [studyId, token],
  );

  const onScreened = useCallback(
    (page: JoinPageView) => (answers: Record<string, unknown>, eligible: boolean) => {
      if (eligible) return setStep({ kind: 'email', page, answers });
      setStep({ kind: 'ineligible', page });
      // Only the count is kept: the server checks the answers again and stores nothing else.
      void requestJoin(studyId, { language, answers });
    },
    [studyId, language],
  );

  switch (step.kind) {
    case 'loading':
      return <p className="muted">{words.loading}</p>;
    case 'verifying':
      return <p className="muted">{words.verifying}</p>;
    case 'not_found':
      return <StatePage title={words.notFound.title}><p>{words.notFound.body}</p></StatePage>;
    case 'failed':
      return <StatePage title={words.notFound.title}><p>{words.failed}</p></StatePage>;
    case 'expired':
      return <StatePage title={words.expired.title}><p>{words.expired.body}</p></StatePage>;
    case 'bad_link':
      return <StatePage title={words.badLink.title}><p>{words.badLink.body}</p></StatePage>;
    case 'already':
      return <StatePage title={words.alreadyEnrolled.title}><p>{words.alreadyEnrolled.body}</p></StatePage>;
    case 'sent':
      return <StatePage title={words.sent.title} tone="ok"><p>{words.sent.body}</p></StatePage>;
    case 'ineligible':
      return (
        <StatePage title={words.ineligible.title}>
          <p>{words.ineligible.body(step.page.study.name)}</p>
          <Contact contact={step.page.study.contact} strings={strings} />
        </StatePage>
      );
    case 'screener':
      return <ScreenerStep page={step.page} language={language} onScreened={onScreened(step.page)} />;
    case 'email':
      return <EmailStep studyId={studyId} page={step.page} answers={step.answers} language={language} onSent={() => setStep({ kind: 'sent' })} />;
    case 'consent':
      return (
        <Suspense fallback={<p className="muted">{words.loading}</p>}>
          <ConsentForm study={step.study} consent={step.consent} strings={enrolmentStrings(language).consent} onSubmit={(input) => finish(input, step.study)} />
        </Suspense>
      );
    case 'enrolled':
      return (
        <StatePage title={words.enrolled.title} tone="ok">
          <p>{words.enrolled.body(step.study)}</p>
          {step.opensAt && <p>{words.enrolled.opensOn(strings.formatDate(step.opensAt))}</p>}
        </StatePage>
      );
  }
}

function ScreenerStep({ page, language, onScreened }: { page: JoinPageView; language: 'en' | 'fr'; onScreened: (answers: Record<string, unknown>, eligible: boolean) => void }) {
  const words = enrolmentStrings(language).join;
  const heading = useRef<HTMLHeadingElement>(null);
  useEffect(() => {
    document.title = page.study.name;
    heading.current?.focus();
  }, [page]);
  return (
    <>
      <header className="card intro">
        <h1 tabIndex={-1} ref={heading}>
          {page.study.name}
        </h1>
        <p>{words.intro(page.study.name)}</p>
      </header>
      <h2 className="progress-line">{words.screenerHeading}</h2>
      <Suspense fallback={<p className="muted">{words.loading}</p>}>
        <JoinScreener screener={page.screener} eligibility={page.eligibility} language={language} next={words.next} onDone={onScreened} />
      </Suspense>
      <footer className="footer">
        <Contact contact={page.study.contact} strings={stringsFor(language)} />
      </footer>
    </>
  );
}

function EmailStep({ studyId, page, answers, language, onSent }: { studyId: string; page: JoinPageView; answers: Record<string, unknown>; language: 'en' | 'fr'; onSent: () => void }) {
  const words = enrolmentStrings(language).join;
  const [email, setEmail] = useState('');
  const [problem, setProblem] = useState<string | null>(null);
  const [sending, setSending] = useState(false);
  const heading = useRef<HTMLHeadingElement>(null);
  const id = useId();
  useEffect(() => heading.current?.focus(), []);
  const submit = async (event: FormEvent) => {
    event.preventDefault();
    if (!/^[^\s@]+@[^\s@]+\.[^\s@]+$/.test(email.trim())) return setProblem(words.emailInvalid);
    setSending(true);
    const timezone = Intl.DateTimeFormat().resolvedOptions().timeZone;
    const r = await requestJoin(studyId, { email: email.trim(), language, ...(timezone ? { timezone } : {}), answers });
    setSending(false);
    if (r.kind === 'ok') onSent();
    else setProblem(r.kind === 'http' && r.status === 429 ? words.tooMany : r.kind === 'http' && r.status === 400 && r.details.some((d) => d.field === 'email') ? words.emailInvalid : words.failed);
  };
  return (
    <section className="card" aria-labelledby={`${id}-title`}>
      <h1 id={`${id}-title`} tabIndex={-1} ref={heading}>
        {words.emailHeading}
      </h1>
      <p>{words.emailIntro}</p>
      <form onSubmit={(e) => void submit(e)} noValidate>
        <label htmlFor={`${id}-email`}>{words.emailLabel}</label>
        <input id={`${id}-email`} type="email" autoComplete="email" inputMode="email" value={email} onChange={(e) => setEmail(e.target.value)} />
        {problem && (
          <p className="error" role="alert">
            {problem}
          </p>
        )}
        <p>
          <button type="submit" disabled={sending}>
            {words.send}
          </button>
        </p>
      </form>
      <Contact contact={page.study.contact} strings={stringsFor(language)} />
    </section>
  );
}
