import { consortCounts } from '../core/analysis/consort';
import { notFound } from '../core/errors';
import { openStatuses } from '../core/schedule/records';
import { missingWording } from './battery';
import { scheduleOrder } from '../core/study/timepoint-order';
import type { Deps } from './deps';

const DAY = 86_400_000;

/**
 * Adherence at a glance: completion by arm × timepoint, what is overdue or about to close,
 * delivery problems, unsubscribes and safety alerts. Read-only; no contact details.
 */
export async function studyDashboard(
  deps: Pick<Deps, 'studies' | 'participants' | 'instances' | 'messages' | 'contacts' | 'clock' | 'catalogue' | 'licensedTexts' | 'joins'>,
  studyId: string,
) {
  const study = await deps.studies.get(studyId);
  if (study === null) throw notFound(`study ${studyId}`);
  const [participants, instances, messages, statuses, screening] = await Promise.all([
    deps.participants.list(studyId),
    deps.instances.listForStudy(studyId),
    deps.messages.listForStudy(studyId),
    deps.contacts.listStatuses(studyId),
    study.join ? deps.joins.counts(studyId) : Promise.resolve(null),
  ]);
  const now = deps.clock.now().getTime();
  const armOf = new Map(participants.map((p) => [p.code, p.arm]));
  // Test participants (a coordinator trying the study out) are not counted; the lists mark them.
  const tests = new Set(participants.filter((p) => p.test).map((p) => p.code));
  const counted = participants.filter((p) => !tests.has(p.code));
  const countedInstances = instances.filter((i) => !tests.has(i.code));
  const mark = (code: string) => (tests.has(code) ? { test: true } : {});

  const completion = study.arms.flatMap((arm) =>
    scheduleOrder(study.protocol.timepoints)
      .filter((t) => t.arms.includes(arm.id))
      .map((t) => {
        const here = countedInstances.filter((i) => i.timepoint === t.id && (armOf.get(i.code) ?? i.arm) === arm.id);
        const count = (test: (i: (typeof here)[number]) => boolean) => here.filter(test).length;
        const completed = count((i) => i.status === 'completed');
        const expired = count((i) => i.status === 'expired');
        const open = count((i) => openStatuses.has(i.status) && Date.parse(i.opensAt) <= now);
        const upcoming = count((i) => openStatuses.has(i.status) && Date.parse(i.opensAt) > now);
        const cancelled = count((i) => i.status === 'cancelled');
        // Of those whose window has opened and not been cancelled.
        const due = completed + expired + open;
        return { arm: arm.id, timepoint: t.id, completed, open, expired, upcoming, cancelled, rate: due === 0 ? null : completed / due };
      }),
  );

  const openInstances = instances.filter((i) => openStatuses.has(i.status));
  const overdue = openInstances
    .filter((i) => Date.parse(i.dueAt) + DAY <= now && Date.parse(i.closesAt) > now)
    .map((i) => ({ participant: i.code, timepoint: i.timepoint, dueAt: i.dueAt, closesAt: i.closesAt, status: i.status, ...mark(i.code) }));
  const expiring = openInstances
    .filter((i) => Date.parse(i.closesAt) > now && Date.parse(i.closesAt) <= now + 2 * DAY)
    .map((i) => ({ participant: i.code, timepoint: i.timepoint, closesAt: i.closesAt, status: i.status, ...mark(i.code) }));
  const deliveryProblems = [
    ...messages
      .filter((m) => m.status === 'bounced' || m.status === 'complained' || m.status === 'failed')
      .map((m) => ({ participant: m.code, timepoint: m.timepoint, kind: m.kind, status: m.status, reason: m.reason ?? (m as { feedback?: string }).feedback ?? null, ...mark(m.code) })),
  ];
  // Invitations that cannot go out (a page that could not be completed), and why.
  const held = messages
    .filter((m) => m.status === 'held')
    .map((m) => ({ participant: m.code, timepoint: m.timepoint, kind: m.kind, sendAt: m.sendAt, reason: m.reason ?? null, ...mark(m.code) }))
    .sort((a, b) => a.sendAt.localeCompare(b.sendAt));
  const missing = await missingWording(deps, study.protocol.timepoints.flatMap((t) => t.instruments));
  const wordingMissing = missing.map((instrument) => ({
    instrument,
    timepoints: study.protocol.timepoints.filter((t) => t.instruments.some((i) => `${i.id}@${i.version}` === instrument)).map((t) => t.id),
  }));
  const alerts = messages
    .filter((m) => m.kind === 'alert')
    .map((m) => ({
      participant: m.code,
      timepoint: m.timepoint,
      flags: m.flags ?? [],
      raisedAt: m.sendAt,
      status: m.status,
      acknowledgedBy: m.acknowledgedBy ?? null,
      acknowledgedAt: m.acknowledgedAt ?? null,
      ...mark(m.code),
    }))
    .sort((a, b) => b.raisedAt.localeCompare(a.raisedAt));

  return {
    study: { id: study.id, name: study.name },
    generatedAt: new Date(now).toISOString(),
    participants: {
      total: counted.length,
      active: counted.filter((p) => p.status === 'active').length,
      withdrawn: counted.filter((p) => p.status === 'withdrawn').length,
      /** Test participants, counted nowhere else on the dashboard. */
      test: tests.size,
    },
    completion,
    /** The CONSORT-style participant flow: screened, enrolled, allocated per arm, withdrawn, completed per timepoint. */
    consort: consortCounts(study, counted, countedInstances, screening),
    overdue,
    expiring,
    deliveryProblems,
    /** Instruments of the current protocol whose licensed wording is not installed: their invitations are held. */
    wordingMissing,
    held,
    suppressed: statuses.filter((s) => s.suppressed).map((s) => ({ participant: s.code, reason: s.suppressed!.reason, at: s.suppressed!.at })),
    unsubscribed: statuses.filter((s) => s.unsubscribedAt).map((s) => ({ participant: s.code, at: s.unsubscribedAt! })),
    alerts,
    unacknowledgedAlerts: alerts.filter((a) => a.acknowledgedAt === null).length,
  };
}
