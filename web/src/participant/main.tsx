import 'survey-core/survey-core.fontless.css';
import '../shared/base.css';
import { StrictMode, useEffect, useMemo, useState } from 'react';
import { createRoot } from 'react-dom/client';
import { Model } from 'survey-core';
import { Survey } from 'survey-react-ui';
import { ApiError, api } from '../shared/api';

interface SurveyView {
  study: { id: string; name: string; contact: { name: string; email: string } | null };
  timepoint: { id: string; label: string; closesAt: string };
  status: 'not_yet_open' | 'open' | 'started' | 'completed' | 'expired' | 'withdrawn' | 'licensed_text_missing';
  instruments: Array<{ id: string; version: string; name: string; survey: { title?: string; description?: string; pages?: Array<Record<string, unknown>> } }>;
  answers: Record<string, unknown>;
  missingText: string[];
}

const [route, rawToken] = window.location.pathname.split('/').filter(Boolean);
const token = decodeURIComponent(rawToken ?? '');

/** One SurveyJS model for the whole battery: each instrument's pages in protocol order, one progress bar. */
function batteryModel(view: SurveyView): Model {
  const pages = view.instruments.flatMap((instrument) =>
    (instrument.survey.pages ?? []).map((page, i) => ({
      ...page,
      name: `${instrument.id}__${String(page.name ?? i)}`,
      ...(i === 0 ? { title: instrument.survey.title ?? instrument.name, description: instrument.survey.description } : {}),
    })),
  );
  const model = new Model({
    pages,
    showProgressBar: true,
    progressBarType: 'pages',
    showQuestionNumbers: 'off',
    questionErrorLocation: 'bottom',
    completeText: 'Submit my answers',
    showCompletedPage: false,
  });
  model.data = view.answers;
  return model;
}

function Contact({ view }: { view: SurveyView }) {
  const contact = view.study.contact;
  if (!contact) return null;
  return (
    <p>
      Questions? Contact {contact.name} at <a href={`mailto:${contact.email}`}>{contact.email}</a>.
    </p>
  );
}

function StatePage({ title, children }: { title: string; children: React.ReactNode }) {
  useEffect(() => {
    document.title = title;
  }, [title]);
  return (
    <section className="card" aria-live="polite">
      <h1>{title}</h1>
      {children}
    </section>
  );
}

function Questionnaires({ view, onDone }: { view: SurveyView; onDone: () => void }) {
  const model = useMemo(() => batteryModel(view), [view]);
  useEffect(() => {
    const submit = (_: Model, options: { data: Record<string, unknown>; errors: Record<string, string>; complete: () => void }) => {
      if (!model.isLastPage) return options.complete();
      api(`/api/p/${encodeURIComponent(token)}/submit`, { method: 'POST', body: { answers: model.data } })
        .catch((error: unknown) => {
          if (error instanceof ApiError && error.status === 400 && error.body?.error.details) {
            for (const d of error.body.error.details) options.errors[d.field.replace(/^answers\./, '')] = d.message;
          } else if (error instanceof ApiError && error.status === 409) {
            // Already completed (e.g. in another tab): nothing more to do here.
            return;
          } else {
            const first = model.currentPage.questions[0]?.name;
            if (first) options.errors[first] = 'We could not send your answers just now. They are still here: please try again.';
          }
        })
        .finally(() => options.complete());
    };
    model.onServerValidateQuestions.add(submit);
    model.onComplete.add(onDone);
    return () => {
      model.onServerValidateQuestions.remove(submit);
      model.onComplete.remove(onDone);
    };
  }, [model, onDone]);
  return <Survey model={model} />;
}

function App() {
  const [view, setView] = useState<SurveyView | null>(null);
  const [failure, setFailure] = useState<'not_found' | 'network' | null>(null);
  const [submitted, setSubmitted] = useState(false);

  useEffect(() => {
    api<SurveyView>(`/api/p/${encodeURIComponent(token)}`)
      .then(setView)
      .catch((error: unknown) => setFailure(error instanceof ApiError && error.status === 404 ? 'not_found' : 'network'));
  }, []);

  if (failure === 'not_found') {
    return (
      <StatePage title="This link is not valid">
        <p>Please check that you copied the whole link from your email. If it still does not work, contact the study team.</p>
      </StatePage>
    );
  }
  if (failure === 'network') {
    return (
      <StatePage title="We could not load your questionnaires">
        <p>Please check your connection and reload this page.</p>
      </StatePage>
    );
  }
  if (view === null) return <p className="muted">Loading your questionnaires…</p>;
  if (submitted || view.status === 'completed') {
    return (
      <StatePage title="Thank you">
        <p className="ok">Your {view.timepoint.label} questionnaires for {view.study.name} are complete. You can close this page.</p>
        <Contact view={view} />
      </StatePage>
    );
  }
  if (view.status === 'expired') {
    return (
      <StatePage title="These questionnaires have closed">
        <p>The time to complete your {view.timepoint.label} questionnaires has passed.</p>
        <Contact view={view} />
      </StatePage>
    );
  }
  if (view.status === 'withdrawn') {
    return (
      <StatePage title="Your participation has ended">
        <p>There is nothing more to complete. Thank you for your time.</p>
        <Contact view={view} />
      </StatePage>
    );
  }
  if (view.status === 'licensed_text_missing') {
    return (
      <StatePage title="These questionnaires are not ready yet">
        <p>
          Some questionnaires in this study are licensed, and their wording has not been installed on this site yet, so they
          cannot be shown. Nothing is lost: please come back to this link later.
        </p>
        <Contact view={view} />
      </StatePage>
    );
  }
  if (view.status === 'not_yet_open') {
    return (
      <StatePage title="Not open yet">
        <p>Your {view.timepoint.label} questionnaires are not open yet. We will email you when they are.</p>
        <Contact view={view} />
      </StatePage>
    );
  }
  return (
    <>
      <header className="card">
        <h1>{view.study.name}</h1>
        <p className="muted">
          {view.timepoint.label} · {view.instruments.length} questionnaire{view.instruments.length === 1 ? '' : 's'}
        </p>
      </header>
      <Questionnaires view={view} onDone={() => setSubmitted(true)} />
    </>
  );
}

/** /u/<token>: stop this study's emails (the link at the foot of every participant email). */
function Unsubscribe() {
  const [state, setState] = useState<{ study: string; unsubscribed: boolean } | 'not_found' | 'error' | null>(null);
  useEffect(() => {
    api<{ study: { name: string }; unsubscribed: boolean }>(`/api/u/${encodeURIComponent(token)}`)
      .then((r) => setState({ study: r.study.name, unsubscribed: r.unsubscribed }))
      .catch((e: unknown) => setState(e instanceof ApiError && e.status === 404 ? 'not_found' : 'error'));
  }, []);
  if (state === null) return <p className="muted">Loading…</p>;
  if (state === 'not_found') return <StatePage title="This link is not valid"><p>Please check that you copied the whole link from your email.</p></StatePage>;
  if (state === 'error') return <StatePage title="Something went wrong"><p>Please check your connection and reload this page.</p></StatePage>;
  if (state.unsubscribed) {
    return (
      <StatePage title="You will get no more emails from this study">
        <p>{state.study} will not email you again. Questionnaires you have already been sent stay open: you can still use their links.</p>
      </StatePage>
    );
  }
  return (
    <StatePage title="Stop emails from this study?">
      <p>You will no longer receive invitations or reminders from {state.study}. This does not withdraw you from the study.</p>
      <p>
        <button
          onClick={() =>
            void api<{ unsubscribed: boolean }>(`/api/u/${encodeURIComponent(token)}`, { method: 'POST' })
              .then(() => setState({ ...state, unsubscribed: true }))
              .catch(() => setState('error'))
          }
        >
          Stop the emails
        </button>
      </p>
    </StatePage>
  );
}

createRoot(document.getElementById('root')!).render(
  <StrictMode>{route === 'u' ? <Unsubscribe /> : <App />}</StrictMode>,
);
