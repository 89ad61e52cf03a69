import { useState } from 'react';
import { Done, ErrorNotice } from '../../components/notices';
import { problemSentence } from '../../lib/field-names';
import { plural } from '../../lib/format';
import type { InstrumentInfo, Protocol, Study } from '../../lib/types';
import { timepointDraft, toProtocol, type TimepointDraft } from './drafts';
import { MessageChangesTable, type MessageChange } from './message-changes-table';
import { MigrationPanel } from './migration-panel';
import { protocolInputFor, ProtocolEditor } from './protocol-editor';
import { call, send } from '../../lib/client';

interface Problem {
  field: string;
  message: string;
}
interface Preview {
  ok: boolean;
  problems: Problem[];
  version?: number;
  participants?: number;
  changes: MessageChange[];
}

const idPrefix = 'protocol';
const inputFor = protocolInputFor(idPrefix, 'protocol.timepoints');

/**
 * Edit → check (validation report) → preview (what would be sent or moved) → publish the next
 * version → migrate participants to it. Any edit after a check sends you back to checking.
 */
export function ProtocolSection({ study, instruments, onPublished }: { study: Study; instruments: InstrumentInfo[]; onPublished: () => void }) {
  const [drafts, setDrafts] = useState<TimepointDraft[]>(() => study.protocol.timepoints.map(timepointDraft));
  const [report, setReport] = useState<Preview | null>(null);
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<unknown>(undefined);
  const [published, setPublished] = useState<Protocol | null>(null);

  const edit = (next: TimepointDraft[]) => {
    setDrafts(next);
    setReport(null);
  };
  const errors = Object.fromEntries((report?.problems ?? []).map((p) => [p.field, problemSentence(p.field, p.message)]));
  const act = async (work: () => Promise<void>) => {
    setBusy(true);
    setError(undefined);
    try {
      await work();
    } catch (e) {
      setError(e);
    } finally {
      setBusy(false);
    }
  };

  const check = () =>
    act(async () => {
      const body = { protocol: toProtocol(drafts) };
      const validation = await send(call('post', '/api/studies/:studyId/protocol/validate', { params: { studyId: study.id }, body }));
      if (!validation.ok) return setReport({ ...validation, changes: [] });
      setReport(await send(call('post', '/api/studies/:studyId/protocol/preview', { params: { studyId: study.id }, body })));
    });
  const publish = () =>
    act(async () => {
      const { protocol } = await send(call('put', '/api/studies/:studyId/protocol', { params: { studyId: study.id }, body: { protocol: toProtocol(drafts) } }));
      setPublished(protocol);
      setReport(null);
      onPublished();
    });

  return (
    <section className="card" aria-labelledby="protocol-heading">
      <h2 id="protocol-heading">Protocol (version {study.protocol.version})</h2>
      <p className="hint">
        Published versions never change: your edits become version {study.protocol.version + 1} when you publish, and participants stay on their version until you migrate them.
      </p>
      <ProtocolEditor idPrefix={idPrefix} drafts={drafts} onChange={edit} arms={study.arms} instruments={instruments} errors={errors} />
      <div className="actions">
        <button type="button" className="secondary" disabled={busy} onClick={() => void check()}>
          Check and preview changes
        </button>
      </div>
      <ErrorNotice error={error} />
      {report && !report.ok && (
        <div className="notice notice-error" role="alert">
          <p>
            <strong>{plural(report.problems.length, 'problem')} to fix before publishing:</strong>
          </p>
          <ul>
            {report.problems.map((p, i) => {
              const input = inputFor(p.field);
              return (
                <li key={i}>
                  {input ? <a href={`#${input}`}>{problemSentence(p.field, p.message)}</a> : problemSentence(p.field, p.message)}
                </li>
              );
            })}
          </ul>
        </div>
      )}
      {report?.ok && (
        <div className="notice notice-ok" role="status">
          <p>
            <strong>The protocol is valid.</strong> Publishing it as version {report.version} and migrating the {plural(report.participants ?? 0, 'active participant')} on version{' '}
            {study.protocol.version} would add or move {plural(report.changes.length, 'message')}.
          </p>
        </div>
      )}
      {report?.ok && report.changes.length > 0 && <MessageChangesTable changes={report.changes} caption="Messages that would be added or moved" captionId="changes-caption" />}
      {report?.ok && (
        <div className="actions">
          <button type="button" disabled={busy} onClick={() => void publish()}>
            Publish as version {report.version}
          </button>
        </div>
      )}
      {published && <Done>Published version {published.version}. New enrolments use it; existing participants stay on their version until migrated (below).</Done>}
      {/* Keyed by the version: published meanwhile, it reads again what would move. */}
      <MigrationPanel key={study.protocol.version} study={study} />
    </section>
  );
}
