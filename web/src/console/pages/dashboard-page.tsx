import { Empty, ErrorNotice, Loading } from '../components/notices';
import { ConsortFlow } from '../components/consort-flow';
import { PageTitle } from '../components/page-title';
import { dateTime } from '../lib/format';
import type { StudySummary } from '../lib/types';
import { Link, paths } from '../lib/router';
import { useApi } from '../lib/use-api';
import { AlertsSection } from './dashboard/alerts-section';
import { AttentionLists } from './dashboard/attention-lists';
import { CompletionChart } from './dashboard/completion-chart';
import { CompletionTable } from './dashboard/completion-table';
import { call } from '../lib/client';

export function DashboardPage({ study }: { study: StudySummary }) {
  const dashboard = useApi(call('get', '/api/studies/:studyId/dashboard', { params: { studyId: study.id } }));
  const data = dashboard.data;
  const armLabel = (id: string) => study.arms.find((a) => a.id === id)?.label ?? id;
  return (
    <>
      <PageTitle title="Dashboard">
        <p className="muted">
          {study.name}
          {data ? ` · as of ${dateTime(data.generatedAt)}` : ''}{' '}
          <button type="button" className="secondary small" onClick={dashboard.reload} disabled={dashboard.loading}>
            Refresh
          </button>
        </p>
      </PageTitle>
      <ErrorNotice error={dashboard.error} />
      {data === undefined ? (
        dashboard.error ? null : <Loading />
      ) : (
        <>
          {data.wordingMissing.length > 0 && (
            <section className="card notice notice-warn" aria-labelledby="held-heading" role="alert">
              <h2 id="held-heading">Invitations are being held</h2>
              <p>
                The licensed wording of {data.wordingMissing.map((w) => `${w.instrument} (${w.timepoints.join(', ')})`).join('; ')} is not installed, so participants could not complete those
                questionnaires. Their invitations are held, not emailed ({data.held.length} held now), and go out once the wording is loaded with{' '}
                <code>npx timepoint instruments load-text</code>, if their window is still open.
              </p>
              {data.held.length > 0 && (
                <details>
                  <summary>Held messages</summary>
                  <ul>
                    {data.held.map((h) => (
                      <li key={`${h.participant}/${h.timepoint}/${h.kind}`}>
                        <Link to={paths.participant(study.id, h.participant)}>{h.participant}</Link> · {h.timepoint} {h.kind} · due {dateTime(h.sendAt)}
                      </li>
                    ))}
                  </ul>
                </details>
              )}
            </section>
          )}
          <AlertsSection studyId={study.id} alerts={data.alerts} onAcknowledged={dashboard.reload} />
          <section className="card" aria-labelledby="numbers-heading">
            <h2 id="numbers-heading">Participants</h2>
            <dl className="stats">
              <div>
                <dt>Enrolled</dt>
                <dd>{data.participants.total}</dd>
              </div>
              <div>
                <dt>Active</dt>
                <dd>{data.participants.active}</dd>
              </div>
              <div>
                <dt>Withdrawn</dt>
                <dd>{data.participants.withdrawn}</dd>
              </div>
              <div>
                <dt>Alerts to acknowledge</dt>
                <dd>{data.unacknowledgedAlerts}</dd>
              </div>
            </dl>
            {data.participants.test > 0 && (
              <p className="hint">
                Not counted here or in completion: {data.participants.test} test participant{data.participants.test === 1 ? '' : 's'}.
              </p>
            )}
          </section>
          <ConsortFlow consort={data.consort} headingId="consort-heading" armLabel={armLabel} />
          <section className="card" aria-labelledby="completion-heading">
            <h2 id="completion-heading">Completion</h2>
            {data.completion.length === 0 ? (
              <Empty>No timepoints in the protocol yet.</Empty>
            ) : (
              <>
                <CompletionChart cells={data.completion} armLabel={armLabel} />
                <CompletionTable cells={data.completion} armLabel={armLabel} />
              </>
            )}
          </section>
          <AttentionLists studyId={study.id} dashboard={data} />
        </>
      )}
    </>
  );
}
