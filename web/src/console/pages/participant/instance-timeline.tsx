import { useState } from 'react';
import { Done, ErrorNotice } from '../../components/notices';
import { StatusBadge } from '../../components/status-badge';
import { dateTime, num } from '../../lib/format';
import type { Instance, StudySummary, Timeline } from '../../lib/types';
import { call, send } from '../../lib/client';

const resendable = new Set(['open', 'started']);

/** The participant's timepoints in schedule order (as the API lists them): state, window, completion and scores; resend for open ones. */
export function InstanceTimeline({ study, timeline, onChanged }: { study: StudySummary; timeline: Timeline; onChanged: () => void }) {
  const instances = timeline.instances;
  return (
    <section className="card" aria-labelledby="timeline-heading">
      <h2 id="timeline-heading">Timeline</h2>
      <p className="hint">Times are in the participant's time zone, {timeline.participant.timezone}.</p>
      {instances.length === 0 ? (
        <p className="empty">No timepoints planned yet (planning happens within a minute of enrolment or a change).</p>
      ) : (
        <ol className="timeline">
          {instances.map((instance) => (
            <li key={instance.timepoint} className={`timeline-item status-${instance.status}`}>
              <InstanceCard studyId={study.id} instance={instance} zone={timeline.participant.timezone} canResend={timeline.participant.status === 'active' && resendable.has(instance.status)} onChanged={onChanged} />
            </li>
          ))}
        </ol>
      )}
    </section>
  );
}

function InstanceCard({ studyId, instance, zone, canResend, onChanged }: { studyId: string; instance: Instance; zone: string; canResend: boolean; onChanged: () => void }) {
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<unknown>(undefined);
  const [queued, setQueued] = useState(false);
  const headingId = `tp-${instance.timepoint}`;
  return (
    <article aria-labelledby={headingId}>
      <h3 id={headingId}>
        {instance.timepoint} <StatusBadge status={instance.status} />
      </h3>
      <dl className="facts">
        <dt>Due</dt>
        <dd>{dateTime(instance.dueAt, zone)}</dd>
        <dt>Window</dt>
        <dd>
          {dateTime(instance.opensAt, zone)} – {dateTime(instance.closesAt, zone)}
        </dd>
        {instance.openedAt && (
          <>
            {/* When the invitation went out (scheduled → open), not when the participant first looked at the page. */}
            <dt>Invitation sent</dt>
            <dd>{dateTime(instance.openedAt, zone)}</dd>
          </>
        )}
        {instance.savedAt && (
          <>
            <dt>Last saved answers</dt>
            <dd>{dateTime(instance.savedAt, zone)}</dd>
          </>
        )}
        {instance.completedAt && (
          <>
            <dt>Completed</dt>
            <dd>{dateTime(instance.completedAt, zone)}</dd>
          </>
        )}
        {instance.endedAt && (
          <>
            <dt>Ended</dt>
            <dd>
              {dateTime(instance.endedAt, zone)}
              {instance.endReason ? `: ${instance.endReason}` : ''}
            </dd>
          </>
        )}
        <dt>Battery</dt>
        <dd>{instance.instruments.map((i) => `${i.id}@${i.version}`).join(', ')}</dd>
      </dl>
      {instance.scores && instance.scores.length > 0 && <Scores instance={instance} />}
      {canResend && (
        <div className="actions">
          <button
            type="button"
            className="secondary"
            disabled={busy}
            onClick={() => {
              setBusy(true);
              setError(undefined);
              setQueued(false);
              send(call('post', '/api/studies/:studyId/participants/:code/resend', { params: { studyId, code: instance.code }, body: { timepoint: instance.timepoint } }))
                .then(() => {
                  setQueued(true);
                  onChanged();
                }, setError)
                .finally(() => setBusy(false));
            }}
          >
            Resend the {instance.timepoint} link
          </button>
        </div>
      )}
      {queued && <Done>A fresh {instance.timepoint} link is queued: it goes out within a minute. Every link sent before no longer works.</Done>}
      <ErrorNotice error={error} />
    </article>
  );
}

function Scores({ instance }: { instance: Instance }) {
  const captionId = `scores-${instance.timepoint}`;
  const flags = instance.scores!.flatMap((s) => s.flags.map((f) => ({ ...f, instrument: s.instrument })));
  return (
    <>
      <div className="table-wrap" role="region" aria-labelledby={captionId} tabIndex={0}>
        <table className="compact">
          <caption id={captionId}>Scores at {instance.timepoint}</caption>
          <thead>
            <tr>
              <th scope="col">Instrument</th>
              <th scope="col">Scale</th>
              <th scope="col">Value</th>
              <th scope="col">Band</th>
              <th scope="col">Status</th>
              <th scope="col">Items answered</th>
            </tr>
          </thead>
          <tbody>
            {instance.scores!.flatMap((score) =>
              Object.entries(score.scales).map(([scale, s]) => (
                <tr key={`${score.instrument}/${scale}`}>
                  <td>
                    {score.instrument} <span className="muted">@{score.version}</span>
                  </td>
                  <td>{scale}</td>
                  <td className="number">{s.value === null ? '—' : num(s.value, Number.isInteger(s.value) ? 0 : 2)}</td>
                  <td>{s.band ?? ''}</td>
                  <td>
                    {s.status.replaceAll('_', ' ')}
                    {s.reason ? `: ${s.reason}` : ''}
                  </td>
                  <td className="number">
                    {s.answered}/{s.items}
                  </td>
                </tr>
              )),
            )}
          </tbody>
        </table>
      </div>
      {flags.length > 0 && (
        <ul className="flags">
          {flags.map((f) => (
            <li key={`${f.instrument}/${f.id}`} className={f.urgent ? 'text-bad' : undefined}>
              {f.urgent ? <strong>Urgent: </strong> : null}
              {f.label} ({f.instrument}
              {f.item ? `, ${f.item}` : ''})
            </li>
          ))}
        </ul>
      )}
    </>
  );
}
