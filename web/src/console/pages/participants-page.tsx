import { useState } from 'react';
import { SelectField, TextField } from '../components/field';
import { Empty, ErrorNotice, Loading } from '../components/notices';
import { PageTitle } from '../components/page-title';
import { StatusBadge } from '../components/status-badge';
import { date } from '../lib/format';
import { Link, paths } from '../lib/router';
import type { Participant, StudySummary } from '../lib/types';
import { useApi } from '../lib/use-api';
import { CsvImport } from './participants/csv-import';
import { EnrolForm } from './participants/enrol-form';
import { call } from '../lib/client';

export function ParticipantsPage({ study }: { study: StudySummary }) {
  const list = useApi(call('get', '/api/studies/:studyId/participants', { params: { studyId: study.id } }));
  return (
    <>
      <PageTitle title="Participants">
        <p className="muted">{study.name}</p>
      </PageTitle>
      <div className="two-columns">
        <EnrolForm study={study} onEnrolled={list.reload} />
        <CsvImport study={study} onImported={list.reload} />
      </div>
      <section className="card" aria-labelledby="list-heading">
        <h2 id="list-heading">Enrolled{list.data ? ` (${list.data.participants.length})` : ''}</h2>
        <ErrorNotice error={list.error} />
        {list.data === undefined ? list.error ? null : <Loading /> : <ParticipantTable study={study} participants={list.data.participants} />}
      </section>
    </>
  );
}

/** Participants who are not research data say so wherever their code appears. */
export function KindBadge({ participant }: { participant: Pick<Participant, 'test' | 'synthetic'> }) {
  if (participant.test) return <span className="badge badge-test">test</span>;
  if (participant.synthetic) return <span className="badge badge-synthetic" title="Synthetic demo data: never emailed">synthetic</span>;
  return null;
}

function ParticipantTable({ study, participants }: { study: StudySummary; participants: Participant[] }) {
  const [search, setSearch] = useState('');
  const [status, setStatus] = useState('');
  if (participants.length === 0) return <Empty>No participants yet: enrol one above, or import a CSV file.</Empty>;
  const armLabel = new Map(study.arms.map((a) => [a.id, a.label]));
  const shown = participants
    .filter((p) => (status ? p.status === status : true))
    .filter((p) => p.code.toLowerCase().includes(search.trim().toLowerCase()))
    .sort((a, b) => a.code.localeCompare(b.code, undefined, { numeric: true }));
  return (
    <>
      <div className="filters" role="search" aria-label="Filter participants">
        <TextField id="participant-search" label="Find by code" value={search} onChange={(e) => setSearch(e.target.value)} />
        <SelectField id="participant-status" label="Status" value={status} onChange={(e) => setStatus(e.target.value)}>
          <option value="">All</option>
          <option value="active">Active</option>
          <option value="withdrawn">Withdrawn</option>
          <option value="completed">Completed</option>
        </SelectField>
      </div>
      <p className="muted" aria-live="polite">
        Showing {shown.length} of {participants.length}.
      </p>
      <div className="table-wrap" role="region" aria-labelledby="participants-caption" tabIndex={0}>
        <table>
          <caption id="participants-caption" className="visually-hidden">
            Participants of {study.name}
          </caption>
          <thead>
            <tr>
              <th scope="col">Code</th>
              <th scope="col">Status</th>
              <th scope="col">Arm</th>
              <th scope="col">Progress</th>
              <th scope="col">Enrolled (their date)</th>
              <th scope="col">Time zone</th>
              <th scope="col">Protocol</th>
            </tr>
          </thead>
          <tbody>
            {shown.map((p) => (
              <tr key={p.code}>
                <th scope="row">
                  <Link to={paths.participant(study.id, p.code)}>{p.code}</Link> <KindBadge participant={p} />
                </th>
                <td>
                  <StatusBadge status={p.status} />
                  {p.contactErasedAt && <span className="muted"> · contact erased</span>}
                </td>
                <td>
                  {armLabel.get(p.arm) ?? p.arm} <span className="muted">({p.arm})</span>
                </td>
                <td>
                  <span className="progress-cells">
                    {(p.progress ?? []).map((step) => (
                      <span key={step.timepoint}>
                        <span className="muted">{step.timepoint}</span> <StatusBadge status={step.status} />
                      </span>
                    ))}
                    {(p.progress ?? []).length === 0 && <span className="muted">nothing planned yet</span>}
                  </span>
                </td>
                <td>{date(p.enrolledAt, p.timezone)}</td>
                <td>{p.timezone}</td>
                <td>v{p.protocolVersion}</td>
              </tr>
            ))}
          </tbody>
        </table>
      </div>
    </>
  );
}
