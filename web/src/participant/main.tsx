import '../shared/base.css';
import './participant.css';
import { StrictMode } from 'react';
import { createRoot } from 'react-dom/client';
import { LinkPage } from './link-page';
import { PreviewPage } from './preview-page';
import { UnsubscribePage } from './unsubscribe-page';

// /p/<token> (questionnaires) or /u/<token> (stop emails): the token is the only credential.
// /preview/<study>: a staff member's preview of a timepoint (their console session is the credential).
const [route, rawToken] = window.location.pathname.split('/').filter(Boolean);
const token = decodeURIComponent(rawToken ?? '');

createRoot(document.getElementById('root')!).render(
  <StrictMode>
    {route === 'u' ? <UnsubscribePage token={token} /> : route === 'preview' ? <PreviewPage studyId={token} search={window.location.search} /> : <LinkPage token={token} />}
  </StrictMode>,
);
