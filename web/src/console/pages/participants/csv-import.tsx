import { useId, useState } from 'react';
import { Done, ErrorNotice } from '../../components/notices';
import { importCsv } from '../../lib/http';
import { plural } from '../../lib/format';
import { Link, paths } from '../../lib/router';
import type { ImportReport, StudySummary } from '../../lib/types';

/**
 * Bulk enrolment: pick a CSV, check it (a dry run that writes nothing), read the report row by
 * row, and only when every row is valid, import. Changing the file starts over.
 */
export function CsvImport({ study, onImported }: { study: StudySummary; onImported: () => void }) {
  const fileId = useId();
  const [file, setFile] = useState<{ name: string; text: string } | null>(null);
  const [check, setCheck] = useState<ImportReport | null>(null);
  const [result, setResult] = useState<ImportReport | null>(null);
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<unknown>(undefined);

  const run = async (dryRun: boolean) => {
    if (file === null) return;
    setBusy(true);
    setError(undefined);
    try {
      const report = await importCsv(study.id, file.text, dryRun);
      if (dryRun) setCheck(report);
      else {
        setResult(report);
        setCheck(null);
        onImported();
      }
    } catch (e) {
      setError(e);
    } finally {
      setBusy(false);
    }
  };

  const problems = (check ?? result)?.rows.flatMap((r) => r.problems.map((p) => ({ row: r.row, line: r.row + 1, ...p }))) ?? [];

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
            setResult(null);
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
        {check !== null && check.invalid === 0 && (
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
      {problems.length > 0 && (
        <div className="table-wrap" role="region" aria-labelledby="import-problems" tabIndex={0}>
          <table>
            <caption id="import-problems">Problems found, by row</caption>
            <thead>
              <tr>
                <th scope="col">Row</th>
                <th scope="col">Column</th>
                <th scope="col">Problem</th>
              </tr>
            </thead>
            <tbody>
              {problems.map((p, i) => (
                <tr key={i}>
                  <td>
                    {p.row} <span className="muted">(line {p.line})</span>
                  </td>
                  <td>
                    <code>{p.column}</code>
                  </td>
                  <td>{p.message}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
      {result !== null && (
        <>
          <Done>
            Imported: {plural(result.enrolled, 'participant')} enrolled{result.invalid > 0 ? `, ${result.invalid} not (see the problems above)` : ''}.
          </Done>
          <div className="table-wrap" role="region" aria-labelledby="import-enrolled" tabIndex={0}>
            <table>
              <caption id="import-enrolled">Enrolled from {file?.name}</caption>
              <thead>
                <tr>
                  <th scope="col">Row</th>
                  <th scope="col">Code</th>
                  <th scope="col">Arm</th>
                </tr>
              </thead>
              <tbody>
                {result.rows
                  .filter((r) => r.enrolledAs)
                  .map((r) => (
                    <tr key={r.row}>
                      <td>{r.row}</td>
                      <td>
                        <Link to={paths.participant(study.id, r.enrolledAs!)}>{r.enrolledAs}</Link>
                      </td>
                      <td>{r.arm}</td>
                    </tr>
                  ))}
              </tbody>
            </table>
          </div>
        </>
      )}
    </section>
  );
}
