import { useState } from 'react';
import { useSession } from '../../lib/session';
import { useApi } from '../../lib/use-api';
import { SelectField, TextField } from '../../components/field';
import { Done, FormErrors } from '../../components/notices';
import { fieldErrors } from '../../lib/http';
import { dateTime } from '../../lib/format';
import { Link, paths } from '../../lib/router';
import type { StudySummary } from '../../lib/types';
import { call, send } from '../../lib/client';
import { can } from '../../lib/roles';

const inputs: Record<string, string> = {
  email: 'p-email',
  arm: 'p-arm',
  timezone: 'p-tz',
  enrolledOn: 'p-date',
  code: 'p-code',
  armReason: 'p-arm-reason',
  language: 'p-language',
  test: 'p-test',
};
/** The arm select's value for "let the study allocate". */
const ALLOCATE = '';

/** Enrol one participant; says when their first invitation goes out. */
export function EnrolForm({ study, onEnrolled }: { study: StudySummary; onEnrolled: () => void }) {
  const { me } = useSession();
  // The full study says whether (and how) it allocates: its factors and their levels.
  const full = useApi(call('get', '/api/studies/:studyId', { params: { studyId: study.id } }));
  const allocation = full.data?.allocation;
  const randomised = allocation ? Object.keys(allocation.arms) : [];
  const [email, setEmail] = useState('');
  const [chosenArm, setArm] = useState<string | null>(null);
  const [test, setTest] = useState(false);
  // A test participant is never allocated (it would take a real place in the sequence): their arm is chosen.
  const picked = chosenArm ?? (allocation && !test ? ALLOCATE : (study.arms[0]?.id ?? ''));
  const arm = test && picked === ALLOCATE ? (study.arms[0]?.id ?? '') : picked;
  const [strata, setStrata] = useState<Record<string, string>>({});
  const [armReason, setArmReason] = useState('');
  const byHand = allocation !== undefined && randomised.includes(arm) && !test;
  const [timezone, setTimezone] = useState(study.timezone);
  const [enrolledOn, setEnrolledOn] = useState('');
  const [language, setLanguage] = useState<'en' | 'fr'>('en');
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<unknown>(undefined);
  const [result, setResult] = useState<{
    code: string;
    arm: string;
    allocation: { sequence: number; stratum: string } | null;
    firstInvitationAt: string | null;
    timezone: string;
    warnings: string[];
    test: boolean;
  } | null>(null);
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
          const givenStrata = Object.fromEntries(Object.entries(strata).filter(([, v]) => v !== ''));
          send(call('post', '/api/studies/:studyId/participants', {
            params: { studyId: study.id },
            body: {
              email,
              ...(arm === ALLOCATE ? {} : { arm }),
              ...(Object.keys(givenStrata).length > 0 ? { strata: givenStrata } : {}),
              ...(byHand ? { armReason } : {}),
              timezone,
              language,
              ...(enrolledOn ? { enrolledOn } : {}),
              ...(test ? { test: true } : {}),
            },
          }))
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
          <SelectField id="p-arm" label="Arm" hint={allocation ? 'Randomised arms are allocated by the study, concealed until enrolment' : undefined} value={arm} error={errors.arm} onChange={(e) => setArm(e.target.value)}>
            {allocation && !test && <option value={ALLOCATE}>Allocate at random ({randomised.join(' or ')})</option>}
            {study.arms
              // A randomised arm is chosen by hand only by an admin, with a reason (a test participant's by anyone).
              .filter((a) => !randomised.includes(a.id) || can(me.role, 'allocation.manage') || test)
              .map((a) => (
                <option key={a.id} value={a.id}>
                  {a.label} ({a.id}){randomised.includes(a.id) && !test ? ' — by hand, with a reason' : ''}
                </option>
              ))}
          </SelectField>
          {allocation?.strata.map((factor) => (
            <SelectField
              key={factor}
              id={`p-strata-${factor}`}
              label={`${factor}${(arm === ALLOCATE || byHand) && !test ? '' : ' (optional)'}`}
              value={strata[factor] ?? ''}
              error={errors[`strata.${factor}`]}
              onChange={(e) => setStrata({ ...strata, [factor]: e.target.value })}
            >
              <option value="">Choose…</option>
              {(allocation.levels[factor] ?? []).map((level) => (
                <option key={level} value={level}>
                  {level}
                </option>
              ))}
            </SelectField>
          ))}
          {byHand && (
            <TextField id="p-arm-reason" label="Why this randomised arm is chosen by hand" hint="Required; kept in the allocation log and the audit trail" value={armReason} error={errors.armReason} onChange={(e) => setArmReason(e.target.value)} />
          )}
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
          time travel (<code>npx timepoint dispatch --now</code>) may act on them.{allocation ? ' They are never allocated: choose the arm to try.' : ''}
        </p>
        <div className="actions">
          <button type="submit" disabled={busy}>
            Enrol
          </button>
        </div>
      </form>
      {result && (
        <Done>
          Enrolled {result.test ? 'test participant' : 'as'} <Link to={paths.participant(study.id, result.code)}>{result.code}</Link>
          {result.allocation ? `, allocated to ${result.arm} (allocation ${result.allocation.sequence}, stratum ${result.allocation.stratum})` : ''}.{' '}
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
