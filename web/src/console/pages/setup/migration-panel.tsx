import { useCallback, useEffect, useState } from 'react';
import { Done, ErrorNotice } from '../../components/notices';
import { plural } from '../../lib/format';
import type { Study } from '../../lib/types';
import { MessageChangesTable, type MessageChange } from './message-changes-table';
import { call, send } from '../../lib/client';

interface MigrationPreview {
  version: number;
  participants: number;
  fromVersions: Record<string, number>;
  changes: MessageChange[];
}

/**
 * Participants on older protocol versions, and what moving them to the current one would add,
 * move or cancel: available whenever there are any, not only just after publishing.
 */
export function MigrationPanel({ study }: { study: Study }) {
  const version = study.protocol.version;
  const [preview, setPreview] = useState<MigrationPreview | null>(null);
  const [error, setError] = useState<unknown>(undefined);
  const [busy, setBusy] = useState(false);
  const [result, setResult] = useState<{ migrated: string[]; unchanged: string[] } | null>(null);
  const load = useCallback(() => {
    setError(undefined);
    send(call('post', '/api/studies/:studyId/protocol/migrate/preview', { params: { studyId: study.id }, body: { version } })).then(setPreview, setError);
  }, [study.id, version]);
  useEffect(load, [load]);

  if (preview === null) return <ErrorNotice error={error} />;
  return (
    <section aria-labelledby="migration-heading">
      <h3 id="migration-heading">Participants on older versions</h3>
      {result && (
        <Done>
          {plural(result.migrated.length, 'participant')} moved to version {version}; their unsent messages have been re-planned.
        </Done>
      )}
      {preview.participants === 0 ? (
        <p className="muted">Every active participant is on version {version}.</p>
      ) : (
        <>
          <p>
            {plural(preview.participants, 'active participant')} {preview.participants === 1 ? 'is' : 'are'} on an older version (
            {Object.entries(preview.fromVersions)
              .map(([v, n]) => `version ${v}: ${n}`)
              .join(', ')}
            ). Migrating them to version {version} would add, move or cancel {plural(preview.changes.length, 'message')}; what was already sent stays as it is.
          </p>
          {preview.changes.length > 0 && (
            <MessageChangesTable changes={preview.changes} caption="What migrating would change" captionId="migration-caption" />
          )}
          <div className="actions">
            <button
              type="button"
              disabled={busy}
              onClick={() => {
                setBusy(true);
                setError(undefined);
                send(call('post', '/api/studies/:studyId/protocol/migrate', { params: { studyId: study.id }, body: { version } }))
                  .then((r) => {
                    setResult(r);
                    load();
                  }, setError)
                  .finally(() => setBusy(false));
              }}
            >
              Migrate {plural(preview.participants, 'participant')} to version {version}
            </button>
          </div>
        </>
      )}
      <ErrorNotice error={error} />
    </section>
  );
}
