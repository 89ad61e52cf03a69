import { useState } from 'react';
import { SelectField, TextAreaField, TextField } from '../../components/field';
import { Done, FormErrors } from '../../components/notices';
import { fieldErrors } from '../../lib/http';
import type { Study } from '../../lib/types';
import { call, send } from '../../lib/client';

const exampleScreener = {
  elements: [
    { type: 'boolean', name: 'adult', title: 'Are you 18 or older?', isRequired: true },
    { type: 'boolean', name: 'chronic_pain', title: 'Have you had pain on most days for three months or more?', isRequired: true },
  ],
};

/** The public self-enrolment link: on or off, its screener (SurveyJS JSON), the eligibility rule, and where arms and strata come from. */
export function JoinSettings({ study, onSaved }: { study: Study; onSaved: () => void }) {
  const join = study.join;
  const [enabled, setEnabled] = useState(join?.enabled ?? false);
  const [screener, setScreener] = useState(() => JSON.stringify(join?.screener ?? exampleScreener, null, 2));
  const [eligibility, setEligibility] = useState(join?.eligibility ?? '{adult} = true and {chronic_pain} = true');
  const [arm, setArm] = useState(join?.arm ?? '');
  const [strata, setStrata] = useState<Record<string, string>>(join?.strata ?? {});
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<unknown>(undefined);
  const [saved, setSaved] = useState(false);
  const errors = fieldErrors(error);
  const allocates = study.allocation !== undefined;
  const link = `${window.location.origin}/join/${study.id}`;
  return (
    <section className="card" aria-labelledby="join-heading">
      <h2 id="join-heading">Self-enrolment</h2>
      <p>
        A public link where people check their eligibility, verify their email address, {study.consent ? 'give consent, ' : ''}
        {allocates ? 'are allocated, ' : ''}and start their first questionnaires. People found ineligible leave only a count.
      </p>
      {join?.enabled && (
        <p>
          Open at <a href={link}>{link}</a>
        </p>
      )}
      <form
        noValidate
        onSubmit={(e) => {
          e.preventDefault();
          setSaved(false);
          let form: unknown;
          try {
            form = JSON.parse(screener);
          } catch {
            setError(new Error('The screener is not valid JSON.'));
            return;
          }
          setBusy(true);
          setError(undefined);
          const body = { join: { enabled, screener: form, eligibility, ...(arm ? { arm } : {}), strata: Object.fromEntries(Object.entries(strata).filter(([, q]) => q !== '')) } };
          send(call('put', '/api/studies/:studyId/settings', { params: { studyId: study.id }, body }))
            .then(() => {
              setSaved(true);
              onSaved();
            }, setError)
            .finally(() => setBusy(false));
        }}
      >
        <FormErrors error={error} inputFor={(f) => ({ 'join.screener': 'join-screener', 'join.eligibility': 'join-eligibility', 'join.arm': 'join-arm' })[f] ?? (f.startsWith('join.strata.') ? `join-strata-${f.slice(12)}` : undefined)} />
        <div className="check-field">
          <input id="join-enabled" type="checkbox" checked={enabled} onChange={(e) => setEnabled(e.target.checked)} />
          <label htmlFor="join-enabled">The join link is open</label>
        </div>
        <TextAreaField id="join-screener" className="code" label="Eligibility screener (SurveyJS JSON)" rows={10} spellCheck={false} value={screener} error={errors['join.screener']} onChange={(e) => setScreener(e.target.value)} />
        <TextField id="join-eligibility" label="Eligible when (a SurveyJS expression)" hint="e.g. {age} >= 18 and {chronic_pain} = true" value={eligibility} error={errors['join.eligibility']} onChange={(e) => setEligibility(e.target.value)} />
        {!allocates && (
          <SelectField id="join-arm" label="Arm self-enrolled participants join" value={arm} error={errors['join.arm']} onChange={(e) => setArm(e.target.value)}>
            <option value="">Choose…</option>
            {study.arms.map((a) => (
              <option key={a.id} value={a.id}>
                {a.label} ({a.id})
              </option>
            ))}
          </SelectField>
        )}
        {study.allocation?.strata.map((factor) => (
          <TextField
            key={factor}
            id={`join-strata-${factor}`}
            label={`Screener question giving “${factor}”`}
            hint={`Its answers must be the levels: ${(study.allocation?.levels[factor] ?? []).join(', ')}`}
            value={strata[factor] ?? ''}
            error={errors[`join.strata.${factor}`]}
            onChange={(e) => setStrata({ ...strata, [factor]: e.target.value })}
          />
        ))}
        <div className="actions">
          <button type="submit" disabled={busy}>
            Save self-enrolment
          </button>
        </div>
      </form>
      {saved && <Done>Self-enrolment saved.</Done>}
    </section>
  );
}
