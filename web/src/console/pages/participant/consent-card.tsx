import { dateTime } from '../../lib/format';
import type { Timeline } from '../../lib/types';
import { urlOf } from '../../lib/client';

/** How the participant came in: their allocation (if randomised) and every consent they signed, each downloadable as the signed PDF. */
export function ConsentCard({ studyId, timeline }: { studyId: string; timeline: Timeline }) {
  const { participant, consents } = timeline;
  const allocation = participant.allocation;
  const pdf = (version: string) => urlOf('get', '/api/studies/:studyId/participants/:code/consent', { params: { studyId, code: participant.code }, query: { version } });
  return (
    <section className="card" aria-labelledby="consent-heading">
      <h2 id="consent-heading">Enrolment and consent</h2>
      <dl className="facts">
        <dt>Enrolled</dt>
        <dd>{participant.enrolledVia === 'join' ? 'Self-enrolled through the join link' : 'By the study team'}</dd>
        {participant.strata && Object.keys(participant.strata).length > 0 && (
          <>
            <dt>Strata</dt>
            <dd>{Object.entries(participant.strata).map(([f, l]) => `${f} = ${l}`).join(', ')}</dd>
          </>
        )}
        {allocation && (
          <>
            <dt>Allocation</dt>
            <dd>
              {allocation.method === 'manual' ? `Chosen by hand by an admin: ${allocation.reason ?? ''}` : `Randomised (${allocation.method})`} · sequence {allocation.sequence} · {dateTime(allocation.at)}
            </dd>
          </>
        )}
        {participant.withdrawal && (
          <>
            <dt>Withdrawal</dt>
            <dd>
              {dateTime(participant.withdrawal.at)} by {participant.withdrawal.by}
              {participant.withdrawal.consentWithdrawn ? ' · consent withdrawn' : ''}
              {participant.withdrawal.reason ? ` · “${participant.withdrawal.reason}”` : ''}
            </dd>
          </>
        )}
      </dl>
      {consents.length === 0 ? (
        <p className="muted">No electronic consent recorded.</p>
      ) : (
        <table>
          <caption className="visually-hidden">Signed consents</caption>
          <thead>
            <tr>
              <th scope="col">Version</th>
              <th scope="col">Agreed</th>
              <th scope="col">Language</th>
              <th scope="col">Text SHA-256</th>
              <th scope="col">Signed record</th>
            </tr>
          </thead>
          <tbody>
            {consents.map((c) => (
              <tr key={c.version}>
                <td>{c.version}</td>
                <td>{dateTime(c.agreedAt)}</td>
                <td>{c.language}</td>
                <td>
                  <code className="hash">{c.textHash.slice(0, 16)}…</code>
                </td>
                <td>
                  <a href={pdf(c.version)} download>
                    Download PDF (version {c.version})
                  </a>
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
    </section>
  );
}
