import { randomisedArms } from '../allocation/allocation-config';
import type { InstanceStatus } from '../schedule/records';
import type { Participant, Study } from '../study/study';

/** One arm of the CONSORT-style flow. */
export interface ConsortArm {
  arm: string;
  label: string;
  /** Whether the study allocates to this arm (false: chosen by hand, e.g. healthy controls). */
  randomised: boolean;
  /** Participants in this arm now. */
  enrolled: number;
  /** Of them, those allocated to it (including an admin's documented manual choice). */
  allocated: number;
  withdrawn: number;
  /** Per timepoint the arm gets, in protocol order: how many had it planned, and completed it. */
  timepoints: Array<{ timepoint: string; planned: number; completed: number }>;
}

/**
 * The participant flow a CONSORT diagram reports (Schulz et al. 2010): assessed for eligibility
 * and excluded (self-enrolment only: people enrolled by staff were screened elsewhere), enrolled,
 * allocated per arm, withdrawn, and completed at each timepoint.
 */
export interface ConsortCounts {
  /** Screeners submitted through the public join link; null when the study has no join link. */
  assessedForEligibility: number | null;
  /** Of those, found ineligible (only this count is kept of them). */
  ineligible: number | null;
  enrolled: number;
  /** Participants allocated by the study's allocation (slots used). */
  allocated: number;
  withdrawn: number;
  arms: ConsortArm[];
}

export function consortCounts(
  study: Pick<Study, 'arms' | 'protocol' | 'allocation' | 'join'>,
  participants: Participant[],
  instances: Iterable<{ code: string; timepoint: string; status: InstanceStatus }>,
  screening: { eligible: number; ineligible: number } | null,
): ConsortCounts {
  const randomised = new Set(study.allocation ? randomisedArms(study.allocation) : []);
  const armOf = new Map(participants.map((p) => [p.code, p.arm]));
  const planned = new Map<string, number>();
  const completed = new Map<string, number>();
  for (const i of instances) {
    const arm = armOf.get(i.code);
    if (arm === undefined) continue;
    const key = `${arm}|${i.timepoint}`;
    if (i.status !== 'cancelled') planned.set(key, (planned.get(key) ?? 0) + 1);
    if (i.status === 'completed') completed.set(key, (completed.get(key) ?? 0) + 1);
  }
  const knownArms = [...study.arms.map((a) => a.id), ...[...new Set(participants.map((p) => p.arm))].filter((a) => !study.arms.some((s) => s.id === a)).sort()];
  const arms = knownArms.map((arm) => {
    const here = participants.filter((p) => p.arm === arm);
    return {
      arm,
      label: study.arms.find((a) => a.id === arm)?.label ?? arm,
      randomised: randomised.has(arm),
      enrolled: here.length,
      allocated: here.filter((p) => p.allocation !== undefined).length,
      withdrawn: here.filter((p) => p.status === 'withdrawn').length,
      timepoints: study.protocol.timepoints
        .filter((t) => t.arms.includes(arm))
        .map((t) => ({ timepoint: t.id, planned: planned.get(`${arm}|${t.id}`) ?? 0, completed: completed.get(`${arm}|${t.id}`) ?? 0 })),
    };
  });
  const screened = study.join !== undefined || screening !== null ? (screening ?? { eligible: 0, ineligible: 0 }) : null;
  return {
    assessedForEligibility: screened === null ? null : screened.eligible + screened.ineligible,
    ineligible: screened === null ? null : screened.ineligible,
    enrolled: participants.length,
    allocated: participants.filter((p) => p.allocation !== undefined).length,
    withdrawn: participants.filter((p) => p.status === 'withdrawn').length,
    arms,
  };
}
