import { PageTitle } from '../components/page-title';
import { studyPath } from '../lib/http';
import { Link, paths } from '../lib/router';
import type { StudySummary } from '../lib/types';

/** Every format GET /api/studies/:id/export offers (docs/exports.md); none carries contact details. */
const formats = [
  { format: 'long', name: 'Scores, long', file: 'CSV', about: 'One row per participant × timepoint × instrument × scale, with status, band and provenance. The usual starting point for mixed models.' },
  { format: 'wide', name: 'Scores, wide', file: 'CSV', about: 'One row per participant, one column per timepoint × instrument × scale.' },
  { format: 'items', name: 'Item answers', file: 'CSV', about: 'Every answer as the numeric code on the official form, one row per participant × timepoint.' },
  { format: 'codebook', name: 'Codebook', file: 'CSV', about: 'Every column of the long, wide and items files: label, type, codes, instrument and licence.' },
  { format: 'codebook-json', name: 'Codebook', file: 'JSON', about: 'The same codebook, machine-readable.' },
  { format: 'fhir', name: 'FHIR R4 QuestionnaireResponse', file: 'NDJSON', about: 'Questionnaires and responses as FHIR resources, one per line.' },
] as const;

export function ExportsPage({ study }: { study: StudySummary }) {
  return (
    <>
      <PageTitle title="Exports">
        <p className="muted">{study.name}: scored, analysis-ready data. Exports never include contact details; each download is recorded in the audit log.</p>
      </PageTitle>
      <section className="card" aria-labelledby="downloads-heading">
        <h2 id="downloads-heading">Downloads</h2>
        <ul className="download-list">
          {formats.map((f) => (
            <li key={f.format}>
              <a className="button" href={studyPath(study.id, `/export?format=${f.format}`)} download>
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
