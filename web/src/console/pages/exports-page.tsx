import { useState } from 'react';
import { PageTitle } from '../components/page-title';
import { Link, paths } from '../lib/router';
import type { StudySummary } from '../lib/types';
import { urlOf } from '../lib/client';

/** Every format GET /api/studies/:id/export offers (docs/exports.md); none carries contact details. */
const formats = [
  { format: 'long', name: 'Scores, long', file: 'CSV', csv: true, about: 'One row per participant × timepoint × instrument × scale, with status, band, provenance and timing (due, days from enrolment). The usual starting point for mixed models.' },
  { format: 'wide', name: 'Scores, wide', file: 'CSV', csv: true, about: 'One row per participant, one column per timepoint × instrument × scale, with each timepoint’s timing.' },
  { format: 'items', name: 'Item answers', file: 'CSV', csv: true, about: 'Every answer as the numeric code on the official form, one row per participant × timepoint.' },
  { format: 'codebook', name: 'Codebook', file: 'CSV', csv: true, about: 'Every column of the long, wide and items files: label, type, codes, instrument and licence.' },
  { format: 'codebook-json', name: 'Codebook', file: 'JSON', csv: false, about: 'The same codebook, machine-readable.' },
  { format: 'fhir', name: 'FHIR R4 QuestionnaireResponse', file: 'NDJSON', csv: false, about: 'Questionnaires and responses as FHIR resources, one per line.' },
] as const;

export function ExportsPage({ study }: { study: StudySummary }) {
  const [includeTest, setIncludeTest] = useState(false);
  const [excel, setExcel] = useState(false);
  const href = (format: string, csv: boolean) =>
    urlOf('get', '/api/studies/:studyId/export', {
      params: { studyId: study.id },
      query: { format, ...(includeTest ? { include_test: '1' } : {}), ...(csv && excel ? { bom: '1', delimiter: 'semicolon' } : {}) },
    });
  return (
    <>
      <PageTitle title="Exports">
        <p className="muted">{study.name}: scored, analysis-ready data. Exports never include contact details; each download is recorded in the audit log.</p>
      </PageTitle>
      <section className="card" aria-labelledby="downloads-heading">
        <h2 id="downloads-heading">Downloads</h2>
        <fieldset>
          <legend>Options</legend>
          <div className="check">
            <input id="export-include-test" type="checkbox" checked={includeTest} onChange={(e) => setIncludeTest(e.target.checked)} />
            <label htmlFor="export-include-test">Include test participants (a last column, test, says which rows are theirs)</label>
          </div>
          <div className="check">
            <input id="export-excel" type="checkbox" checked={excel} onChange={(e) => setExcel(e.target.checked)} />
            <label htmlFor="export-excel">CSV for Excel in Europe: semicolon-separated, with a byte-order mark (numbers keep the decimal point &quot;.&quot;)</label>
          </div>
        </fieldset>
        <ul className="download-list">
          {formats.map((f) => (
            <li key={f.format}>
              <a className="button" href={href(f.format, f.csv)} download>
                Download {f.name} ({f.file})
              </a>
              <p className="hint">{f.about}</p>
            </li>
          ))}
        </ul>
      </section>
      <section className="card" aria-labelledby="summary-link-heading">
        <h2 id="summary-link-heading">Outcome summary</h2>
        <p>
          Baseline and follow-up by arm, within-arm change and each arm against the reference, as a table, CSV or figure: <Link to={paths.section(study.id, 'summary')}>open the outcome summary</Link>.
        </p>
      </section>
    </>
  );
}
