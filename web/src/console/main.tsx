import '../shared/base.css';
import { StrictMode, useCallback, useEffect, useState } from 'react';
import { createRoot } from 'react-dom/client';
import { ApiError, api } from '../shared/api';

interface Me {
  email: string;
  role: 'admin' | 'coordinator' | 'analyst';
  studies: string[];
}

interface StudySummary {
  id: string;
  name: string;
  timezone: string;
  arms: Array<{ id: string; label: string }>;
}

interface ParticipantRow {
  code: string;
  arm: string;
  timezone: string;
  status: string;
  enrolledAt: string;
}

const message = (error: unknown) => (error instanceof Error ? error.message : String(error));

function SignIn({ onSignedIn }: { onSignedIn: (me: Me) => void }) {
  const [email, setEmail] = useState('');
  const [sent, setSent] = useState(false);
  const [code, setCode] = useState(() => new URLSearchParams(window.location.hash.slice(1)).get('code') ?? '');
  const [error, setError] = useState<string | null>(null);

  const verify = useCallback(
    async (value: string) => {
      setError(null);
      try {
        const me = await api<Me>('/api/auth/verify', { method: 'POST', body: { code: value.trim() } });
        window.history.replaceState(null, '', '/');
        onSignedIn(me);
      } catch (e) {
        setError(message(e));
      }
    },
    [onSignedIn],
  );

  useEffect(() => {
    if (code && window.location.hash.includes('code=')) void verify(code);
    // Only on arrival from an emailed link.
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, []);

  return (
    <main className="page">
      <section className="card">
        <h1>Sign in to Timepoint</h1>
        <form
          onSubmit={(e) => {
            e.preventDefault();
            setError(null);
            api('/api/auth/login', { method: 'POST', body: { email } })
              .then(() => setSent(true))
              .catch((err: unknown) => setError(message(err)));
          }}
        >
          <label htmlFor="email">Staff email address</label>
          <input id="email" type="email" autoComplete="email" required value={email} onChange={(e) => setEmail(e.target.value)} />
          <p>
            <button type="submit">Email me a sign-in link</button>
          </p>
        </form>
        {sent && <p className="ok" role="status">If this address has a staff account, a sign-in link is on its way. It expires in 15 minutes.</p>}
        <form
          onSubmit={(e) => {
            e.preventDefault();
            void verify(code);
          }}
        >
          <label htmlFor="code">Or paste the code from the email</label>
          <input id="code" autoComplete="one-time-code" value={code} onChange={(e) => setCode(e.target.value)} />
          <p>
            <button type="submit" className="secondary">
              Sign in with code
            </button>
          </p>
        </form>
        {error && <p className="error" role="alert">{error}</p>}
      </section>
    </main>
  );
}

function Enrol({ study, onEnrolled }: { study: StudySummary; onEnrolled: () => void }) {
  const [email, setEmail] = useState('');
  const [arm, setArm] = useState(study.arms[0]?.id ?? '');
  const [timezone, setTimezone] = useState(study.timezone);
  const [result, setResult] = useState<{ ok: boolean; text: string } | null>(null);
  return (
    <section className="card">
      <h2>Enrol a participant</h2>
      <form
        onSubmit={(e) => {
          e.preventDefault();
          setResult(null);
          api<{ code: string; firstInvitationAt: string | null }>(`/api/studies/${study.id}/participants`, { method: 'POST', body: { email, arm, timezone } })
            .then(({ code, firstInvitationAt }) => {
              const when = firstInvitationAt === null ? 'No invitation is planned for this arm.' : `First invitation: ${new Date(firstInvitationAt).toLocaleString(undefined, { dateStyle: 'full', timeStyle: 'short' })}.`;
              setResult({ ok: true, text: `Enrolled as ${code}. ${when}` });
              setEmail('');
              onEnrolled();
            })
            .catch((err: unknown) => setResult({ ok: false, text: message(err) }));
        }}
      >
        <label htmlFor="p-email">Email (kept apart from research data)</label>
        <input id="p-email" type="email" required value={email} onChange={(e) => setEmail(e.target.value)} />
        <label htmlFor="p-arm">Arm</label>
        <select id="p-arm" value={arm} onChange={(e) => setArm(e.target.value)}>
          {study.arms.map((a) => (
            <option key={a.id} value={a.id}>
              {a.label} ({a.id})
            </option>
          ))}
        </select>
        <label htmlFor="p-tz">Time zone</label>
        <input id="p-tz" value={timezone} onChange={(e) => setTimezone(e.target.value)} />
        <p>
          <button type="submit">Enrol</button>
        </p>
      </form>
      {result && (
        <p className={result.ok ? 'ok' : 'error'} role={result.ok ? 'status' : 'alert'}>
          {result.text}
        </p>
      )}
    </section>
  );
}

function StudyPage({ me, studyId }: { me: Me; studyId: string }) {
  const [study, setStudy] = useState<StudySummary | null>(null);
  const [participants, setParticipants] = useState<ParticipantRow[] | null>(null);
  const [error, setError] = useState<string | null>(null);
  const canEnrol = me.role === 'admin' || me.role === 'coordinator';

  const load = useCallback(() => {
    api<StudySummary>(`/api/studies/${studyId}`).then(setStudy).catch((e: unknown) => setError(message(e)));
    if (canEnrol) {
      api<{ participants: ParticipantRow[] }>(`/api/studies/${studyId}/participants`)
        .then((r) => setParticipants(r.participants))
        .catch((e: unknown) => setError(message(e)));
    }
  }, [studyId, canEnrol]);
  useEffect(load, [load]);

  if (error) return <p className="error" role="alert">{error}</p>;
  if (!study) return <p className="muted">Loading…</p>;
  return (
    <>
      <section className="card">
        <h1>{study.name}</h1>
        <p className="muted">
          Study <code>{study.id}</code> · default time zone {study.timezone}
        </p>
        <p>
          <a className="button" href={`/api/studies/${study.id}/export?format=long`}>
            Download scores (long CSV)
          </a>
        </p>
      </section>
      {canEnrol && <Enrol study={study} onEnrolled={load} />}
      {participants && (
        <section className="card">
          <h2>Participants ({participants.length})</h2>
          <table>
            <thead>
              <tr>
                <th scope="col">Code</th>
                <th scope="col">Arm</th>
                <th scope="col">Status</th>
                <th scope="col">Enrolled</th>
              </tr>
            </thead>
            <tbody>
              {participants.map((p) => (
                <tr key={p.code}>
                  <td>{p.code}</td>
                  <td>{p.arm}</td>
                  <td>{p.status}</td>
                  <td>{new Date(p.enrolledAt).toLocaleString()}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </section>
      )}
    </>
  );
}

function App() {
  const [me, setMe] = useState<Me | null | undefined>(undefined);
  useEffect(() => {
    api<Me>('/api/auth/me')
      .then(setMe)
      .catch((e: unknown) => (e instanceof ApiError && e.status === 401 ? setMe(null) : setMe(null)));
  }, []);
  if (me === undefined) return <p className="muted page">Loading…</p>;
  if (me === null) return <SignIn onSignedIn={setMe} />;
  return <SignedIn me={me} onSignedOut={() => setMe(null)} />;
}

function SignedIn({ me, onSignedOut }: { me: Me; onSignedOut: () => void }) {
  const [studyId, setStudyId] = useState(me.studies[0] ?? 'demo');
  return (
    <main className="page">
      <p className="muted">
        Signed in as {me.email} ({me.role}) ·{' '}
        <button
          className="secondary"
          onClick={() => void api('/api/auth/logout', { method: 'POST' }).then(onSignedOut)}
        >
          Sign out
        </button>
      </p>
      {me.studies.length > 1 && (
        <p>
          <label htmlFor="study">Study</label>
          <select id="study" value={studyId} onChange={(e) => setStudyId(e.target.value)}>
            {me.studies.map((id) => (
              <option key={id} value={id}>
                {id}
              </option>
            ))}
          </select>
        </p>
      )}
      <StudyPage key={studyId} me={me} studyId={studyId} />
    </main>
  );
}

createRoot(document.getElementById('root')!).render(
  <StrictMode>
    <App />
  </StrictMode>,
);
