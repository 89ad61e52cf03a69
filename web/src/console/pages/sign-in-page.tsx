import { useCallback, useRef, useState } from 'react';
import { TextField } from '../components/field';
import { Done, ErrorNotice } from '../components/notices';
import { PageTitle } from '../components/page-title';
import { ApiError } from '../lib/http';
import type { Me } from '../lib/types';
import { call, send } from '../lib/client';

/**
 * Passwordless sign-in: an emailed link (or its code pasted here) opens a session. Arriving from
 * the link only offers a button: the code is used when the person selects it, never by loading
 * the page, so a mail scanner that opens links (and runs their scripts) uses nothing up.
 */
export function SignInPage({ onSignedIn }: { onSignedIn: (me: Me) => void }) {
  const [email, setEmail] = useState('');
  const [sent, setSent] = useState(false);
  const [sending, setSending] = useState(false);
  const [code, setCode] = useState(() => new URLSearchParams(window.location.hash.slice(1)).get('code') ?? '');
  const [error, setError] = useState<unknown>(undefined);
  const [verifying, setVerifying] = useState(false);
  const fromLink = useRef(code !== '');

  const verify = useCallback(
    async (value: string) => {
      setError(undefined);
      setVerifying(true);
      try {
        onSignedIn(await send(call('post', '/api/auth/verify', { body: { code: value.trim() } })));
      } catch (e) {
        // A refused code is not an ended session (what a 401 usually means here): say what happened to the link.
        setError(
          e instanceof ApiError && e.status === 401
            ? new Error(
                fromLink.current
                  ? 'This sign-in link has already been used, or it has expired (links work once, for 15 minutes). Enter your email address below for a new one.'
                  : 'This code has already been used, or it has expired (codes work once, for 15 minutes). Ask for a new sign-in link below.',
              )
            : e,
        );
      } finally {
        setVerifying(false);
      }
    },
    [onSignedIn],
  );

  return (
    <main id="main" className="narrow">
      <section className="card">
        <PageTitle title="Sign in to Timepoint" />
        {fromLink.current && (
          <>
            <p>Your sign-in link is ready. Select Sign in to finish signing in on this device.</p>
            <div className="actions">
              <button type="button" disabled={verifying} onClick={() => void verify(code)}>
                Sign in
              </button>
            </div>
          </>
        )}
        <p className="muted">For study coordinators, analysts and administrators. Participants use the link in their invitation email.</p>
        <form
          onSubmit={(e) => {
            e.preventDefault();
            setError(undefined);
            setSending(true);
            send(call('post', '/api/auth/login', { body: { email } }))
              .then(() => setSent(true), setError)
              .finally(() => setSending(false));
          }}
        >
          <TextField id="email" label="Staff email address" type="email" autoComplete="email" required value={email} onChange={(e) => setEmail(e.target.value)} />
          <div className="actions">
            <button type="submit" disabled={sending}>
              Email me a sign-in link
            </button>
          </div>
        </form>
        {sent && <Done>If this address has a staff account, a sign-in link is on its way. It expires in 15 minutes, and asking for another one makes it stop working.</Done>}
        <form
          onSubmit={(e) => {
            e.preventDefault();
            void verify(code);
          }}
        >
          <TextField id="code" label="Or paste the code from the email" autoComplete="one-time-code" required value={code} onChange={(e) => setCode(e.target.value)} />
          <div className="actions">
            <button type="submit" className="secondary" disabled={verifying}>
              Sign in with code
            </button>
          </div>
        </form>
        <ErrorNotice error={error} />
      </section>
    </main>
  );
}
