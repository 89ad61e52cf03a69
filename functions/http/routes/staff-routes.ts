import { Hono } from 'hono';
import { auditQuerySchema, auditTrail } from '../../use-cases/audit-trail';
import { putStaffMember, removeStaffMember, staffMemberSchema } from '../../use-cases/manage-staff';
import { requireStaff } from '../auth';
import type { AppDeps, AppEnv } from '../env';
import { documented } from '../openapi';
import { readJson } from '../read-json';

const tag = 'Staff';
const admins = ['admin'] as const;

const docs = {
  list: documented({ method: 'get', path: '/api/staff', tag, summary: 'Staff accounts', roles: admins, responses: { 200: '{staff}' } }),
  put: documented({ method: 'put', path: '/api/staff/{email}', tag, summary: 'Create or change a staff account; a lower role or fewer studies ends its sessions at once', roles: admins, body: staffMemberSchema, responses: { 200: '{member}', 409: 'Changed by someone else meanwhile, your own admin role, or the last admin' } }),
  remove: documented({ method: 'delete', path: '/api/staff/{email}', tag, summary: 'Remove a staff account: its sessions stop working at once', roles: admins, responses: { 204: 'Removed', 404: 'No such account', 409: 'Your own account, the last admin, or changed by someone else meanwhile' } }),
  audit: documented({ method: 'get', path: '/api/staff/audit', tag, summary: 'Sign-ins and account changes, newest first', roles: admins, query: auditQuerySchema, responses: { 200: '{entries, truncated}' } }),
};

/** Admins manage staff accounts. */
export function staffRoutes(deps: AppDeps) {
  return new Hono<AppEnv>()
    .get('/', requireStaff(deps, docs.list.roles), async (c) => c.json({ staff: await deps.staff.list() }))
    .get('/audit', requireStaff(deps, docs.audit.roles), async (c) => c.json(await auditTrail(deps, 'staff', c.req.query())))
    .put('/:email', requireStaff(deps, docs.put.roles), async (c) =>
      c.json({ member: await putStaffMember(deps, `staff:${c.get('session').email}`, c.req.param('email'), await readJson(c)) }),
    )
    .delete('/:email', requireStaff(deps, docs.remove.roles), async (c) => {
      await removeStaffMember(deps, `staff:${c.get('session').email}`, c.req.param('email'));
      return c.body(null, 204);
    });
}
