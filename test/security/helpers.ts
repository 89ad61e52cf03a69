import { randomBytes } from 'node:crypto';
import type { StaffMember } from '../../functions/core/auth/staff';
import type { TestContext } from '../helpers/test-context';

/**
 * Signs a staff member in through the real flow from a client address of its own, so the many
 * sign-ins a race test needs are not themselves stopped by the per-client sign-in limit.
 */
export async function signInFresh(t: TestContext, member: Omit<StaffMember, 'name'> & { name?: string }): Promise<string> {
  const previous = t.deps.clientAddress;
  t.deps.clientAddress = () => `setup-${randomBytes(6).toString('hex')}`;
  try {
    return await t.signIn(member);
  } finally {
    if (previous === undefined) delete t.deps.clientAddress;
    else t.deps.clientAddress = previous;
  }
}

/** Runs both at the same moment (each after a random few milliseconds, so every interleaving gets its turn). */
export async function race<A, B>(a: () => Promise<A>, b: () => Promise<B>): Promise<[A, B]> {
  const jitter = () => new Promise((resolve) => setTimeout(resolve, Math.random() * 8));
  return Promise.all([jitter().then(a), jitter().then(b)]);
}

export const staffPath = (email: string) => `/api/staff/${encodeURIComponent(email)}`;

/** Every test's races, summed into the line the closing note quotes: "0 of 30 races lost". */
export function tally(label: string, lost: number, races: number): void {
  console.log(`${label}: ${lost} of ${races} races lost`);
}
