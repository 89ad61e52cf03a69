import { ErrorNotice, Loading } from '../components/notices';
import { PageTitle } from '../components/page-title';
import { StatusBadge } from '../components/status-badge';
import { date } from '../lib/format';
import { studyPath } from '../lib/http';
import { Link, paths } from '../lib/router';
import type { StudySummary, Timeline } from '../lib/types';
import { useApi } from '../lib/use-api';
import { ConsentCard } from './participant/consent-card';
import { ContactCard } from './participant/contact-card';
import { EditParticipant } from './participant/edit-participant';
import { EraseContact } from './participant/erase-contact';
import { InstanceTimeline } from './participant/instance-timeline';
import { MessageTable } from './participant/message-table';
import { WithdrawParticipant } from './participant/withdraw-participant';

/** One participant: their timeline, every message and its fate, scores, contact status, and the actions on them. */
export function ParticipantPage({ study, code }: { study: StudySummary; code: string }) {
  const timeline = useApi<Timeline>(studyPath(study.id, `/participants/${encodeURIComponent(code)}/schedule`));
  const data = timeline.data;
  return (
    <>
      <p className="breadcrumb">
        <Link to={paths.section(study.id, 'participants')}>← All participants</Link>
      </p>
      <PageTitle title={`Participant ${code}`}>
        {data && (
          <p className="muted">
            <StatusBadge status={data.participant.status} /> · arm {study.arms.find((a) => a.id === data.participant.arm)?.label ?? data.participant.arm} ({data.participant.arm}) · enrolled{' '}
            {date(data.participant.enrolledAt)} · {data.participant.timezone} · protocol v{data.participant.protocolVersion}
          </p>
        )}
      </PageTitle>
      <ErrorNotice error={timeline.error} />
      {data === undefined ? (
        timeline.error ? null : <Loading />
      ) : (
        <>
          <InstanceTimeline study={study} timeline={data} onChanged={timeline.reload} />
          <MessageTable messages={data.messages} zone={data.participant.timezone} />
          <div className="two-columns">
            <ContactCard contact={data.contact} erasedAt={data.participant.contactErasedAt} />
            {data.participant.status !== 'withdrawn' && <EditParticipant study={study} timeline={data} onSaved={timeline.reload} />}
          </div>
          <ConsentCard studyId={study.id} timeline={data} />
          <WithdrawParticipant studyId={study.id} participant={data.participant} onWithdrawn={timeline.reload} />
          <EraseContact studyId={study.id} participant={data.participant} onErased={timeline.reload} />
        </>
      )}
    </>
  );
}
