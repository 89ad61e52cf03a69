import { ErrorNotice, Loading } from '../components/notices';
import { PageTitle } from '../components/page-title';
import { useSession } from '../lib/session';
import { useApi } from '../lib/use-api';
import { AllocationSettings } from './setup/allocation-settings';
import { ConsentEditor } from './setup/consent-editor';
import { EmailTemplates } from './setup/email-templates';
import { JoinSettings } from './setup/join-settings';
import { ProtocolSection } from './setup/protocol-section';
import { StudyDetailsForm } from './setup/study-details-form';
import { SupportTextEditor } from './setup/support-text';
import { TimepointPreview } from './setup/timepoint-preview';
import { call } from '../lib/client';

export function SetupPage({ studyId }: { studyId: string }) {
  const { reloadStudies } = useSession();
  const study = useApi(call('get', '/api/studies/:studyId', { params: { studyId } }));
  const instruments = useApi(call('get', '/api/instruments'));
  const saved = () => {
    study.reload();
    reloadStudies();
  };
  const data = study.data;
  return (
    <>
      <PageTitle title="Study setup">{data && <p className="muted">{data.name}</p>}</PageTitle>
      <nav aria-label="On this page" className="on-this-page">
        <ul className="inline-list">
          <li>
            <a href="#details-heading">Study details</a>
          </li>
          <li>
            <a href="#preview-heading">Preview</a>
          </li>
          <li>
            <a href="#emails-heading">Participant emails</a>
          </li>
          <li>
            <a href="#support-heading">Safety support text</a>
          </li>
          <li>
            <a href="#protocol-heading">Protocol</a>
          </li>
          <li>
            <a href="#allocation-heading">Randomisation</a>
          </li>
          <li>
            <a href="#consent-setup-heading">Consent</a>
          </li>
          <li>
            <a href="#join-heading">Self-enrolment</a>
          </li>
        </ul>
      </nav>
      <ErrorNotice error={study.error ?? instruments.error} />
      {data === undefined || instruments.data === undefined ? (
        study.error || instruments.error ? null : <Loading />
      ) : (
        <>
          <StudyDetailsForm study={data} onSaved={saved} />
          <TimepointPreview study={data} />
          <EmailTemplates study={data} onSaved={saved} />
          <SupportTextEditor study={data} onSaved={saved} />
          <ProtocolSection study={data} instruments={instruments.data.instruments} onPublished={saved} />
          <AllocationSettings key={`allocation-${JSON.stringify(data.allocation ?? null)}`} study={data} onSaved={saved} />
          <ConsentEditor study={data} onSaved={saved} />
          <JoinSettings key={`join-${JSON.stringify(data.join ?? null)}`} study={data} onSaved={saved} />
        </>
      )}
    </>
  );
}
