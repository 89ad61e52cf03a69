import '../shared/base.css';
import './participant.css';
import { lazy, StrictMode, Suspense } from 'react';
import { createRoot } from 'react-dom/client';
import { LinkPage } from './link-page';
import { takeVerifyToken } from './join-token';
import { linkFromLocation } from './link-location';
import { PreviewPage } from './preview-page';
import { UnsubscribePage } from './unsubscribe-page';

// The public join page is its own chunk: questionnaire links never load it.
const JoinPage = lazy(() => import('./join-page').then((m) => ({ default: m.JoinPage })));
const [first, studyId] = window.location.pathname.split('/').filter(Boolean);
// /join/<study>(#verify=<token>): self-enrolment. The token is read before React renders (once).
const joining = first === 'join' ? { studyId: decodeURIComponent(studyId ?? ''), token: takeVerifyToken() } : null;
// /preview/<study>?timepoint=…: a staff member's preview of a timepoint (their console session is
// the credential; no participant token is involved).
const preview = first === 'preview' ? decodeURIComponent(studyId ?? '') : null;

// /p/#<token> (questionnaires) or /u/#<token> (stop emails): the token is the only credential.
const { route, token, canonical } = linkFromLocation(window.location);
// A link in the older form (/p/<token>) sent its token in the request line once; from here on it
// lives only in the fragment, so a reload or a bookmark never sends it to a server again.
if (joining === null && preview === null && canonical !== null) window.history.replaceState(null, '', canonical);
// Another link pasted into this tab changes only the fragment: load the page afresh for it.
window.addEventListener('hashchange', () => window.location.reload());

createRoot(document.getElementById('root')!).render(
  <StrictMode>
    {joining !== null ? (
      <Suspense fallback={null}>
        <JoinPage studyId={joining.studyId} token={joining.token} />
      </Suspense>
    ) : preview !== null ? (
      <PreviewPage studyId={preview} search={window.location.search} />
    ) : route === 'u' ? (
      <UnsubscribePage token={token} />
    ) : (
      <LinkPage token={token} />
    )}
  </StrictMode>,
);
