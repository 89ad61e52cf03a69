import type { SurveyView } from './link-api';
import { Contact, StatePage } from './state-page';
import type { PageStrings } from './strings';

type Props = { view: SurveyView; strings: PageStrings };

/** A link that cannot be answered now: why, and who to ask. */
export function LinkStateScreen({ view, strings }: Props) {
  const label = view.timepoint.label;
  const contact = <Contact contact={view.study.contact} strings={strings} />;
  switch (view.status) {
    case 'completed':
      return (
        <StatePage title={strings.completed.title} tone="ok">
          <p>{strings.completed.body(label, view.study.name)}</p>
          {contact}
        </StatePage>
      );
    case 'expired':
      return (
        <StatePage title={strings.expired.title}>
          <p>{strings.expired.body(label)}</p>
          {contact}
        </StatePage>
      );
    case 'withdrawn':
      return (
        <StatePage title={strings.withdrawn.title}>
          <p>{strings.withdrawn.body}</p>
          {contact}
        </StatePage>
      );
    case 'licensed_text_missing':
      return (
        <StatePage title={strings.textMissing.title} tone="warn">
          <p>{strings.textMissing.body}</p>
          {contact}
        </StatePage>
      );
    case 'not_yet_open':
      return (
        <StatePage title={strings.notYetOpen.title}>
          <p>{strings.notYetOpen.body(label, strings.formatDate(view.timepoint.opensAt))}</p>
          {contact}
        </StatePage>
      );
    default:
      return null;
  }
}

/**
 * After submit: the answers are on the server. After an urgent answer (thoughts of self-harm), the
 * study's support text comes first: who to call, the emergency number.
 */
export function ThanksScreen({ view, strings, support }: Props & { support?: { text: string } | undefined }) {
  return (
    <StatePage title={strings.submitted.title} tone="ok">
      {support && (
        <div className="support" role="note" aria-labelledby="support-heading">
          <h2 id="support-heading">{strings.support.heading}</h2>
          {support.text.split(/\n{2,}/).map((paragraph, i) => (
            <p key={i}>{paragraph}</p>
          ))}
        </div>
      )}
      <p>{strings.submitted.body(view.timepoint.label, view.study.name)}</p>
      <Contact contact={view.study.contact} strings={strings} />
    </StatePage>
  );
}

/** Submit pressed while offline: nothing is lost, and the page says what it is waiting for. */
export function QueuedScreen({ view, strings }: Props) {
  return (
    <StatePage title={strings.queued.title} tone="warn">
      <p>{strings.queued.body}</p>
      <Contact contact={view.study.contact} strings={strings} />
    </StatePage>
  );
}

export type Failure =
  | { reason: 'not_found' }
  | { reason: 'revoked'; study: string }
  | { reason: 'too_many'; retryAfterSeconds: number | null }
  | { reason: 'network' };

/** The link could not be loaded at all: a bad link, a paused connection, or no network. */
export function FailureScreen({ failure, strings, keptHere, onRetry }: { failure: Failure; strings: PageStrings; keptHere: boolean; onRetry: () => void }) {
  if (failure.reason === 'not_found') {
    return (
      <StatePage title={strings.notFound.title}>
        <p>{strings.notFound.body}</p>
      </StatePage>
    );
  }
  if (failure.reason === 'revoked') {
    // Nothing but the study's name: this link may be in someone else's hands.
    return (
      <StatePage title={strings.revoked.title}>
        <p>{strings.revoked.body(failure.study)}</p>
      </StatePage>
    );
  }
  if (failure.reason === 'too_many') {
    const minutes = failure.retryAfterSeconds ? Math.ceil(failure.retryAfterSeconds / 60) : null;
    return (
      <StatePage title={strings.tooMany.title}>
        <p>{strings.tooMany.body(minutes)}</p>
      </StatePage>
    );
  }
  return (
    <StatePage title={strings.network.title}>
      <p>{strings.network.body}</p>
      {keptHere && <p>{strings.network.keptHere}</p>}
      <p>
        <button type="button" onClick={onRetry}>
          {strings.network.retry}
        </button>
      </p>
    </StatePage>
  );
}
