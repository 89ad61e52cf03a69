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
export async function race<A, B>(a: () => A | Promise<A>, b: () => B | Promise<B>, jitterMs = 8): Promise<[A, B]> {
  const jitter = () => new Promise((resolve) => setTimeout(resolve, Math.random() * jitterMs));
  return Promise.all([jitter().then(a), jitter().then(b)]);
}

/**
 * Reads of shared records answer `ms` late, as they do in AWS where every call crosses the
 * network: the gap between a read and the write based on it (where a lost write happens) is then
 * as wide as in production rather than the emulator's fraction of a millisecond.
 */
export function networkLatency(t: TestContext, ms: number): () => void {
  const { staff, studies, participants } = t.deps;
  const late = <T>(value: T) => new Promise<T>((resolve) => setTimeout(() => resolve(value), ms));
  t.deps.staff = { ...staff, get: (email) => staff.get(email).then(late) };
  t.deps.studies = { ...studies, get: (id) => studies.get(id).then(late), read: (id) => studies.read(id).then(late) };
  t.deps.participants = { ...participants, get: (id, code) => participants.get(id, code).then(late) };
  return () => Object.assign(t.deps, { staff, studies, participants });
}

export const staffPath = (email: string) => `/api/staff/${encodeURIComponent(email)}`;

/** Every test's races, summed into the line the closing note quotes: "0 of 30 races lost". */
export function tally(label: string, lost: number, races: number): void {
  console.log(`${label}: ${lost} of ${races} races lost`);
}
