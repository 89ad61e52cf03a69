import { notFound } from '../core/errors';
import { isParticipantCode } from '../core/study/participant-code';
import { recordAudit } from './audit';
import { signedConsentPdf } from './consent-record';
import type { Actor, Deps } from './deps';

/**
 * GET /api/studies/:id/participants/:code/consent: a participant's signed consent as a PDF, the
 * latest unless `version` names one. It holds their typed name, so every download is audited.
 */
export async function consentRecordPdf(
  deps: Pick<Deps, 'studies' | 'participants' | 'consents' | 'audit' | 'clock' | 'secrets'>,
  actor: Actor,
  studyId: string,
  code: string,
  version: string | undefined,
): Promise<{ filename: string; bytes: Uint8Array }> {
  if (!isParticipantCode(code)) throw notFound(`participant ${code}`);
  const [study, participant, records] = await Promise.all([deps.studies.get(studyId), deps.participants.get(studyId, code), deps.consents.listRecords(studyId, code)]);
  if (study === null) throw notFound(`study ${studyId}`);
  if (participant === null) throw notFound(`participant ${code}`);
  const record = version === undefined ? records.at(-1) : records.find((r) => r.version === version);
  if (record === undefined) throw notFound(version === undefined ? `a signed consent of ${code}` : `${code}'s consent to version ${version}`);
  const file = await signedConsentPdf(deps, study, record, participant.timezone);
  await recordAudit(deps, { scope: `study:${studyId}`, actor, action: 'consent.downloaded', target: `participant:${code}`, after: { version: record.version } });
  return file;
}
