import '../shared/base.css';
import './participant.css';
import { lazy, StrictMode, Suspense } from 'react';
import { createRoot } from 'react-dom/client';
import { LinkPage } from './link-page';
import { takeVerifyToken } from './join-token';
import { UnsubscribePage } from './unsubscribe-page';

// The public join page is its own chunk: questionnaire links never load it.
const JoinPage = lazy(() => import('./join-page').then((m) => ({ default: m.JoinPage })));

// /p/<token> (questionnaires), /u/<token> (stop emails), /join/<study> (self-enrolment).
const [route, rawToken] = window.location.pathname.split('/').filter(Boolean);
const token = decodeURIComponent(rawToken ?? '');
const verifyToken = route === 'join' ? takeVerifyToken() : null;

createRoot(document.getElementById('root')!).render(
  <StrictMode>
    {route === 'u' ? (
      <UnsubscribePage token={token} />
    ) : route === 'join' ? (
      <Suspense fallback={null}>
        <JoinPage studyId={token} token={verifyToken} />
      </Suspense>
    ) : (
      <LinkPage token={token} />
    )}
  </StrictMode>,
);
