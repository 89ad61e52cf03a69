/** A staff member's role: what they may do follows from it (see `permissions`). */
export type StaffRole = 'admin' | 'coordinator' | 'analyst';

const everyone = ['admin', 'coordinator', 'analyst'] as const satisfies readonly StaffRole[];
const setup = ['admin', 'coordinator'] as const satisfies readonly StaffRole[];
const admins = ['admin'] as const satisfies readonly StaffRole[];

/**
 * What each staff role may do, once, for the whole platform: the API's routes name a capability
 * (and are refused to every other role), the use cases ask `can` for the finer rules, and the
 * console shows only the pages a role's capabilities open. Pure data, so the browser shares it.
 * Analysts work with scored data only: nothing here that shows contact details or changes a study
 * is theirs.
 */
export const permissions = {
  /** Be signed in: who am I, the studies one works on, a study and its protocol, the instrument catalogue, a timepoint's preview. */
  'studies.read': everyone,
  /** Create a study (a coordinator becomes its coordinator). */
  'studies.create': setup,
  /** Change a study: settings, email wording, protocol versions and migrations. */
  'studies.configure': setup,
  /** Watch adherence and act on it: the dashboard, safety alerts. */
  'studies.monitor': setup,
  /** A study's audit trail. */
  'audit.read': setup,
  /** Enrol, import, change, withdraw and look up participants, their timelines, contact details and consent records. */
  'participants.manage': setup,
  /** Scored data: exports and the outcome summary (never contact details). */
  'data.export': everyone,
  /**
   * Randomisation itself: set or change a study's allocation, see its block sizes and the
   * allocation log, and choose or change a randomised arm by hand (with a reason).
   */
  'allocation.manage': admins,
  /** Staff accounts and their trail. */
  'staff.manage': admins,
  /** Work on every study, not only those listed on one's account. */
  'studies.all': admins,
} as const satisfies Record<string, readonly StaffRole[]>;

/** Something a staff member may be allowed to do; see `permissions`. */
export type Capability = keyof typeof permissions;

/** The roles that have `capability`. */
export const rolesFor = (capability: Capability): readonly StaffRole[] => permissions[capability];

/** Whether `role` has `capability`. */
export const can = (role: StaffRole, capability: Capability): boolean => rolesFor(capability).includes(role);
