import { useState } from 'react';
import { TextField } from '../components/field';
import { Empty, ErrorNotice, Loading } from '../components/notices';
import { PageTitle } from '../components/page-title';
import { actorName, dateTime } from '../lib/format';
import { fieldErrors } from '../lib/http';
import type { AuditEntry, StudySummary } from '../lib/types';
import { useApi } from '../lib/use-api';
import { call } from '../lib/client';

interface Filters {
  actor: string;
  action: string;
  target: string;
  from: string;
  to: string;
}

const blank: Filters = { actor: '', action: '', target: '', from: '', to: '' };

/** datetime-local gives local wall-clock time without a zone; the API wants an instant. */
const instant = (local: string) => (local ? new Date(local).toISOString() : '');

const query = (f: Filters) => ({ actor: f.actor.trim(), action: f.action.trim(), target: f.target.trim(), from: instant(f.from), to: instant(f.to) });

/** The study's append-only audit trail, newest first, filtered on the server. */
export function AuditPage({ study }: { study: StudySummary }) {
  const [draft, setDraft] = useState<Filters>(blank);
  const [applied, setApplied] = useState<Filters>(blank);
  const log = useApi(call('get', '/api/studies/:studyId/audit', { params: { studyId: study.id }, query: query(applied) }));
  const errors = fieldErrors(log.error);
  const set = (key: keyof Filters) => (e: { target: { value: string } }) => setDraft((d) => ({ ...d, [key]: e.target.value }));

  return (
    <>
      <PageTitle title="Audit log">
        <p className="muted">{study.name}: every change, who made it and when. Newest first.</p>
      </PageTitle>
      <section className="card" aria-labelledby="audit-filter-heading">
        <h2 id="audit-filter-heading">Filter</h2>
        <form
          role="search"
          aria-labelledby="audit-filter-heading"
          onSubmit={(e) => {
            e.preventDefault();
            setApplied(draft);
          }}
        >
          <div className="grid-3">
            <TextField id="audit-actor" label="Who (contains)" hint="e.g. staff: or an email" value={draft.actor} error={errors.actor} onChange={set('actor')} />
            <TextField id="audit-action" label="Action (starts with)" hint="e.g. participant." value={draft.action} error={errors.action} onChange={set('action')} />
            <TextField id="audit-target" label="Target (contains)" hint="e.g. a participant code" value={draft.target} error={errors.target} onChange={set('target')} />
            <TextField id="audit-from" label="From" type="datetime-local" value={draft.from} error={errors.from} onChange={set('from')} />
            <TextField id="audit-to" label="To" type="datetime-local" value={draft.to} error={errors.to} onChange={set('to')} />
          </div>
          <div className="actions">
            <button type="submit">Apply filters</button>
            <button
              type="button"
              className="secondary"
              onClick={() => {
                setDraft(blank);
                setApplied(blank);
              }}
            >
              Clear
            </button>
          </div>
        </form>
      </section>
      <section className="card" aria-labelledby="audit-entries-heading">
        <h2 id="audit-entries-heading">Entries{log.data ? ` (${log.data.entries.length}${log.data.truncated ? '+' : ''})` : ''}</h2>
        <ErrorNotice error={log.error} />
        {log.data === undefined ? (
          log.error ? null : <Loading />
        ) : log.data.entries.length === 0 ? (
          <Empty>No entries match.</Empty>
        ) : (
          <>
            {log.data.truncated && <p className="muted">Only the newest {log.data.entries.length} are shown: narrow the filters to see older ones.</p>}
            <div className="table-wrap" role="region" aria-labelledby="audit-caption" tabIndex={0}>
              <table className="compact">
                <caption id="audit-caption" className="visually-hidden">
                  Audit entries, newest first
                </caption>
                <thead>
                  <tr>
                    <th scope="col">When</th>
                    <th scope="col">Who</th>
                    <th scope="col">Action</th>
                    <th scope="col">Target</th>
                    <th scope="col">Change</th>
                  </tr>
                </thead>
                <tbody>
                  {log.data.entries.map((e) => (
                    <tr key={e.id}>
                      <td className="nowrap">{dateTime(e.at)}</td>
                      <td>{actorName(e.actor)}</td>
                      <td>
                        <code>{e.action}</code>
                      </td>
                      <td>{e.target}</td>
                      <td>
                        <Change entry={e} />
                      </td>
                    </tr>
                  ))}
                </tbody>
              </table>
            </div>
          </>
        )}
      </section>
    </>
  );
}

function Change({ entry }: { entry: AuditEntry }) {
  if (entry.before === undefined && entry.after === undefined) return null;
  return (
    <details>
      <summary>Details</summary>
      {entry.before !== undefined && (
        <>
          <p className="muted">Before</p>
          <pre>{JSON.stringify(entry.before, null, 2)}</pre>
        </>
      )}
      {entry.after !== undefined && (
        <>
          <p className="muted">After</p>
          <pre>{JSON.stringify(entry.after, null, 2)}</pre>
        </>
      )}
    </details>
  );
}
