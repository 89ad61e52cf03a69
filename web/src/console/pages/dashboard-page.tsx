import { Empty, ErrorNotice, Loading } from '../components/notices';
import { ConsortFlow } from '../components/consort-flow';
import { PageTitle } from '../components/page-title';
import { dateTime } from '../lib/format';
import { studyPath } from '../lib/http';
import type { Dashboard, StudySummary } from '../lib/types';
import { useApi } from '../lib/use-api';
import { AlertsSection } from './dashboard/alerts-section';
import { AttentionLists } from './dashboard/attention-lists';
import { CompletionChart } from './dashboard/completion-chart';
import { CompletionTable } from './dashboard/completion-table';

export function DashboardPage({ study }: { study: StudySummary }) {
  const dashboard = useApi<Dashboard>(studyPath(study.id, '/dashboard'));
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
