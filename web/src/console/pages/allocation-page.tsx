import { Empty, ErrorNotice, Loading } from '../components/notices';
import { PageTitle } from '../components/page-title';
import { dateTime } from '../lib/format';
import { ApiError } from '../lib/http';
import type { StudySummary } from '../lib/types';
import { useApi } from '../lib/use-api';
import { call } from '../lib/client';

/** Admins only: what has been allocated (never what comes next): design, counts per stratum × arm, marginal totals, the log. */
export function AllocationPage({ study }: { study: StudySummary }) {
  const report = useApi(call('get', '/api/studies/:studyId/allocation', { params: { studyId: study.id } }));
  const data = report.data;
  const notAllocating = report.error instanceof ApiError && report.error.status === 400;
  const armLabel = (id: string) => study.arms.find((a) => a.id === id)?.label ?? id;
  return (
    <>
      <PageTitle title="Allocation">
        <p className="muted">{study.name} · past allocations only: the sequence itself is sealed and shown to nobody.</p>
      </PageTitle>
      {notAllocating ? (
        <section className="card">
          <p>This study does not allocate. An admin can declare an allocation in Study setup before the first participant is randomised.</p>
        </section>
      ) : (
        <ErrorNotice error={report.error} />
      )}
      {data === undefined ? (
        report.error ? null : <Loading />
      ) : (
        <>
          <section className="card" aria-labelledby="design-heading">
            <h2 id="design-heading">Design</h2>
            <dl className="stats">
              <div>
                <dt>Method</dt>
                <dd>{data.allocation.method === 'blocked' ? 'Permuted blocks' : 'Minimisation'}</dd>
              </div>
              <div>
                <dt>Ratio</dt>
                <dd>{Object.entries(data.allocation.arms).map(([arm, r]) => `${arm} ${r}`).join(' : ')}</dd>
              </div>
              <div>
                <dt>{data.allocation.method === 'blocked' ? 'Block sizes' : 'Probability'}</dt>
                <dd>{data.allocation.method === 'blocked' ? (data.allocation.blockSizes ?? []).join(', ') : (data.allocation.probability ?? 0.8)}</dd>
              </div>
              <div>
                <dt>Factors</dt>
                <dd>{data.allocation.strata.join(', ') || 'none'}</dd>
              </div>
              <div>
                <dt>Allocated</dt>
                <dd>{data.allocated}</dd>
              </div>
            </dl>
            {data.frozen && <p className="muted">Frozen: the design can no longer change, since participants have been allocated.</p>}
          </section>
          <section className="card" aria-labelledby="allocation-strata-heading">
            <h2 id="allocation-strata-heading">Per stratum</h2>
            {data.strata.length === 0 ? (
              <Empty>Nobody has been allocated yet.</Empty>
            ) : (
              <div className="table-wrap" role="region" aria-labelledby="allocation-strata-heading" tabIndex={0}>
                <table>
                  <thead>
                    <tr>
                      <th scope="col">Stratum</th>
                      {data.arms.map((a) => (
                        <th key={a} scope="col">
                          {armLabel(a)}
                        </th>
                      ))}
                      <th scope="col">Total</th>
                    </tr>
                  </thead>
                  <tbody>
                    {data.strata.map((s) => (
                      <tr key={s.stratum}>
                        <th scope="row">{s.stratum}</th>
                        {data.arms.map((a) => (
                          <td key={a}>{s.counts[a]}</td>
                        ))}
                        <td>{s.total}</td>
                      </tr>
                    ))}
                  </tbody>
                </table>
              </div>
            )}
            {data.marginals.length > 0 && (
              <>
                <h3 id="allocation-marginals-heading">Per factor level (marginal totals)</h3>
                <div className="table-wrap" role="region" aria-labelledby="allocation-marginals-heading" tabIndex={0}>
                  <table>
                    <thead>
                      <tr>
                        <th scope="col">Factor = level</th>
                        {data.arms.map((a) => (
                          <th key={a} scope="col">
                            {armLabel(a)}
                          </th>
                        ))}
                      </tr>
                    </thead>
                    <tbody>
                      {data.marginals.map((m) => (
                        <tr key={`${m.factor}=${m.level}`}>
                          <th scope="row">
                            {m.factor} = {m.level}
                          </th>
                          {data.arms.map((a) => (
                            <td key={a}>{m.counts[a]}</td>
                          ))}
                        </tr>
                      ))}
                    </tbody>
                  </table>
                </div>
              </>
            )}
          </section>
          <section className="card" aria-labelledby="allocation-log-heading">
            <h2 id="allocation-log-heading">Allocation log</h2>
            {data.log.length === 0 ? (
              <Empty>Nobody has been allocated yet.</Empty>
            ) : (
              <div className="table-wrap" role="region" aria-labelledby="allocation-log-heading" tabIndex={0}>
                <table>
                  <thead>
                    <tr>
                      <th scope="col">Sequence</th>
                      <th scope="col">Participant</th>
                      <th scope="col">Stratum</th>
                      <th scope="col">Arm</th>
                      <th scope="col">When</th>
                      <th scope="col">By</th>
                      <th scope="col">How</th>
                    </tr>
                  </thead>
                  <tbody>
                    {data.log.map((l) => (
                      <tr key={l.sequence}>
                        <td>{l.sequence}</td>
                        <td>{l.participant}</td>
                        <td>{l.stratum}</td>
                        <td>{armLabel(l.arm)}</td>
                        <td>{dateTime(l.at)}</td>
                        <td>{l.by.replace(/^staff:|^participant:/, '')}</td>
                        <td>
                          {l.method === 'manual' ? `chosen by hand: ${l.reason ?? ''}` : l.method}
                          {l.void ? ` (unused: ${l.void.reason})` : ''}
                        </td>
                      </tr>
                    ))}
                  </tbody>
                </table>
              </div>
            )}
          </section>
        </>
      )}
    </>
  );
}
