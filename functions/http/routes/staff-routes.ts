import { auditTrail } from '../../use-cases/audit-trail';
import { listStaff, putStaffMember, removeStaffMember } from '../../use-cases/manage-staff';
import { staffSchema } from '../../use-cases/staff-input-loader';
import { defineRoute } from '../define-route';
import { readJson } from '../read-json';
import { staffActor } from '../staff-actor';

const tag = 'Staff';

/** Admins manage staff accounts. */
export const staffRoutes = [
  defineRoute({ method: 'get', path: '/api/staff', tag, summary: 'Staff accounts', capability: 'staff.manage', responses: { 200: '{staff}' } }, async (c, deps) => c.json(await listStaff(deps))),
  defineRoute(
    { method: 'get', path: '/api/staff/audit', tag, summary: 'Sign-ins and account changes, newest first', capability: 'staff.manage', query: staffSchema('auditQuerySchema'), responses: { 200: '{entries, truncated}' } },
    async (c, deps) => c.json(await auditTrail(deps, 'staff', c.req.query())),
  ),
  defineRoute(
    {
      method: 'put',
      path: '/api/staff/:email',
      tag,
      summary: 'Create or change a staff account; a lower role or fewer studies ends its sessions at once',
      capability: 'staff.manage',
      body: staffSchema('staffMemberSchema'),
      responses: { 200: '{member}', 409: 'Changed by someone else meanwhile, your own admin role, or the last admin' },
    },
    async (c, deps) => c.json({ member: await putStaffMember(deps, staffActor(c), c.req.param('email'), await readJson(c)) }),
  ),
  defineRoute(
    {
      method: 'delete',
      path: '/api/staff/:email',
      tag,
      summary: 'Remove a staff account: its sessions stop working at once',
      capability: 'staff.manage',
      responses: { 204: 'Removed', 404: 'No such account', 409: 'Your own account, the last admin, or changed by someone else meanwhile' },
    },
    async (c, deps) => {
      await removeStaffMember(deps, staffActor(c), c.req.param('email'));
      return c.body(null, 204);
    },
  ),
] as const;
