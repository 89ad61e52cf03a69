import { useState } from 'react';
import { TextAreaField } from '../../components/field';
import { Done, FormErrors } from '../../components/notices';
import { fieldErrors } from '../../lib/http';
import { useSession } from '../../lib/session';
import type { Study } from '../../lib/types';
import { call, send } from '../../lib/client';

const example = (study: Study) => ({
  method: 'blocked',
  arms: Object.fromEntries(study.arms.slice(0, 2).map((a) => [a.id, 1])),
  blockSizes: [4, 6],
  strata: ['site'],
  levels: { site: ['site_a', 'site_b'] },
});

/**
 * The study's concealed allocation (docs/randomisation.md). Admins set it, as JSON, until the
 * first participant is allocated; everyone else sees the design without the block sizes.
 */
export function AllocationSettings({ study, onSaved }: { study: Study; onSaved: () => void }) {
  const { me } = useSession();
  const [json, setJson] = useState(() => JSON.stringify(study.allocation ?? example(study), null, 2));
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<unknown>(undefined);
  const [saved, setSaved] = useState(false);
  const errors = fieldErrors(error);
  const allocation = study.allocation;
  const summary = allocation ? (
    <p>
      {allocation.method === 'blocked' ? 'Permuted blocks of random size' : `Pocock–Simon minimisation (p = ${allocation.probability ?? 0.8}, ${allocation.imbalance ?? 'range'})`} over{' '}
      {Object.entries(allocation.arms).map(([arm, ratio]) => `${arm} (${ratio})`).join(' : ')}
      {allocation.strata.length > 0 ? `, by ${allocation.strata.join(' × ')}` : ''}.{' '}
      {allocation.method === 'blocked' && (allocation.blockSizes ? `Block sizes ${allocation.blockSizes.join(', ')}.` : 'Block sizes are shown to admins only.')}
    </p>
  ) : (
    <p>This study does not allocate: coordinators choose every participant’s arm.</p>
  );
  return (
    <section className="card" aria-labelledby="allocation-heading">
      <h2 id="allocation-heading">Randomisation</h2>
      {summary}
      {me.role !== 'admin' ? (
        <p className="muted">Only an admin may set or change the allocation. It is frozen once anyone has been allocated.</p>
      ) : (
        <form
          noValidate
          onSubmit={(e) => {
            e.preventDefault();
            setSaved(false);
            let allocation: unknown;
            try {
              allocation = json.trim() === '' ? null : JSON.parse(json);
            } catch {
              setError(new Error('The allocation is not valid JSON.'));
              return;
            }
            setBusy(true);
            setError(undefined);
            send(call('put', '/api/studies/:studyId/settings', { params: { studyId: study.id }, body: { allocation } }))
              .then(() => {
                setSaved(true);
                onSaved();
              }, setError)
              .finally(() => setBusy(false));
          }}
        >
          <FormErrors error={error} inputFor={(f) => (f.startsWith('allocation') ? 'allocation-json' : undefined)} />
          <TextAreaField
            id="allocation-json"
            className="code"
            label="Allocation (JSON)"
            hint={'method "blocked" (with blockSizes) or "minimisation" (with probability, default 0.8); arms and their ratios; strata factors and their levels. Empty removes it. Frozen after the first allocation.'}
            rows={12}
            spellCheck={false}
            value={json}
            error={Object.entries(errors).find(([f]) => f.startsWith('allocation'))?.[1]}
            onChange={(e) => setJson(e.target.value)}
          />
          <div className="actions">
            <button type="submit" disabled={busy}>
              Save allocation
            </button>
          </div>
        </form>
      )}
      {saved && <Done>Allocation saved.</Done>}
    </section>
  );
}
