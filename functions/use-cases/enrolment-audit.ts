import type { AuditEntry } from '../core/audit';
import type { Participant } from '../core/study/study';
import { auditEntry } from './audit';
import type { Deps } from './deps';

/** The `participant.enrolled` entry, made part of the write that creates the participant. */
export function enrolledAudit(deps: Pick<Deps, 'clock' | 'secrets'>, participant: Participant, actor: string, once?: Pick<AuditEntry, 'id' | 'at'>): AuditEntry {
  return auditEntry(
    deps,
    {
      scope: `study:${participant.studyId}`,
      actor,
      action: 'participant.enrolled',
      target: `participant:${participant.code}`,
      after: {
        arm: participant.arm,
        timezone: participant.timezone,
        protocolVersion: participant.protocolVersion,
        ...(participant.strata ? { strata: participant.strata } : {}),
        ...(participant.enrolledVia === 'join' ? { via: 'join' } : {}),
        ...(participant.test ? { test: true } : {}),
      },
    },
    once,
  );
}
