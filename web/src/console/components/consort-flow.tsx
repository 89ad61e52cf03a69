import type { ConsortCounts } from '../lib/types';

/** The CONSORT-style participant flow: screened and excluded (self-enrolment), enrolled, then per arm. */
export function ConsortFlow({ consort, headingId, armLabel }: { consort: ConsortCounts; headingId: string; armLabel: (id: string) => string }) {
  const timepoints = [...new Set(consort.arms.flatMap((a) => a.timepoints.map((t) => t.timepoint)))];
  return (
    <section className="card" aria-labelledby={headingId}>
      <h2 id={headingId}>Participant flow (CONSORT)</h2>
      <dl className="stats-flow">
        {consort.assessedForEligibility !== null && (
          <>
            <div>
              <dt>Assessed for eligibility (join link)</dt>
              <dd>{consort.assessedForEligibility}</dd>
            </div>
            <div>
              <dt>Excluded: not eligible</dt>
              <dd>{consort.ineligible}</dd>
            </div>
          </>
        )}
        <div>
          <dt>Enrolled</dt>
          <dd>{consort.enrolled}</dd>
        </div>
        <div>
          <dt>Randomised</dt>
          <dd>{consort.allocated}</dd>
        </div>
        <div>
          <dt>Withdrawn</dt>
          <dd>{consort.withdrawn}</dd>
        </div>
      </dl>
      <div className="table-wrap" role="region" aria-labelledby={`${headingId}-caption`} tabIndex={0}>
        <table>
          <caption id={`${headingId}-caption`} className="visually-hidden">
            Participants per arm: allocated, withdrawn, and completed of planned at each timepoint
          </caption>
          <thead>
            <tr>
              <th scope="col">Arm</th>
              <th scope="col">Enrolled</th>
              <th scope="col">Allocated</th>
              <th scope="col">Withdrawn</th>
              {timepoints.map((t) => (
                <th key={t} scope="col">
                  Completed {t}
                </th>
              ))}
            </tr>
          </thead>
          <tbody>
            {consort.arms.map((arm) => (
              <tr key={arm.arm}>
                <th scope="row">
                  {armLabel(arm.arm)} <span className="muted">({arm.randomised ? 'randomised' : 'chosen by hand'})</span>
                </th>
                <td>{arm.enrolled}</td>
                <td>{arm.randomised ? arm.allocated : '—'}</td>
                <td>{arm.withdrawn}</td>
                {timepoints.map((t) => {
                  const cell = arm.timepoints.find((x) => x.timepoint === t);
                  return <td key={t}>{cell ? `${cell.completed} of ${cell.planned}` : '—'}</td>;
                })}
              </tr>
            ))}
          </tbody>
        </table>
      </div>
    </section>
  );
}
