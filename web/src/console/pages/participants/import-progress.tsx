import { useEffect, useState } from 'react';
import { ErrorNotice } from '../../components/notices';
import { importJob } from '../../lib/http';
import { plural } from '../../lib/format';
import { Link, paths } from '../../lib/router';
import type { CreatedImportJob, ImportJobView } from '../../lib/types';
import { RowProblemsTable } from './row-problems-table';

/** How often a running import is asked for its progress. */
const POLL_MS = 1500;

/**
 * An import running in the background: a progress bar (rows done of all) polled every second or
 * two, then the result — how many were enrolled, every row that was not with its reason, and the
 * codes given. The result is announced to screen readers when it arrives; the bar is not (it would
 * talk over everything every poll).
 */
export function ImportProgress({ studyId, job, fileName, onDone }: { studyId: string; job: CreatedImportJob; fileName: string; onDone: () => void }) {
  const [view, setView] = useState<ImportJobView | null>(null);
  const [error, setError] = useState<unknown>(undefined);

  useEffect(() => {
    let stopped = false;
    let timer: ReturnType<typeof setTimeout> | undefined;
    const poll = async () => {
      try {
        const next = await importJob(studyId, job.jobId);
        if (stopped) return;
        setView(next);
        setError(undefined);
        if (next.status === 'done') return onDone();
      } catch (e) {
        // A failed poll (the network, a restart) is shown, and polling goes on.
        if (!stopped) setError(e);
      }
      if (!stopped) timer = setTimeout(() => void poll(), POLL_MS);
    };
    void poll();
    return () => {
      stopped = true;
      clearTimeout(timer);
    };
    // onDone is the parent's; a new one must not restart polling.
  }, [studyId, job.jobId]);

  const rows = view?.rows ?? job.rows;
  const done = view?.done ?? 0;
  const finished = view?.status === 'done' ? view : null;
  const label = view === null || view.status === 'queued' ? 'Waiting to start' : finished ? 'Finished' : 'Enrolling';

  return (
    <div className="import-job">
      <p id={`import-progress-${job.jobId}`}>
        <strong>Importing {fileName}:</strong> {label}, {done} of {plural(rows, 'row')} done.
      </p>
      <div
        className="progress-bar"
        role="progressbar"
        aria-labelledby={`import-progress-${job.jobId}`}
        aria-valuemin={0}
        aria-valuemax={rows}
        aria-valuenow={done}
        aria-valuetext={`${done} of ${rows} rows done`}
      >
        <div className="progress-bar-fill" style={{ width: `${rows === 0 ? 100 : Math.round((done / rows) * 100)}%` }} />
      </div>
      <ErrorNotice error={error} />
      <div aria-live="polite" aria-atomic="true">
        {finished !== null && (
          <p className={finished.failed.length === 0 ? 'notice notice-ok' : 'notice notice-warn'}>
            Imported: {plural(finished.enrolled, 'participant')} enrolled
            {finished.failed.length > 0 ? `, ${plural(finished.failed.length, 'row')} not (see below: enrolled or changed by someone else after the check)` : ''}.
            {(finished.warnings ?? []).map((w) => ` ${w}`)}
          </p>
        )}
      </div>
      {finished !== null && finished.failed.length > 0 && (
        <RowProblemsTable problems={finished.failed.map((f) => ({ row: f.row, column: f.field, message: f.message }))} caption="Rows not enrolled" captionId="import-failed" />
      )}
      {finished !== null && (finished.enrolledRows ?? []).length > 0 && (
        <div className="table-wrap" role="region" aria-labelledby="import-enrolled" tabIndex={0}>
          <table>
            <caption id="import-enrolled">Enrolled from {fileName}</caption>
            <thead>
              <tr>
                <th scope="col">Row</th>
                <th scope="col">Code</th>
                <th scope="col">Arm</th>
              </tr>
            </thead>
            <tbody>
              {finished.enrolledRows!.map((r) => (
                <tr key={r.row}>
                  <td>{r.row}</td>
                  <td>
                    <Link to={paths.participant(studyId, r.code)}>{r.code}</Link>
                  </td>
                  <td>{r.arm}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
    </div>
  );
}
