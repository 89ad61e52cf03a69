import { Empty } from '../../components/notices';
import { StatusBadge } from '../../components/status-badge';
import { actorName, dateTime } from '../../lib/format';
import type { Message } from '../../lib/types';

const kindLabel = (m: Message) =>
  m.kind === 'reminder' ? `Reminder ${m.n}` : m.kind === 'resend' ? `Link resent${m.n > 1 ? ` (${m.n})` : ''}` : m.kind === 'alert' ? 'Safety alert (to contacts)' : m.kind === 'notice' ? 'Notice (to contacts)' : 'Invitation';

/** Every message for this participant, planned or sent, with its delivery status and the reason it was skipped or failed. */
export function MessageTable({ messages, zone }: { messages: Message[]; zone: string }) {
  return (
    <section className="card" aria-labelledby="messages-heading">
      <h2 id="messages-heading">Messages</h2>
      <p className="hint">Every email planned or sent, and what became of it. Times in the participant's time zone, {zone}.</p>
      {messages.length === 0 ? (
        <Empty>No messages planned.</Empty>
      ) : (
        <div className="table-wrap" role="region" aria-labelledby="messages-caption" tabIndex={0}>
          <table>
            <caption id="messages-caption" className="visually-hidden">
              Messages planned and sent for this participant
            </caption>
            <thead>
              <tr>
                <th scope="col">Timepoint</th>
                <th scope="col">Message</th>
                <th scope="col">Planned for</th>
                <th scope="col">Status</th>
                <th scope="col">Sent</th>
                <th scope="col">Reason or note</th>
              </tr>
            </thead>
            <tbody>
              {messages.map((m) => (
                <tr key={`${m.timepoint}/${m.kind}/${m.n}`}>
                  <td>{m.timepoint}</td>
                  <td>{kindLabel(m)}</td>
                  <td>{dateTime(m.sendAt, zone)}</td>
                  <td>
                    <StatusBadge status={m.status} />
                  </td>
                  <td>{dateTime(m.sentAt, zone)}</td>
                  <td>
                    {m.reason ?? ''}
                    {m.kind === 'alert' && (m.acknowledgedAt ? ` Acknowledged by ${actorName(m.acknowledgedBy ?? '')} on ${dateTime(m.acknowledgedAt, zone)}.` : ' Not acknowledged yet.')}
                    {m.acknowledgementNote ? ` Note: ${m.acknowledgementNote}` : ''}
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
    </section>
  );
}
