import { ErrorNotice, Loading } from '../components/notices';
import { PageTitle } from '../components/page-title';
import { StatusBadge } from '../components/status-badge';
import { date } from '../lib/format';
import { Link, paths } from '../lib/router';
import type { SafetyAlert, StudySummary, Timeline } from '../lib/types';
import { useApi } from '../lib/use-api';
import { AlertsSection } from './dashboard/alerts-section';
import { KindBadge } from './participants-page';
import { ConsentCard } from './participant/consent-card';
import { ContactCard } from './participant/contact-card';
import { EditParticipant } from './participant/edit-participant';
import { EraseContact } from './participant/erase-contact';
import { InstanceTimeline } from './participant/instance-timeline';
import { MessageTable } from './participant/message-table';
import { WithdrawParticipant } from './participant/withdraw-participant';
import { call } from '../lib/client';

/** One participant: their timeline, every message and its fate, scores, contact status, and the actions on them. */
export function ParticipantPage({ study, code }: { study: StudySummary; code: string }) {
  const timeline = useApi(call('get', '/api/studies/:studyId/participants/:code/schedule', { params: { studyId: study.id, code } }));
  const data = timeline.data;
  return (
    <>
      <p className="breadcrumb">
        <Link to={paths.section(study.id, 'participants')}>← All participants</Link>
      </p>
      <PageTitle title={`Participant ${code}`}>
        {data && (
          <p className="muted">
            <StatusBadge status={data.participant.status} /> <KindBadge participant={data.participant} /> · arm{' '}
            {study.arms.find((a) => a.id === data.participant.arm)?.label ?? data.participant.arm} ({data.participant.arm}) · enrolled {date(data.participant.enrolledAt, data.participant.timezone)} (their date,{' '}
            {data.participant.timezone}) · {data.participant.language === 'fr' ? 'French' : 'English'} · protocol v{data.participant.protocolVersion}
          </p>
        )}
      </PageTitle>
      <ErrorNotice error={timeline.error} />
      {data === undefined ? (
        timeline.error ? null : <Loading />
      ) : (
        <>
          {alertsOf(data).length > 0 && <AlertsSection studyId={study.id} alerts={alertsOf(data)} onAcknowledged={timeline.reload} />}
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

/** The participant's safety alerts, as the dashboard lists them, to acknowledge here too. */
function alertsOf(timeline: Timeline): SafetyAlert[] {
  return timeline.messages
    .filter((m) => m.kind === 'alert')
    .map((m) => ({
      participant: m.code,
      timepoint: m.timepoint,
      flags: m.flags ?? [],
      raisedAt: m.sendAt,
      status: m.status,
      acknowledgedBy: m.acknowledgedBy ?? null,
      acknowledgedAt: m.acknowledgedAt ?? null,
    }));
}
