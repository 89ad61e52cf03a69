import { useState } from 'react';
import { SelectField, TextField } from '../../components/field';
import { Done, FormErrors } from '../../components/notices';
import { api, fieldErrors, studyPath } from '../../lib/http';
import { dateTime } from '../../lib/format';
import { Link, paths } from '../../lib/router';
import type { StudySummary } from '../../lib/types';

const inputs: Record<string, string> = { email: 'p-email', arm: 'p-arm', timezone: 'p-tz', enrolledOn: 'p-date', code: 'p-code', language: 'p-language', test: 'p-test' };

/** Enrol one participant; says when their first invitation goes out. */
export function EnrolForm({ study, onEnrolled }: { study: StudySummary; onEnrolled: () => void }) {
  const [email, setEmail] = useState('');
  const [arm, setArm] = useState(study.arms[0]?.id ?? '');
  const [timezone, setTimezone] = useState(study.timezone);
  const [enrolledOn, setEnrolledOn] = useState('');
  const [language, setLanguage] = useState<'en' | 'fr'>('en');
  const [test, setTest] = useState(false);
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<unknown>(undefined);
  const [result, setResult] = useState<{ code: string; firstInvitationAt: string | null; timezone: string; warnings: string[]; test: boolean } | null>(null);
  const errors = fieldErrors(error);

  return (
    <section className="card" aria-labelledby="enrol-heading">
      <h2 id="enrol-heading">Enrol a participant</h2>
      <form
        noValidate
        onSubmit={(e) => {
          e.preventDefault();
          setError(undefined);
          setResult(null);
          setBusy(true);
          api<{ code: string; firstInvitationAt: string | null; warnings?: string[] }>(studyPath(study.id, '/participants'), {
            method: 'POST',
            body: { email, arm, timezone, language, ...(enrolledOn ? { enrolledOn } : {}), ...(test ? { test: true } : {}) },
          })
            .then((r) => {
              setResult({ ...r, warnings: r.warnings ?? [], timezone, test });
              setEmail('');
              setEnrolledOn('');
              setTest(false);
              onEnrolled();
            }, setError)
            .finally(() => setBusy(false));
        }}
      >
        <FormErrors error={error} inputFor={(f) => inputs[f]} />
        <div className="grid-2">
          <TextField id="p-email" label="Email (kept apart from research data)" type="email" autoComplete="off" required value={email} error={errors.email} onChange={(e) => setEmail(e.target.value)} />
          <SelectField id="p-arm" label="Arm" value={arm} error={errors.arm} onChange={(e) => setArm(e.target.value)}>
            {study.arms.map((a) => (
              <option key={a.id} value={a.id}>
                {a.label} ({a.id})
              </option>
            ))}
          </SelectField>
          <TextField id="p-tz" label="Time zone" hint="IANA name, e.g. Europe/London" value={timezone} error={errors.timezone} onChange={(e) => setTimezone(e.target.value)} />
          <TextField id="p-date" label="Enrolment date (optional)" hint="Leave empty for today" type="date" value={enrolledOn} error={errors.enrolledOn} onChange={(e) => setEnrolledOn(e.target.value)} />
          <SelectField id="p-language" label="Language" hint="Of their emails and questionnaires" value={language} error={errors.language} onChange={(e) => setLanguage(e.target.value as 'en' | 'fr')}>
            <option value="en">English</option>
            <option value="fr">French (français)</option>
          </SelectField>
        </div>
        <div className="check">
          <input id="p-test" type="checkbox" checked={test} aria-describedby="p-test-hint" onChange={(e) => setTest(e.target.checked)} />
          <label htmlFor="p-test">Test participant</label>
        </div>
        <p id="p-test-hint" className="hint">
          E.g. your own address, to try the study out: their emails say it is a test, they are left out of exports, the summary and the dashboard&apos;s counts, and
          time travel (<code>npx timepoint dispatch --now</code>) may act on them.
        </p>
        <div className="actions">
          <button type="submit" disabled={busy}>
            Enrol
          </button>
        </div>
      </form>
      {result && (
        <Done>
          Enrolled {result.test ? 'test participant' : 'as'} <Link to={paths.participant(study.id, result.code)}>{result.code}</Link>.{' '}
          {result.firstInvitationAt === null ? 'No invitation is planned for this arm.' : `First invitation: ${dateTime(result.firstInvitationAt, result.timezone)} (the participant's time).`}
        </Done>
      )}
      {result && result.warnings.length > 0 && (
        <div className="notice notice-warn" role="alert">
          {result.warnings.map((w, i) => (
            <p key={i}>{w}</p>
          ))}
        </div>
      )}
    </section>
  );
}
