import { useEffect, useMemo, useRef, type ReactNode } from 'react';
import { Loading } from './components/notices';
import { PageTitle } from './components/page-title';
import { useApi } from './lib/use-api';
import { Link, matchRoute, navigate, paths, usePath, type Route } from './lib/router';
import { can, canCreateStudies, homeSection, sectionLabels, sectionsFor, type Section } from './lib/roles';
import { SessionContext, useSession, type Session } from './lib/session';
import type { Me } from './lib/types';
import { AllocationPage } from './pages/allocation-page';
import { AuditPage } from './pages/audit-page';
import { DashboardPage } from './pages/dashboard-page';
import { ExportsPage } from './pages/exports-page';
import { NewStudyPage } from './pages/new-study-page';
import { ParticipantPage } from './pages/participant-page';
import { ParticipantsPage } from './pages/participants-page';
import { SetupPage } from './pages/setup-page';
import { StaffPage } from './pages/staff-page';
import { StudiesPage } from './pages/studies-page';
import { SummaryPage } from './pages/summary-page';
import { call } from './lib/client';

/** The signed-in console: header, the study's navigation for this role, and the routed page. */
export function SignedIn({ me, onSignOut }: { me: Me; onSignOut: () => void }) {
  const studies = useApi(call('get', '/api/studies'));
  const session = useMemo<Session>(
    () => ({ me, studies: studies.data?.studies, studiesError: studies.error, reloadStudies: studies.reload, signOut: onSignOut }),
    [me, studies.data, studies.error, studies.reload, onSignOut],
  );
  const path = usePath();
  const route = matchRoute(path);
  useFocusOnNavigation(path);

  return (
    <SessionContext.Provider value={session}>
      <a className="skip-link" href="#main">
        Skip to main content
      </a>
      <Header route={route} />
      {'studyId' in route && <StudyNav studyId={route.studyId} active={route.name === 'participant' ? 'participants' : (route.name as Section)} />}
      <main id="main" tabIndex={-1}>
        <Page route={route} />
      </main>
    </SessionContext.Provider>
  );
}

/** After a client-side navigation, focus moves to the new page's heading and the view scrolls to the top. */
function useFocusOnNavigation(path: string) {
  const first = useRef(true);
  useEffect(() => {
    if (first.current) {
      first.current = false;
      return;
    }
    window.scrollTo(0, 0);
    const heading = document.querySelector<HTMLElement>('main h1');
    (heading ?? document.getElementById('main'))?.focus();
  }, [path]);
}

function Header({ route }: { route: Route }) {
  const { me, studies, signOut } = useSession();
  const studyId = 'studyId' in route ? route.studyId : undefined;
  return (
    <header className="app-header">
      <div className="app-header-inner">
        <Link to="/" className="brand">
          Timepoint
        </Link>
        <nav aria-label="Console">
          <ul className="inline-list">
            <li>
              <Link to="/studies" aria-current={route.name === 'studies' || route.name === 'new-study' ? 'page' : undefined}>
                Studies
              </Link>
            </li>
            {can(me.role, 'staff.manage') && (
              <li>
                <Link to="/staff" aria-current={route.name === 'staff' ? 'page' : undefined}>
                  Staff
                </Link>
              </li>
            )}
          </ul>
        </nav>
        {studyId !== undefined && studies !== undefined && studies.length > 1 && (
          <div className="study-picker">
            <label htmlFor="study-picker">Study</label>
            <select
              id="study-picker"
              value={studyId}
              onChange={(e) => {
                const section = route.name === 'participant' ? 'participants' : (route.name as Section);
                navigate(paths.section(e.target.value, section));
              }}
            >
              {studies.map((s) => (
                <option key={s.id} value={s.id}>
                  {s.name}
                </option>
              ))}
            </select>
          </div>
        )}
        <p className="who">
          Signed in as {me.email} <span className="muted">({me.role})</span>
          <button type="button" className="secondary small" onClick={signOut}>
            Sign out
          </button>
        </p>
      </div>
    </header>
  );
}

function StudyNav({ studyId, active }: { studyId: string; active: Section }) {
  const { me } = useSession();
  return (
    <nav className="study-nav" aria-label="Study sections">
      <ul>
        {sectionsFor(me.role).map((section) => (
          <li key={section}>
            <Link to={paths.section(studyId, section)} aria-current={section === active ? 'page' : undefined}>
              {sectionLabels[section]}
            </Link>
          </li>
        ))}
      </ul>
    </nav>
  );
}

function Page({ route }: { route: Route }) {
  const { me, studies, studiesError } = useSession();
  switch (route.name) {
    case 'home':
      return <Home />;
    case 'sign-in':
      return <Home />;
    case 'studies':
      return <StudiesPage />;
    case 'new-study':
      return canCreateStudies(me.role) ? <NewStudyPage /> : <NotAllowed title="Create a study" />;
    case 'staff':
      return can(me.role, 'staff.manage') ? <StaffPage /> : <NotAllowed title="Staff" />;
    case 'not-found':
      return (
        <Missing title="Page not found">
          There is no page at <code>{route.path}</code>.
        </Missing>
      );
    default:
      break;
  }
  // A study page: the study must be one of theirs, and the section one their role has.
  if (studies === undefined) return studiesError ? <Missing title="Studies could not be loaded">Reload the page to try again.</Missing> : <Loading />;
  const study = studies.find((s) => s.id === route.studyId);
  if (study === undefined) {
    return (
      <Missing title="Study not found">
        There is no study <code>{route.studyId}</code>, or your account does not include it.
      </Missing>
    );
  }
  const section: Section = route.name === 'participant' ? 'participants' : route.name;
  if (!sectionsFor(me.role).includes(section)) return <NotAllowed title={sectionLabels[section]} studyId={study.id} />;
  const withKey = (node: ReactNode) => <div key={`${study.id}/${route.name}`}>{node}</div>;
  switch (route.name) {
    case 'dashboard':
      return withKey(<DashboardPage study={study} />);
    case 'participants':
      return withKey(<ParticipantsPage study={study} />);
    case 'participant':
      return <ParticipantPage key={`${study.id}/${route.code}`} study={study} code={route.code} />;
    case 'setup':
      return withKey(<SetupPage studyId={study.id} />);
    case 'allocation':
      return withKey(<AllocationPage study={study} />);
    case 'audit':
      return withKey(<AuditPage study={study} />);
    case 'exports':
      return withKey(<ExportsPage study={study} />);
    case 'summary':
      return withKey(<SummaryPage study={study} />);
  }
}

/** `/`: straight to the first study this member works on, at the page their role uses most. */
function Home() {
  const { me, studies } = useSession();
  useEffect(() => {
    if (studies === undefined) return;
    const first = me.studies.find((id) => studies.some((s) => s.id === id)) ?? studies[0]?.id;
    navigate(first === undefined ? '/studies' : paths.section(first, homeSection(me.role)), { replace: true });
  }, [me, studies]);
  return <Loading />;
}

function Missing({ title, children }: { title: string; children: ReactNode }) {
  return (
    <section className="card">
      <PageTitle title={title} />
      <p>{children}</p>
      <p>
        <Link to="/studies">Go to your studies</Link>
      </p>
    </section>
  );
}

function NotAllowed({ title, studyId }: { title: string; studyId?: string }) {
  const { me } = useSession();
  return (
    <section className="card">
      <PageTitle title={title} />
      <p>This page is not available to your role ({me.role}).</p>
      <p>{studyId ? <Link to={paths.section(studyId, homeSection(me.role))}>Go to {sectionLabels[homeSection(me.role)]}</Link> : <Link to="/">Go to the start page</Link>}</p>
    </section>
  );
}
