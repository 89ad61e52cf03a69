export type StaffRole = 'admin' | 'coordinator' | 'analyst';

export const staffRoles: readonly StaffRole[] = ['admin', 'coordinator', 'analyst'];

/** A staff account. `studies` lists the studies the member works on; admins see every study. */
export interface StaffMember {
  email: string;
  name: string;
  role: StaffRole;
  studies: string[];
  /**
   * Sessions created before this instant are refused. Set when an account is created, so that
   * re-creating a removed account does not bring its old sessions back to life.
   */
  sessionsValidFrom?: string;
}

export interface StaffSession {
  email: string;
  role: StaffRole;
  studies: string[];
  createdAt: string;
  expiresAt: string;
}

export const SIGN_IN_CODE_MINUTES = 15;
export const SESSION_HOURS = 12;

/** Whether a member may act on a study at all (roles decide what they may do there). */
export const canAccessStudy = (who: Pick<StaffMember, 'role' | 'studies'>, studyId: string): boolean =>
  who.role === 'admin' || who.studies.includes(studyId);
