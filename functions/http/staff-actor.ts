import type { Context } from 'hono';
import type { Actor } from '../use-cases/deps';
import type { AppEnv } from './env';

/** The signed-in staff member, as the audit trail names whoever acted. */
export const staffActor = (c: Context<AppEnv>): Actor => `staff:${c.get('session').email}`;
