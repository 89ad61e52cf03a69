import { useRef, useState, type MouseEvent } from 'react';
import type { ApiErrorBody } from '../../shared/api';
import { PageTitle } from '../components/page-title';
import { ApiError, errorMessage } from '../lib/http';
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

/** A download under way or just ended, as the page reports it. */
type DownloadState =
  | { name: string; phase: 'receiving'; bytes: number; participants: number | null }
  | { name: string; phase: 'saved'; bytes: number; filename: string }
  | { name: string; phase: 'failed'; message: string };

const megabytes = (bytes: number) => `${(bytes / 1_000_000).toLocaleString('en-GB', { minimumFractionDigits: 1, maximumFractionDigits: 1 })} MB`;

/**
 * Fetches an export as it streams (a large study's file takes a while: in AWS, past the first 6 MB
 * it arrives at about 2 MB/s), reporting what has arrived, then saves it under the server's file
 * name. A download cut short by a server failure ends in an error and is never saved, so a
 * truncated file cannot pass for a complete one.
 */
async function downloadExport(url: string, report: (bytes: number, participants: number | null) => void): Promise<{ filename: string; bytes: number }> {
  const response = await fetch(url, { credentials: 'same-origin' });
  if (!response.ok) {
    const body = (await response.json().catch(() => null)) as ApiErrorBody | null;
    throw new ApiError(response.status, body);
  }
  const participants = Number(response.headers.get('x-export-participants') ?? Number.NaN);
  const filename = /filename="([^"]+)"/.exec(response.headers.get('content-disposition') ?? '')?.[1] ?? 'export';
  const chunks: Uint8Array[] = [];
  let bytes = 0;
  const reader = response.body!.getReader();
  for (let read = await reader.read(); !read.done; read = await reader.read()) {
    chunks.push(read.value);
    bytes += read.value.byteLength;
    report(bytes, Number.isFinite(participants) ? participants : null);
  }
  const link = document.createElement('a');
  link.href = URL.createObjectURL(new Blob(chunks as BlobPart[], { type: response.headers.get('content-type') ?? 'application/octet-stream' }));
  link.download = filename;
  document.body.append(link);
  link.click();
  link.remove();
  setTimeout(() => URL.revokeObjectURL(link.href), 60_000);
  return { filename, bytes };
}

export function ExportsPage({ study }: { study: StudySummary }) {
  const [includeTest, setIncludeTest] = useState(false);
  const [excel, setExcel] = useState(false);
  const [download, setDownload] = useState<DownloadState | null>(null);
  const busy = useRef(false);
  const href = (format: string, csv: boolean) =>
    urlOf('get', '/api/studies/:studyId/export', {
      params: { studyId: study.id },
      query: { format, ...(includeTest ? { include_test: '1' } : {}), ...(csv && excel ? { bom: '1', delimiter: 'semicolon' } : {}) },
    });
  const start = (event: MouseEvent<HTMLAnchorElement>, name: string) => {
    event.preventDefault();
    if (busy.current) return;
    busy.current = true;
    const url = event.currentTarget.href;
    setDownload({ name, phase: 'receiving', bytes: 0, participants: null });
    downloadExport(url, (bytes, participants) => setDownload({ name, phase: 'receiving', bytes, participants }))
      .then(({ filename, bytes }) => setDownload({ name, phase: 'saved', bytes, filename }))
      .catch((error: unknown) => setDownload({ name, phase: 'failed', message: errorMessage(error) }))
      .finally(() => (busy.current = false));
  };
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
              <a className="button" href={href(f.format, f.csv)} download onClick={(e) => start(e, `${f.name} (${f.file})`)} aria-disabled={download?.phase === 'receiving' ? true : undefined}>
                Download {f.name} ({f.file})
              </a>
              <p className="hint">{f.about}</p>
            </li>
          ))}
        </ul>
        <div role="status" aria-live="polite" className="download-status">
          {download?.phase === 'receiving' && (
            <>
              <progress aria-label={`Downloading ${download.name}`} />
              <p>
                Downloading {download.name}: {megabytes(download.bytes)} received
                {download.participants !== null ? `, a study of ${download.participants.toLocaleString('en-GB')} participants` : ''}. Keep this page open.
              </p>
            </>
          )}
          {download?.phase === 'saved' && (
            <p>
              Saved {download.filename} ({megabytes(download.bytes)}).
            </p>
          )}
          {download?.phase === 'failed' && (
            <p className="error">
              The download of {download.name} failed: {download.message.replace(/\.$/, '')}. Nothing was saved; try again.
            </p>
          )}
        </div>
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
