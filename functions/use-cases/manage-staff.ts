import { badRequest, conflict, forbidden, notFound } from '../core/errors';
import { staffRoles, takesAccessAway, type StaffMember } from '../core/auth/staff';
import { auditEntry } from './audit';
import type { Actor, Deps } from './deps';
import { parseInput } from './parse-input';
import { staffInput } from './staff-input-loader';

type StaffDeps = Pick<Deps, 'staff' | 'studies' | 'audit' | 'clock' | 'secrets'>;

/** How long the admin guard holds should its holder die mid-change (a change takes milliseconds). */
const ADMIN_GUARD_LEASE_MS = 15_000;

const emailOf = async (email: string) => {
  if (!(await staffInput()).staffEmailSchema.safeParse(email).success) throw badRequest('email', 'not an email address');
  return email.toLowerCase();
};

const changedMeanwhile = (email: string) => conflict(`the account ${email} was changed by someone else meanwhile: reload and try again`, 'email');

/**
 * Creates or changes a staff account (admins only). A change that takes access away (a lower
 * role, fewer studies) ends the account's sessions at once. Every write is conditioned on the
 * account as it was read: a concurrent change makes this one fail with 409, never undoes it.
 */
export async function putStaffMember(deps: StaffDeps, actor: Actor, email: string, body: unknown): Promise<StaffAccountView> {
  const address = await emailOf(email);
  const input = parseInput((await staffInput()).staffMemberSchema, body);
  for (const id of input.studies) if ((await deps.studies.get(id)) === null) throw badRequest('studies', `no study ${id}`);
  const before = await deps.staff.get(address);
  // An admin demoting themselves could leave the deployment with no admin at all.
  if (before?.role === 'admin' && input.role !== 'admin' && actor === `staff:${address}`) {
    throw conflict('you cannot take away your own admin role: ask another admin', 'role');
  }
  const target = `staff:${address}`;
  if (before === null) {
    const created = await deps.staff.create(
      // Sessions from before (an account removed before removals left a tombstone) never count again.
      { email: address, ...input, sessionsValidFrom: deps.clock.now().toISOString() },
      auditEntry(deps, { scope: 'staff', actor, action: 'staff.created', target, after: { email: address, ...input } }),
    );
    if (created === null) throw changedMeanwhile(address);
    return publicView(created);
  }
  const change = async (current: StaffMember) => {
    const after = await deps.staff.replace(current, input, {
      endSessions: takesAccessAway(current, input),
      audit: auditEntry(deps, { scope: 'staff', actor, action: 'staff.changed', target, before: publicView(current), after: { email: address, ...input } }),
    });
    if (after === null) throw changedMeanwhile(address);
    return after;
  };
  return publicView(await (before.role === 'admin' && input.role !== 'admin' ? withAdminGuard(deps, actor, address, () => change(before)) : change(before)));
}

/**
 * Removes a staff account (admins only): its sessions end at once, and the account stays removed
 * (a tombstone) until an admin deliberately creates it again, with no old session valid. An
 * admin cannot remove themselves, and the last admin cannot be removed.
 */
export async function removeStaffMember(deps: StaffDeps, actor: Actor, email: string): Promise<void> {
  const address = await emailOf(email);
  if (actor === `staff:${address}`) throw conflict('you cannot remove your own account: ask another admin', 'email');
  const before = await deps.staff.get(address);
  if (before === null) throw notFound(`staff account ${address}`);
  const remove = async (current: StaffMember) => {
    const audit = auditEntry(deps, { scope: 'staff', actor, action: 'staff.removed', target: `staff:${address}`, before: publicView(current) });
    if (!(await deps.staff.remove(current, deps.clock.now(), audit))) throw changedMeanwhile(address);
  };
  await (before.role === 'admin' ? withAdminGuard(deps, actor, address, () => remove(before)) : remove(before));
}

/**
 * A staff account as admins see it, and as the audit trail shows it: who, which role, which
 * studies. Never the session bookkeeping (`sessionEpoch`, `sessionsValidFrom`) or the storage
 * revision, which say when someone's sessions were ended and are no business of the screen.
 */
export type StaffAccountView = Pick<StaffMember, 'email' | 'name' | 'role' | 'studies'>;

const publicView = ({ email, name, role, studies }: StaffMember): StaffAccountView => ({ email, name, role, studies });

/**
 * Runs a change that takes the admin role from `address` while holding the admin guard, the one
 * item all such changes must hold: under it the account, the acting admin and every other admin
 * are read afresh, so two admins removing or demoting each other at the same moment can never
 * both succeed, and the console can never leave the deployment without an admin.
 */
async function withAdminGuard<T>(deps: StaffDeps, actor: Actor, address: string, change: () => Promise<T>): Promise<T> {
  const holder = deps.secrets.id();
  for (let attempt = 0; !(await deps.staff.lockAdmins(holder, deps.clock.now(), ADMIN_GUARD_LEASE_MS)); attempt++) {
    if (attempt >= 40) throw conflict('another change to an admin account is being saved at this moment: try again', 'role');
    await new Promise((resolve) => setTimeout(resolve, 10 + Math.random() * 40));
  }
  try {
    const current = await deps.staff.get(address);
    if (current === null) throw notFound(`staff account ${address}`);
    // An operator at the command line (a system actor) holds the database itself, not a role, and
    // may remove the last admin on purpose (`npx timepoint staff add` makes one again).
    if (actor.startsWith('staff:')) {
      // The acting admin may have lost the role while waiting (the other side of a mutual demotion).
      if ((await deps.staff.get(actor.slice('staff:'.length)))?.role !== 'admin') throw forbidden('your admin role was taken away meanwhile');
      if (current.role === 'admin' && !(await deps.staff.list()).some((m) => m.role === 'admin' && m.email !== address)) {
        throw conflict(`${address} is the last admin: make another account admin first`, 'role');
      }
    }
    // Conditioned on the account as first read: changed meanwhile, it fails with 409 rather than overwrite.
    return await change();
  } finally {
    await deps.staff.unlockAdmins(holder).catch(() => {});
  }
}

/** The staff accounts, for the admins who manage them. */
export async function listStaff(deps: Pick<Deps, 'staff'>): Promise<{ staff: StaffAccountView[] }> {
  return { staff: (await deps.staff.list()).map(publicView) };
}
