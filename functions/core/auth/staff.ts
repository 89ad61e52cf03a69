import { can, type StaffRole } from './permissions';

export type { StaffRole };

export const staffRoles: readonly StaffRole[] = ['admin', 'coordinator', 'analyst'];

/** A staff account. `studies` lists the studies the member works on; admins see every study. */
export interface StaffMember {
  email: string;
  name: string;
  role: StaffRole;
  studies: string[];
  /**
   * Sessions created before this instant are refused (accounts created before session epochs
   * existed carry it; new writes use `sessionEpoch`).
   */
  sessionsValidFrom?: string;
  /**
   * Only sessions signed in under this generation are accepted. A demotion, a loss of studies or a
   * removal moves it on, which ends every session the account had at once; a removed account keeps
   * its generation, so re-creating it never brings an old session back.
   */
  sessionEpoch?: number;
  /**
   * Storage-assigned revision, raised by every write: each change is conditioned on the revision
   * it was based on, so two concurrent changes never silently undo one another.
   */
  version?: number;
}

export interface StaffSession {
  email: string;
  role: StaffRole;
  studies: string[];
  createdAt: string;
  expiresAt: string;
  /** The account's `sessionEpoch` when the session was signed in. */
  epoch?: number;
}

const rank: Record<StaffRole, number> = { analyst: 0, coordinator: 1, admin: 2 };

/**
 * Whether a change takes access away from an account: a lower role, or fewer studies (an admin
 * sees every study, so their list matters only once they are no longer admin).
 */
export const takesAccessAway = (before: Pick<StaffMember, 'role' | 'studies'>, after: Pick<StaffMember, 'role' | 'studies'>): boolean =>
  rank[after.role] < rank[before.role] || (after.role !== 'admin' && before.studies.some((s) => !after.studies.includes(s)));

/** Whether a session signed in earlier is still good for the account as it is now. */
export const sessionStillValid = (session: Pick<StaffSession, 'createdAt' | 'epoch'>, member: Pick<StaffMember, 'sessionsValidFrom' | 'sessionEpoch'>): boolean =>
  (session.epoch ?? 0) === (member.sessionEpoch ?? 0) && (member.sessionsValidFrom === undefined || session.createdAt >= member.sessionsValidFrom);

export const SIGN_IN_CODE_MINUTES = 15;
export const SESSION_HOURS = 12;

/** Whether a member may act on a study at all (roles decide what they may do there). */
export const canAccessStudy = (who: Pick<StaffMember, 'role' | 'studies'>, studyId: string): boolean =>
  can(who.role, 'studies.all') || who.studies.includes(studyId);
