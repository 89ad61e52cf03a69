import type { Db } from './client';
import { createAllocationRepository } from './allocation-repository';
import { createAuditLog } from './audit-log';
import { createConsentRepository } from './consent-repository';
import { createAuditOutbox } from './audited-write';
import { createContactRepository } from './contact-repository';
import { createImportJobRepository } from './import-job-repository';
import { createInstanceRepository } from './instance-repository';
import { createJoinRepository } from './join-repository';
import { createLicensedTextRepository } from './licensed-text-repository';
import { createLinkTargetReader } from './link-target-reader';
import { createLinkTokenRepository } from './link-token-repository';
import { createMessageRepository } from './message-repository';
import { createParticipantRepository } from './participant-repository';
import { createRateCounter } from './rate-counter';
import { createSendTargetReader } from './send-target-reader';
import { createStaffRepository } from './staff-repository';
import { createStudyRepository } from './study-repository';

/** Every repository, over one pair of tables. */
export function createRepositories(db: Db) {
  return {
    studies: createStudyRepository(db),
    participants: createParticipantRepository(db),
    contacts: createContactRepository(db),
    instances: createInstanceRepository(db),
    messages: createMessageRepository(db),
    links: createLinkTokenRepository(db),
    linkTargets: createLinkTargetReader(db),
    sendTargets: createSendTargetReader(db),
    staff: createStaffRepository(db),
    audit: createAuditLog(db),
    auditOutbox: createAuditOutbox(db),
    licensedTexts: createLicensedTextRepository(db),
    rateLimits: createRateCounter(db),
    allocations: createAllocationRepository(db),
    consents: createConsentRepository(db),
    joins: createJoinRepository(db),
    importJobs: createImportJobRepository(db),
  };
}

export type Repositories = ReturnType<typeof createRepositories>;
