import type { ReactNode } from 'react';
import { Empty } from '../../components/notices';
import { dateTime } from '../../lib/format';
import { Link, paths } from '../../lib/router';
import type { Dashboard } from '../../lib/types';

interface Column<T> {
  header: string;
  cell: (row: T) => ReactNode;
}

/** One titled table of participants needing attention, each row linking to the participant. */
function ListTable<T extends { participant: string; test?: boolean }>({ id, title, rows, columns, empty, studyId }: { id: string; title: string; rows: T[]; columns: Column<T>[]; empty: string; studyId: string }) {
  return (
    <section className="card" aria-labelledby={id}>
      <h2 id={id}>
        {title} <span className="count">({rows.length})</span>
      </h2>
      {rows.length === 0 ? (
        <Empty>{empty}</Empty>
      ) : (
        <div className="table-wrap" role="region" aria-labelledby={`${id}-caption`} tabIndex={0}>
          <table className="compact">
            <caption id={`${id}-caption`} className="visually-hidden">
              Participants: {title.toLowerCase()}
            </caption>
            <thead>
              <tr>
                <th scope="col">Participant</th>
                {columns.map((c) => (
                  <th key={c.header} scope="col">
                    {c.header}
                  </th>
                ))}
              </tr>
            </thead>
            <tbody>
              {rows.map((row, i) => (
                <tr key={i}>
                  <th scope="row">
                    <Link to={paths.participant(studyId, row.participant)}>{row.participant}</Link>
                    {row.test && <span className="badge badge-test">test</span>}
                  </th>
                  {columns.map((c) => (
                    <td key={c.header}>{c.cell(row)}</td>
                  ))}
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
    </section>
  );
}

/** Overdue, closing soon, delivery problems, suppressed addresses and unsubscribes. */
export function AttentionLists({ studyId, dashboard }: { studyId: string; dashboard: Dashboard }) {
  return (
    <div className="two-columns">
      <ListTable
        id="overdue-heading"
        title="Overdue"
        studyId={studyId}
        rows={dashboard.overdue}
        empty="Nobody is more than a day past a due date."
        columns={[
          { header: 'Timepoint', cell: (r) => r.timepoint },
          { header: 'Due', cell: (r) => dateTime(r.dueAt) },
          { header: 'Closes', cell: (r) => dateTime(r.closesAt) },
        ]}
      />
      <ListTable
        id="expiring-heading"
        title="Closing within 2 days"
        studyId={studyId}
        rows={dashboard.expiring}
        empty="No open questionnaire closes in the next two days."
        columns={[
          { header: 'Timepoint', cell: (r) => r.timepoint },
          { header: 'Closes', cell: (r) => dateTime(r.closesAt) },
          { header: 'State', cell: (r) => r.status },
        ]}
      />
      <ListTable
        id="delivery-heading"
        title="Delivery problems"
        studyId={studyId}
        rows={dashboard.deliveryProblems}
        empty="No bounced, complained-about or failed messages."
        columns={[
          { header: 'Timepoint', cell: (r) => r.timepoint },
          { header: 'Message', cell: (r) => r.kind },
          { header: 'Status', cell: (r) => r.status },
          { header: 'Reason', cell: (r) => r.reason ?? '' },
        ]}
      />
      <ListTable
        id="suppressed-heading"
        title="Suppressed addresses"
        studyId={studyId}
        rows={dashboard.suppressed}
        empty="No address is suppressed."
        columns={[
          { header: 'Reason', cell: (r) => r.reason },
          { header: 'Since', cell: (r) => dateTime(r.at) },
        ]}
      />
      <ListTable
        id="unsubscribed-heading"
        title="Unsubscribed"
        studyId={studyId}
        rows={dashboard.unsubscribed}
        empty="Nobody has unsubscribed."
        columns={[{ header: 'Since', cell: (r) => dateTime(r.at) }]}
      />
    </div>
  );
}
