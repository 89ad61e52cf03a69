import { z } from 'zod';
import { badRequest } from '../core/errors';
import { staffRoles, type StaffMember } from '../core/auth/staff';
import { recordAudit } from './audit';
import type { Actor, Deps } from './deps';
import { parseInput } from './parse-input';

export const staffMemberSchema = z.strictObject({
  name: z.string().min(1).max(200),
  role: z.enum(staffRoles),
  studies: z.array(z.string().regex(/^[a-z0-9][a-z0-9-]{1,39}$/)).max(200).default([]),
});

/** Creates or changes a staff account (admins only); takes effect on the member's next request. */
export async function putStaffMember(deps: Pick<Deps, 'staff' | 'studies' | 'audit' | 'clock' | 'secrets'>, actor: Actor, email: string, body: unknown): Promise<StaffMember> {
  if (!z.email().safeParse(email).success) throw badRequest('email', 'not an email address');
  const input = parseInput(staffMemberSchema, body);
  for (const id of input.studies) if ((await deps.studies.get(id)) === null) throw badRequest('studies', `no study ${id}`);
  const before = await deps.staff.get(email);
  const member: StaffMember = { email: email.toLowerCase(), ...input };
  await deps.staff.put(member);
  await recordAudit(deps, { scope: 'staff', actor, action: before ? 'staff.changed' : 'staff.created', target: `staff:${member.email}`, before, after: member });
  return member;
}
