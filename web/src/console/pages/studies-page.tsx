import { Empty, ErrorNotice, Loading } from '../components/notices';
import { PageTitle } from '../components/page-title';
import { canCreateStudies, homeSection, sectionLabels } from '../lib/roles';
import { Link, paths } from '../lib/router';
import { useSession } from '../lib/session';

export function StudiesPage() {
  const { me, studies, studiesError } = useSession();
  return (
    <>
      <PageTitle title="Studies">
        {canCreateStudies(me.role) && (
          <p>
            <Link to="/studies/new" className="button">
              Create a study
            </Link>
          </p>
        )}
      </PageTitle>
      <ErrorNotice error={studiesError} />
      {studies === undefined ? (
        studiesError ? null : <Loading />
      ) : studies.length === 0 ? (
        <Empty>{canCreateStudies(me.role) ? 'No studies yet. Create one to start enrolling.' : 'Your account is not on any study yet: ask an administrator to add you.'}</Empty>
      ) : (
        <ul className="card-list">
          {studies.map((s) => (
            <li key={s.id} className="card">
              <h2>
                <Link to={paths.section(s.id, homeSection(me.role))}>{s.name}</Link>
              </h2>
              <p className="muted">
                <code>{s.id}</code> · {s.timezone} · arms: {s.arms.map((a) => a.label).join(', ')}
              </p>
              <p className="muted">Opens at {sectionLabels[homeSection(me.role)]}.</p>
            </li>
          ))}
        </ul>
      )}
    </>
  );
}
