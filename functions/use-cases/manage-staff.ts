import { z } from 'zod';
import { badRequest, conflict, notFound } from '../core/errors';
import { staffRoles, type StaffMember } from '../core/auth/staff';
import { recordAudit } from './audit';
import type { Actor, Deps } from './deps';
import { parseInput } from './parse-input';

export const staffMemberSchema = z.strictObject({
  name: z.string().min(1).max(200),
  role: z.enum(staffRoles),
  studies: z.array(z.string().regex(/^[a-z0-9][a-z0-9-]{1,39}$/)).max(200).default([]),
});

type StaffDeps = Pick<Deps, 'staff' | 'studies' | 'audit' | 'clock' | 'secrets'>;

const emailOf = (email: string) => {
  if (!z.email().safeParse(email).success) throw badRequest('email', 'not an email address');
  return email.toLowerCase();
};

/** Creates or changes a staff account (admins only); takes effect on the member's next request. */
export async function putStaffMember(deps: StaffDeps, actor: Actor, email: string, body: unknown): Promise<StaffMember> {
  const address = emailOf(email);
  const input = parseInput(staffMemberSchema, body);
  for (const id of input.studies) if ((await deps.studies.get(id)) === null) throw badRequest('studies', `no study ${id}`);
  const before = await deps.staff.get(address);
  // An admin demoting themselves could leave the deployment with no admin at all.
  if (before?.role === 'admin' && input.role !== 'admin' && actor === `staff:${address}`) {
    throw conflict('you cannot take away your own admin role: ask another admin', 'role');
  }
  // A new account (perhaps one removed earlier) accepts only sessions signed in from now on.
  const validFrom = before ? before.sessionsValidFrom : deps.clock.now().toISOString();
  const member: StaffMember = { email: address, ...input, ...(validFrom ? { sessionsValidFrom: validFrom } : {}) };
  await deps.staff.put(member);
  await recordAudit(deps, { scope: 'staff', actor, action: before ? 'staff.changed' : 'staff.created', target: `staff:${member.email}`, before, after: member });
  return member;
}

/**
 * Removes a staff account (admins only). Every request checks the account, so its sessions stop
 * working at once; re-creating it later does not revive them (see `sessionsValidFrom`). An admin
 * cannot remove themselves, so at least one admin always remains.
 */
export async function removeStaffMember(deps: StaffDeps, actor: Actor, email: string): Promise<void> {
  const address = emailOf(email);
  if (actor === `staff:${address}`) throw conflict('you cannot remove your own account: ask another admin', 'email');
  const before = await deps.staff.get(address);
  if (before === null) throw notFound(`staff account ${address}`);
  await deps.staff.remove(address);
  await recordAudit(deps, { scope: 'staff', actor, action: 'staff.removed', target: `staff:${address}`, before });
}
