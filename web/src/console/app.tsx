import { useCallback, useEffect, useState } from 'react';
import { Loading } from './components/notices';
import { SESSION_ENDED } from './lib/use-api';
import { matchRoute, navigate, usePath } from './lib/router';
import type { Me } from './lib/types';
import { SignInPage } from './pages/sign-in-page';
import { SignedIn } from './shell';
import { call, send } from './lib/client';

/** Who is signed in decides everything else: the sign-in page, or the console for that role. */
export function App() {
  const [me, setMe] = useState<Me | null | undefined>(undefined);
  const path = usePath();
  const arrivingWithCode = matchRoute(path).name === 'sign-in' && window.location.hash.includes('code=');

  useEffect(() => {
    if (arrivingWithCode) {
      setMe(null);
      return;
    }
    send(call('get', '/api/auth/me')).then(setMe, () => setMe(null));
    // Only once, on arrival.
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, []);

  // A session that expires (12 hours) or is revoked mid-use: back to the sign-in page, keeping the address.
  useEffect(() => {
    const ended = () => setMe(null);
    window.addEventListener(SESSION_ENDED, ended);
    return () => window.removeEventListener(SESSION_ENDED, ended);
  }, []);

  const signedIn = useCallback((who: Me) => {
    setMe(who);
    if (matchRoute(window.location.pathname).name === 'sign-in') navigate('/', { replace: true });
  }, []);
  const signOut = useCallback(() => {
    void send(call('post', '/api/auth/logout')).finally(() => {
      setMe(null);
      navigate('/');
    });
  }, []);

  if (me === undefined)
    return (
      <main id="main" className="narrow">
        <Loading what="Loading Timepoint…" />
      </main>
    );
  if (me === null) return <SignInPage onSignedIn={signedIn} />;
  return <SignedIn me={me} onSignOut={signOut} />;
}
