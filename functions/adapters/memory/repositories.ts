import type { Repositories } from '../dynamodb/repositories';
import { createMemoryAllocationRepository } from './allocation-repository';
import { createMemoryAuditLog, memoryAuditOutbox } from './audit-log';
import { createMemoryConsentRepository } from './consent-repository';
import { createMemoryContactRepository } from './contact-repository';
import { createMemoryImportJobRepository } from './import-job-repository';
import { createMemoryInstanceRepository } from './instance-repository';
import { createMemoryJoinRepository } from './join-repository';
import { createMemoryLicensedTextRepository } from './licensed-text-repository';
import { createMemoryLinkTargetReader } from './link-target-reader';
import { createMemoryLinkTokenRepository } from './link-token-repository';
import { createMemoryMessageRepository } from './message-repository';
import { createMemoryParticipantRepository } from './participant-repository';
import { createMemoryRateCounter } from './rate-counter';
import { createMemorySendTargetReader } from './send-target-reader';
import { createMemoryStaffRepository } from './staff-repository';
import { createMemoryStudyRepository } from './study-repository';

/**
 * Every port the DynamoDB adapter implements, in memory and empty: for tests of use-case logic
 * and for `npx timepoint simulate`. Never part of a Lambda bundle (a dependency rule keeps it out).
 */
export function createMemoryRepositories(): Repositories {
  const audit = createMemoryAuditLog();
  const studies = createMemoryStudyRepository(audit);
  const participants = createMemoryParticipantRepository(audit);
  const instances = createMemoryInstanceRepository(audit);
  const contacts = createMemoryContactRepository(audit);
  return {
    studies,
    participants,
    contacts,
    instances,
    messages: createMemoryMessageRepository(audit),
    links: createMemoryLinkTokenRepository(),
    linkTargets: createMemoryLinkTargetReader({ studies, participants, instances }),
    sendTargets: createMemorySendTargetReader({ participants, instances, contacts }),
    staff: createMemoryStaffRepository(audit),
    audit,
    auditOutbox: memoryAuditOutbox,
    licensedTexts: createMemoryLicensedTextRepository(),
    rateLimits: createMemoryRateCounter(),
    allocations: createMemoryAllocationRepository(),
    consents: createMemoryConsentRepository(),
    joins: createMemoryJoinRepository(),
    importJobs: createMemoryImportJobRepository(audit),
  };
}
