import { useState } from 'react';
import { TextAreaField } from '../../components/field';
import { Empty, ErrorNotice } from '../../components/notices';
import { actorName, dateTime } from '../../lib/format';
import { Link, paths } from '../../lib/router';
import type { SafetyAlert } from '../../lib/types';
import { call, send } from '../../lib/client';

/** Safety alerts, unacknowledged first and highlighted; each can be acknowledged once, with a note (on the dashboard and on the participant's page). */
export function AlertsSection({ studyId, alerts, onAcknowledged }: { studyId: string; alerts: SafetyAlert[]; onAcknowledged: () => void }) {
  const ordered = [...alerts].sort((a, b) => Number(a.acknowledgedAt !== null) - Number(b.acknowledgedAt !== null) || b.raisedAt.localeCompare(a.raisedAt));
  const open = alerts.filter((a) => a.acknowledgedAt === null).length;
  return (
    <section className={open > 0 ? 'card alerts alerts-open' : 'card alerts'} aria-labelledby="alerts-heading">
      <h2 id="alerts-heading">Safety alerts {open > 0 ? <span className="badge badge-bad">{open} to acknowledge</span> : null}</h2>
      {ordered.length === 0 ? (
        <Empty>No safety alerts. Urgent answers (for example PHQ-9 item 9 of 1 or more) appear here and are emailed to the study's safety contacts at once.</Empty>
      ) : (
        <ul className="alert-list">
          {ordered.map((alert) => (
            <li key={`${alert.participant}/${alert.timepoint}`} className={alert.acknowledgedAt === null ? 'alert-item unacknowledged' : 'alert-item'}>
              <AlertItem studyId={studyId} alert={alert} onAcknowledged={onAcknowledged} />
            </li>
          ))}
        </ul>
      )}
    </section>
  );
}

function AlertItem({ studyId, alert, onAcknowledged }: { studyId: string; alert: SafetyAlert; onAcknowledged: () => void }) {
  const [note, setNote] = useState('');
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<unknown>(undefined);
  const id = `ack-${alert.participant}-${alert.timepoint}`;
  return (
    <article aria-labelledby={`${id}-title`}>
      <h3 id={`${id}-title`}>
        {alert.acknowledgedAt === null ? <span className="visually-hidden">Unacknowledged: </span> : null}
        <Link to={paths.participant(studyId, alert.participant)}>{alert.participant}</Link> at {alert.timepoint}
      </h3>
      <p>
        {alert.flags.length > 0 ? alert.flags.join(', ') : 'Urgent answer'} · raised {dateTime(alert.raisedAt)} · email to contacts: {alert.status}
      </p>
      {alert.acknowledgedAt !== null ? (
        <p className="text-ok">
          Acknowledged by {actorName(alert.acknowledgedBy ?? '')} on {dateTime(alert.acknowledgedAt)}.
        </p>
      ) : (
        <form
          onSubmit={(e) => {
            e.preventDefault();
            setBusy(true);
            setError(undefined);
            send(
              call('post', '/api/studies/:studyId/alerts/:code/:timepoint/acknowledge', {
                params: { studyId, code: alert.participant, timepoint: alert.timepoint },
                body: note.trim() ? { note: note.trim() } : {},
              }),
            )
              .then(onAcknowledged, setError)
              .finally(() => setBusy(false));
          }}
        >
          <TextAreaField id={`${id}-note`} label={`Note for ${alert.participant} at ${alert.timepoint} (optional)`} hint="What was done, e.g. who called the participant" rows={2} maxLength={2000} value={note} onChange={(e) => setNote(e.target.value)} />
          <div className="actions">
            <button type="submit" disabled={busy}>
              Acknowledge the alert for {alert.participant}
            </button>
          </div>
          <ErrorNotice error={error} />
        </form>
      )}
    </article>
  );
}
