import { describe, expect, it } from 'vitest';
import { can, permissions, type Capability } from '../../functions/core/auth/permissions';
import { staffRoles } from '../../functions/core/auth/staff';
import { canCreateStudies, homeSection, sectionsFor } from '../../web/src/console/lib/roles';

const capabilitiesOf = (role: (typeof staffRoles)[number]) => (Object.keys(permissions) as Capability[]).filter((c) => can(role, c)).sort();

describe('the permissions module', () => {
  it('lets analysts read studies and export scored data, nothing else (no contact details, no changes)', () => {
    expect(capabilitiesOf('analyst')).toEqual(['data.export', 'studies.read']);
  });

  it('lets coordinators run their studies but not randomisation, staff accounts or other studies', () => {
    expect(capabilitiesOf('coordinator')).toEqual(['audit.read', 'data.export', 'participants.manage', 'studies.configure', 'studies.create', 'studies.monitor', 'studies.read']);
  });

  it('gives admins every capability', () => {
    expect(capabilitiesOf('admin')).toEqual(Object.keys(permissions).sort());
  });
});

describe("the console's pages follow the same permissions", () => {
  it('shows analysts only the exports and the outcome summary, and lands them on the exports', () => {
    expect(sectionsFor('analyst')).toEqual(['exports', 'summary']);
    expect(homeSection('analyst')).toBe('exports');
    expect(canCreateStudies('analyst')).toBe(false);
  });

  it('shows coordinators every page but the allocation, and lands them on the participants', () => {
    expect(sectionsFor('coordinator')).toEqual(['dashboard', 'participants', 'setup', 'audit', 'exports', 'summary']);
    expect(homeSection('coordinator')).toBe('participants');
    expect(canCreateStudies('coordinator')).toBe(true);
  });

  it('shows admins the allocation too', () => {
    expect(sectionsFor('admin')).toEqual(['dashboard', 'participants', 'setup', 'allocation', 'audit', 'exports', 'summary']);
  });
});
