import { formatMailbox } from '../core/email/html';
import { renderParticipantEmail } from '../core/email/templates';
import { decideSends } from '../core/schedule/send-decision';
import type { StoredMessage } from '../core/schedule/records';
import type { Study } from '../core/study/study';
import type { Deps } from './deps';
import { planAndStore } from './plan-participant';

export interface DispatchReport {
  planned: number;
  sent: number;
  skipped: number;
  failed: number;
}

export interface DispatchOptions {
  /** Items of each kind of work handled per run. */
  limit?: number;
}

type DispatchDeps = Pick<
  Deps,
  'studies' | 'participants' | 'contacts' | 'instances' | 'messages' | 'links' | 'mailer' | 'clock' | 'secrets' | 'baseUrl'
>;

/**
 * One dispatcher pass, the same locally (a timer) and in AWS (a scheduled Lambda): finish any
 * pending (re)planning, then send what is due. Each message is claimed with a conditional write
 * before anything is sent, so overlapping passes never send the same message twice.
 */
export async function runDispatch(deps: DispatchDeps, options: DispatchOptions = {}): Promise<DispatchReport> {
  const limit = options.limit ?? 200;
  const now = deps.clock.now();
  const report: DispatchReport = { planned: 0, sent: 0, skipped: 0, failed: 0 };

  for (const request of await deps.participants.listPlanRequests(now, limit)) {
    await planAndStore(deps, request.studyId, request.code);
    await deps.participants.clearPlanRequest(request.studyId, request.code, request.requestedAt);
    report.planned++;
  }

  const claimant = `dispatcher:${deps.secrets.id()}`;
  const studies = new Map<string, Study | null>();
  const studyOf = async (id: string) => {
    if (!studies.has(id)) studies.set(id, await deps.studies.get(id));
    return studies.get(id)!;
  };

  const due = await deps.messages.listDue(now, limit);
  for (const group of groupByInstance(due)) {
    const claimed: StoredMessage[] = [];
    for (const message of group) {
      if (await deps.messages.claim(message, claimant, deps.clock.now())) claimed.push({ ...message, status: 'claimed' });
    }
    if (claimed.length === 0) continue;
    const { studyId, code, timepoint } = claimed[0]!;
    // Fresh, consistent reads at send time: the index entry that brought us here may be stale.
    const [participant, instance, history] = await Promise.all([
      deps.participants.get(studyId, code),
      deps.instances.get(studyId, code, timepoint),
      deps.messages.listForParticipant(studyId, code),
    ]);
    const invitationSent = history.some((m) => m.timepoint === timepoint && m.kind === 'invitation' && m.status === 'sent');

    for (const decision of decideSends(claimed, { participant, instance, invitationSent, now: deps.clock.now() })) {
      if (!decision.send) {
        await deps.messages.markSkipped(decision.message, decision.reason, deps.clock.now());
        report.skipped++;
        continue;
      }
      const outcome = await send(deps, decision.message, await studyOf(studyId), participant!.timezone, instance!.closesAt);
      if (outcome.ok) {
        await deps.messages.markSent(decision.message, outcome.providerId, deps.clock.now());
        if (decision.message.kind === 'invitation') await deps.instances.markOpened(studyId, code, timepoint, deps.clock.now());
        report.sent++;
      } else {
        await deps.messages.markFailed(decision.message, outcome.reason, deps.clock.now());
        report.failed++;
      }
    }
  }
  return report;
}

async function send(
  deps: DispatchDeps,
  message: StoredMessage,
  study: Study | null,
  timezone: string,
  closesAt: string,
): Promise<{ ok: true; providerId: string } | { ok: false; reason: string }> {
  const timepoint = study?.protocol.timepoints.find((t) => t.id === message.timepoint);
  if (study === null || timepoint === undefined) return { ok: false, reason: 'study or timepoint no longer exists' };
  const to = await deps.contacts.getEmail(message.studyId, message.code);
  if (to === null) return { ok: false, reason: 'no contact email on file' };

  // A fresh token per email: only its hash is stored, so the link can't be rebuilt from the database.
  const token = deps.secrets.token();
  await deps.links.put(deps.secrets.hash(token), {
    studyId: message.studyId,
    code: message.code,
    timepoint: message.timepoint,
    createdAt: deps.clock.now().toISOString(),
  });
  const email = renderParticipantEmail({
    study,
    timepoint,
    kind: message.kind,
    link: `${deps.baseUrl}/p/${token}`,
    closesAt,
    timezone,
  });
  try {
    const { messageId } = await deps.mailer.send({ from: formatMailbox(study.sender.name, study.sender.email), to, ...email });
    return { ok: true, providerId: messageId };
  } catch (error) {
    return { ok: false, reason: `email provider refused: ${error instanceof Error ? error.message : String(error)}` };
  }
}

function groupByInstance(messages: StoredMessage[]): StoredMessage[][] {
  const groups = new Map<string, StoredMessage[]>();
  for (const m of messages) {
    const key = `${m.studyId}|${m.code}|${m.timepoint}`;
    groups.set(key, [...(groups.get(key) ?? []), m]);
  }
  return [...groups.values()];
}
