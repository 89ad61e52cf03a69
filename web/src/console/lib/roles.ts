import type { Role } from './types';

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

/**
 * What each role sees. The server enforces the same split (analysts never reach contact details
 * or participant management); hiding here only keeps people away from pages that would refuse them.
 */
export function sectionsFor(role: Role): Section[] {
  if (role === 'analyst') return ['exports', 'summary'];
  // The allocation log and counts are an admin's (the server refuses anyone else).
  return role === 'admin' ? ['dashboard', 'participants', 'setup', 'allocation', 'audit', 'exports', 'summary'] : ['dashboard', 'participants', 'setup', 'audit', 'exports', 'summary'];
}

export const canManage = (role: Role) => role === 'admin' || role === 'coordinator';

/** Where a role lands in a study: coordinators enrol and look people up most; analysts export. */
export const homeSection = (role: Role): Section => (role === 'analyst' ? 'exports' : 'participants');
