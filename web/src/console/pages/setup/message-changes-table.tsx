import { dateTime } from '../../lib/format';

/** A message a protocol change would add, move or cancel, as the server's previews list it. */
export interface MessageChange {
  participant: string;
  timepoint: string;
  kind: string;
  n: number;
  sendAt: string;
  change: string;
  was?: string;
}

/** At most this many rows: the caption says how many there are in all. */
const SHOWN = 200;

/**
 * The messages a change of protocol would add, move or cancel, participant by participant: the
 * same table for publishing a new version and for migrating participants to it.
 */
export function MessageChangesTable({ changes, caption, captionId }: { changes: MessageChange[]; caption: string; captionId: string }) {
  const shown = changes.slice(0, SHOWN);
  return (
    <div className="table-wrap" role="region" aria-labelledby={captionId} tabIndex={0}>
      <table className="compact">
        <caption id={captionId}>
          {caption}
          {changes.length > shown.length ? ` (first ${shown.length} of ${changes.length})` : ''}
        </caption>
        <thead>
          <tr>
            <th scope="col">Participant</th>
            <th scope="col">Timepoint</th>
            <th scope="col">Message</th>
            <th scope="col">Change</th>
            <th scope="col">Send at</th>
            <th scope="col">Was</th>
          </tr>
        </thead>
        <tbody>
          {shown.map((c, i) => (
            <tr key={i}>
              <th scope="row">{c.participant}</th>
              <td>{c.timepoint}</td>
              <td>
                {c.kind}
                {c.kind === 'reminder' ? ` ${c.n}` : ''}
              </td>
              <td>{c.change}</td>
              <td>{c.change === 'cancelled' ? '' : dateTime(c.sendAt)}</td>
              <td>{c.was ? dateTime(c.was) : ''}</td>
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}
