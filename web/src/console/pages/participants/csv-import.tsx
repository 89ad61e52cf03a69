import { useId, useState } from 'react';
import { ErrorNotice } from '../../components/notices';
import { importCsv, startImport } from '../../lib/http';
import { plural } from '../../lib/format';
import type { CreatedImportJob, ImportReport, StudySummary } from '../../lib/types';
import { ImportProgress } from './import-progress';
import { RowProblemsTable } from './row-problems-table';

/**
 * Bulk enrolment: pick a CSV, check it (a dry run that writes nothing), read the report row by
 * row, and only when every row is valid, import. The import runs in the background on the server;
 * its progress and result show below (ImportProgress). Changing the file starts over.
 */
export function CsvImport({ study, onImported }: { study: StudySummary; onImported: () => void }) {
  const fileId = useId();
  const [file, setFile] = useState<{ name: string; text: string } | null>(null);
  const [check, setCheck] = useState<ImportReport | null>(null);
  const [job, setJob] = useState<CreatedImportJob | null>(null);
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<unknown>(undefined);

  const run = async (dryRun: boolean) => {
    if (file === null) return;
    setBusy(true);
    setError(undefined);
    try {
      if (dryRun) setCheck(await importCsv(study.id, file.text, true));
      else {
        const started = await startImport(study.id, file.text);
        // A row taken since the check: the report again, nothing enrolled.
        if ('report' in started) setCheck(started.report);
        else {
          setJob(started.job);
          setCheck(null);
        }
      }
    } catch (e) {
      setError(e);
    } finally {
      setBusy(false);
    }
  };

  const problems = check?.rows.flatMap((r) => r.problems.map((p) => ({ row: r.row, ...p }))) ?? [];

  return (
    <section className="card" aria-labelledby="import-heading">
      <h2 id="import-heading">Import participants from a CSV file</h2>
      <p className="hint">
        Header row with <code>email</code> and <code>arm</code>, optionally <code>code</code>, <code>timezone</code> and <code>enrolment_date</code> (YYYY-MM-DD). Arms in this study:{' '}
        {study.arms.map((a) => a.id).join(', ')}. Nothing is enrolled until every row is valid.
      </p>
      <div className="field">
        <label htmlFor={fileId}>Participants CSV file</label>
        <input
          id={fileId}
          type="file"
          accept=".csv,text/csv"
          onChange={(e) => {
            const picked = e.target.files?.[0];
            setCheck(null);
            setJob(null);
            setError(undefined);
            if (!picked) return setFile(null);
            void picked.text().then((text) => setFile({ name: picked.name, text }));
          }}
        />
      </div>
      <div className="actions">
        <button type="button" className="secondary" disabled={file === null || busy} onClick={() => void run(true)}>
          Check file
        </button>
        {check !== null && check.invalid === 0 && job === null && (
          <button type="button" disabled={busy} onClick={() => void run(false)}>
            Import {plural(check.valid, 'participant')}
          </button>
        )}
      </div>
      <ErrorNotice error={error} />
      {check !== null && (
        <div role="status" className={check.invalid === 0 ? 'notice notice-ok' : 'notice notice-warn'}>
          <p>
            <strong>Checked {file?.name}:</strong> {plural(check.rows.length, 'row')}, {check.valid} valid, {check.invalid} with problems.{' '}
            {check.invalid === 0 ? 'Nothing has been enrolled yet: import when ready.' : 'Fix the rows below in your file, choose it again and check again. Nothing was enrolled.'}
          </p>
        </div>
      )}
      {problems.length > 0 && <RowProblemsTable problems={problems} caption="Problems found, by row" captionId="import-problems" />}
      {job !== null && <ImportProgress studyId={study.id} job={job} fileName={file?.name ?? 'the file'} onDone={onImported} />}
    </section>
  );
}
