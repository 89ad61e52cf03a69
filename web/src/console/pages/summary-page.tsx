import { useState } from 'react';
import { SelectField } from '../components/field';
import { Empty, ErrorNotice, Loading } from '../components/notices';
import { ConsortFlow } from '../components/consort-flow';
import { PageTitle } from '../components/page-title';
import { num } from '../lib/format';
import type { StudySummary, SummaryRow } from '../lib/types';
import { useApi } from '../lib/use-api';
import { call, urlOf } from '../lib/client';

const ci = (low: number | null, high: number | null) => (low === null || high === null ? '' : ` [${num(low)}, ${num(high)}]`);
const meanSd = (d: { n: number; mean: number | null; sd: number | null } | null) => (d === null ? 'not measured' : d.mean === null ? '—' : `${num(d.mean)} (${num(d.sd)})`);

/** The outcome summary (GET …/summary): a results table from the JSON, the figure from the SVG, and the CSV. */
export function SummaryPage({ study }: { study: StudySummary }) {
  const full = useApi(call('get', '/api/studies/:studyId', { params: { studyId: study.id } }));
  const [followup, setFollowup] = useState('');
  const [reference, setReference] = useState('');
  const [includeTest, setIncludeTest] = useState(false);
  const query = { followup, reference, ...(includeTest ? { include_test: '1' as const } : {}) };
  const url = (format: 'json' | 'csv' | 'svg') => urlOf('get', '/api/studies/:studyId/summary', { params: { studyId: study.id }, query: { format, ...query } });
  const summary = useApi(call('get', '/api/studies/:studyId/summary', { params: { studyId: study.id }, query: { format: 'json', ...query } }));
  const data = summary.data;
  // The summary lists timepoints in schedule order (when they happen), the first being the baseline.
  const protocolTimepoints = full.data?.protocol.timepoints ?? [];
  const timepoints = (data?.timepoints ?? []).flatMap((id) => protocolTimepoints.filter((t) => t.id === id));
  const armLabel = (id: string) => study.arms.find((a) => a.id === id)?.label ?? id;

  return (
    <>
      <PageTitle title="Outcome summary">
        <p className="muted">{study.name}: completed, scored questionnaires only; excluded rows are counted, never imputed.</p>
      </PageTitle>
      <section className="card" aria-labelledby="summary-options-heading">
        <h2 id="summary-options-heading">Comparison</h2>
        <div className="grid-3">
          <SelectField id="summary-followup" label="Follow-up timepoint" value={followup} onChange={(e) => setFollowup(e.target.value)}>
            <option value="">Default (the reference arm's last timepoint)</option>
            {timepoints.slice(1).map((t) => (
              <option key={t.id} value={t.id}>
                {t.label} ({t.id})
              </option>
            ))}
          </SelectField>
          <SelectField id="summary-reference" label="Reference arm" value={reference} onChange={(e) => setReference(e.target.value)}>
            <option value="">Default (the first arm with a follow-up)</option>
            {study.arms.map((a) => (
              <option key={a.id} value={a.id}>
                {a.label} ({a.id})
              </option>
            ))}
          </SelectField>
        </div>
        <div className="check">
          <input id="summary-include-test" type="checkbox" checked={includeTest} onChange={(e) => setIncludeTest(e.target.checked)} />
          <label htmlFor="summary-include-test">
            Count test participants too{data && data.testParticipants.count > 0 ? ` (${data.testParticipants.count} in this study)` : ''}
          </label>
        </div>
        <p className="actions">
          <a className="button secondary" href={url('csv')} download>
            Download summary (CSV)
          </a>
          <a className="button secondary" href={url('svg')} target="_blank" rel="noreferrer">
            Open the figure (SVG)
          </a>
        </p>
      </section>
      <ErrorNotice error={summary.error} />
      {data?.consort && <ConsortFlow consort={data.consort} headingId="summary-consort-heading" armLabel={armLabel} />}
      {data === undefined ? (
        summary.error ? null : <Loading />
      ) : data.rows.length === 0 ? (
        <Empty>No scored questionnaires yet.</Empty>
      ) : (
        <>
          <section className="card" aria-labelledby="results-heading">
            <h2 id="results-heading">Results</h2>
            <p className="muted">
              Baseline <strong>{data.baseline}</strong>, follow-up <strong>{data.followup}</strong>, reference arm <strong>{armLabel(data.reference)}</strong>. Mean (SD); change with its {Math.round(data.confidence * 100)}% CI; d<sub>z</sub> = mean change / SD of change.
            </p>
            <ResultsTable rows={data.rows} armLabel={armLabel} confidence={data.confidence} />
          </section>
          <section className="card" aria-labelledby="figure-heading">
            <h2 id="figure-heading">Figure</h2>
            <img className="summary-figure" src={url('svg')} alt={`Mean of each scale at each timepoint by arm, with ${Math.round(data.confidence * 100)}% confidence intervals. The numbers are in the results table above.`} />
          </section>
        </>
      )}
    </>
  );
}

function ResultsTable({ rows, armLabel, confidence }: { rows: SummaryRow[]; armLabel: (id: string) => string; confidence: number }) {
  const level = `${Math.round(confidence * 100)}% CI`;
  return (
    <div className="table-wrap" role="region" aria-labelledby="results-caption" tabIndex={0}>
      <table className="compact">
        <caption id="results-caption">Outcome summary by instrument, scale and arm</caption>
        <thead>
          <tr>
            <th scope="col">Scale</th>
            <th scope="col">Arm</th>
            <th scope="col" className="number">
              n baseline
            </th>
            <th scope="col" className="number">
              Baseline mean (SD)
            </th>
            <th scope="col" className="number">
              n follow-up
            </th>
            <th scope="col" className="number">
              Follow-up mean (SD)
            </th>
            <th scope="col" className="number">
              Change [{level}]
            </th>
            <th scope="col" className="number">
              d<sub>z</sub>
            </th>
            <th scope="col" className="number">
              Difference vs reference [{level}]
            </th>
          </tr>
        </thead>
        <tbody>
          {rows.map((r) => (
            <tr key={`${r.instrument}/${r.scale}/${r.arm}`}>
              <th scope="row" className="nowrap">
                {r.instrument} · {r.scale}
              </th>
              <td>{armLabel(r.arm)}</td>
              <td className="number">{r.baseline.n}</td>
              <td className="number">{meanSd(r.baseline)}</td>
              <td className="number">{r.followup?.n ?? '—'}</td>
              <td className="number">{meanSd(r.followup)}</td>
              <td className="number">{r.change === null ? '—' : `${num(r.change.mean)}${ci(r.change.ciLow, r.change.ciHigh)}`}</td>
              <td className="number">{num(r.change?.dz)}</td>
              <td className="number">{r.vsReference === null ? (r.followup === null ? '—' : 'reference') : `${num(r.vsReference.difference)}${ci(r.vsReference.ciLow, r.vsReference.ciHigh)}`}</td>
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}
