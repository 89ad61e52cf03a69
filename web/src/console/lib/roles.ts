import { can, type Capability } from '../../../../functions/core/auth/permissions';
import type { Role } from './types';

export { can };

/** The per-study pages of the console, in navigation order. */
export type Section = 'dashboard' | 'participants' | 'setup' | 'allocation' | 'audit' | 'exports' | 'summary';

export const sectionLabels: Record<Section, string> = {
  dashboard: 'Dashboard',
  participants: 'Participants',
  setup: 'Study setup',
  allocation: 'Allocation',
  audit: 'Audit log',
  exports: 'Exports',
  summary: 'Outcome summary',
};

/** The capability each page needs: the one its API calls are declared with, from the permissions module the server enforces. */
const sectionCapability: Record<Section, Capability> = {
  dashboard: 'studies.monitor',
  participants: 'participants.manage',
  setup: 'studies.configure',
  allocation: 'allocation.manage',
  audit: 'audit.read',
  exports: 'data.export',
  summary: 'data.export',
};

const sections = Object.keys(sectionLabels) as Section[];

/**
 * What each role sees. The server enforces the same permissions (analysts never reach contact
 * details or participant management); hiding here only keeps people away from pages that would
 * refuse them.
 */
export const sectionsFor = (role: Role): Section[] => sections.filter((section) => can(role, sectionCapability[section]));

/** Whether a role may create studies (and so sees the button). */
export const canCreateStudies = (role: Role) => can(role, 'studies.create');

/** Where a role lands in a study: coordinators enrol and look people up most; analysts export. */
export const homeSection = (role: Role): Section => (can(role, 'participants.manage') ? 'participants' : 'exports');
