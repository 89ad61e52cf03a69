import type { StaffMember, StaffSession } from '../../core/auth/staff';
import type { StaffRepository } from '../../core/ports';
import { audited, conditionFailed, MemoryTable, type MemoryAuditLog } from './store';

/** As stored: the account, and its tombstone once removed. */
type Item = StaffMember & { version: number; removedAt?: string };

const toMember = ({ removedAt: _r, ...member }: Item): StaffMember => member;

/** Staff accounts, versioned as in the DynamoDB adapter: every change is conditioned on the version read. */
export function createMemoryStaffRepository(log: MemoryAuditLog): StaffRepository {
  const accounts = new MemoryTable<Item>();
  const guard = { holder: undefined as string | undefined, leaseUntil: '' };
  const codes = new MemoryTable<{ email: string; used: boolean; expiresAt: string; usedAt?: string }>();
  const latestCode = new Map<string, string>();
  const sessions = new MemoryTable<StaffSession>();
  const id = (email: string) => email.toLowerCase();
  const live = (email: string) => {
    const item = accounts.peek(id(email));
    return item !== undefined && item.removedAt === undefined ? item : undefined;
  };
  /** Live and still at the version the caller read. */
  const unchangedSince = (expected: StaffMember) => {
    const item = live(expected.email);
    return item !== undefined && expected.version !== undefined && item.version === expected.version ? item : undefined;
  };
  const get = async (email: string) => {
    const item = accounts.get(id(email));
    return item === null || item.removedAt !== undefined ? null : toMember(item);
  };

  return {
    get,
    list: async () => accounts.list().filter((item) => item.removedAt === undefined).map(toMember),

    async put(member) {
      const { version: _v, sessionEpoch: _s, ...fields } = member;
      const { removedAt: _r, ...existing } = accounts.peek(id(member.email)) ?? ({} as Partial<Item>);
      accounts.set(id(member.email), { ...(existing as Item), ...fields, email: id(member.email), version: (existing.version ?? 0) + 1 });
    },

    async create(member, audit, options = {}) {
      const existing = accounts.peek(id(member.email));
      const allowed = existing === undefined || (options.reviveRemoved !== false && existing.removedAt !== undefined);
      if (!allowed) return null;
      // A removed account's tombstone keeps its session generation, so its old sessions stay dead.
      const { removedAt: _r, sessionsValidFrom: _v, ...kept } = existing ?? ({} as Partial<Item>);
      const next: Item = {
        ...(kept as Item),
        email: id(member.email),
        name: member.name,
        role: member.role,
        studies: member.studies,
        version: (existing?.version ?? 0) + 1,
        sessionEpoch: existing?.sessionEpoch ?? 0,
        ...(member.sessionsValidFrom ? { sessionsValidFrom: member.sessionsValidFrom } : {}),
      };
      accounts.set(id(member.email), next);
      audited(log, audit, true);
      return toMember(next);
    },

    async replace(expected, next, { endSessions, audit }) {
      const item = unchangedSince(expected);
      if (item === undefined) return null;
      const stored: Item = {
        ...item,
        name: next.name,
        role: next.role,
        studies: next.studies,
        version: item.version + 1,
        ...(endSessions ? { sessionEpoch: (item.sessionEpoch ?? 0) + 1 } : {}),
      };
      accounts.set(id(expected.email), stored);
      audited(log, audit, true);
      return toMember(stored);
    },

    async remove(expected, at, audit) {
      const item = unchangedSince(expected);
      if (item === undefined) return false;
      // A tombstone, not a delete: a stale write conditioned on the account can never bring it back.
      accounts.set(id(expected.email), { ...item, removedAt: at.toISOString(), version: item.version + 1, sessionEpoch: (item.sessionEpoch ?? 0) + 1 });
      return audited(log, audit, true);
    },

    async addStudy(email, studyId, audit) {
      const item = live(email);
      const applied = item !== undefined && item.role === 'coordinator' && !(item.studies ?? []).includes(studyId);
      if (applied) accounts.set(id(email), { ...item, studies: [...(item.studies ?? []), studyId], version: item.version + 1 });
      return audited(log, audit, applied);
    },

    async lockAdmins(holder, now, leaseMs) {
      if (guard.holder !== undefined && !(guard.leaseUntil < now.toISOString())) return false;
      guard.holder = holder;
      guard.leaseUntil = new Date(now.getTime() + leaseMs).toISOString();
      return true;
    },

    async unlockAdmins(holder) {
      if (guard.holder === holder) guard.holder = undefined;
    },

    async putLoginCode(hash, email, expiresAt) {
      if (codes.peek(hash) !== undefined) throw conditionFailed('the sign-in code exists');
      codes.set(hash, { email, used: false, expiresAt: expiresAt.toISOString() });
      // From now on only this code counts for the address.
      latestCode.set(id(email), hash);
    },

    async consumeLoginCode(hash, now) {
      const code = codes.peek(hash);
      if (code === undefined || code.used || !(code.expiresAt > now.toISOString())) return null;
      codes.set(hash, { ...code, used: true, usedAt: now.toISOString() });
      const latest = latestCode.get(id(code.email));
      return latest === undefined || latest === hash ? code.email : null;
    },

    putSession: async (hash, session) => sessions.set(hash, session),
    getSession: async (hash) => sessions.get(hash),
    deleteSession: async (hash) => {
      sessions.delete(hash);
    },
  };
}
