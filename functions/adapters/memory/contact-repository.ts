import type { Contact, ContactRepository } from '../../core/ports';
import { audited, key, MemoryTable, type MemoryAuditLog } from './store';

/** One participant per address per study: the reservation is keyed by the normalised address. */
const normalise = (email: string) => email.trim().toLowerCase();

export function createMemoryContactRepository(log: MemoryAuditLog): ContactRepository {
  const contacts = new MemoryTable<Contact>();
  const reservations = new MemoryTable<{ code: string; reservedAt: string }>();
  const reservationKey = (studyId: string, email: string) => key(studyId, normalise(email));
  const release = (studyId: string, email: string, code: string) => {
    if (reservations.peek(reservationKey(studyId, email))?.code === code) reservations.delete(reservationKey(studyId, email));
  };

  return {
    async reserveEmail(studyId, email, code, now) {
      const held = reservations.peek(reservationKey(studyId, email));
      if (held !== undefined) return { ok: false, heldBy: held.code, reservedAt: held.reservedAt };
      reservations.set(reservationKey(studyId, email), { code, reservedAt: now.toISOString() });
      return { ok: true };
    },

    async takeOverEmail(studyId, email, fromCode, toCode, now) {
      if (reservations.peek(reservationKey(studyId, email))?.code !== fromCode) return false;
      reservations.set(reservationKey(studyId, email), { code: toCode, reservedAt: now.toISOString() });
      return true;
    },

    releaseEmail: async (studyId, email, code) => release(studyId, email, code),

    async putContact(studyId, code, email) {
      // A new address starts with no suppression; an unsubscription stays (it is about the person).
      const { suppressed: _s, ...rest } = contacts.peek(key(studyId, code)) ?? {};
      contacts.set(key(studyId, code), { ...rest, email });
    },

    get: async (studyId, code) => contacts.get(key(studyId, code)),

    async suppress(studyId, code, reason, at) {
      const item = contacts.peek(key(studyId, code));
      if (item !== undefined) contacts.set(key(studyId, code), { ...item, suppressed: item.suppressed ?? { reason, at: at.toISOString() } });
    },

    heldBy: async (studyId, email) => reservations.get(reservationKey(studyId, email))?.code ?? null,

    async heldByMany(studyId, emails) {
      const held = new Map<string, string>();
      for (const email of emails) {
        const reservation = reservations.get(reservationKey(studyId, email));
        if (reservation) held.set(email, reservation.code);
      }
      return held;
    },

    async listStatuses(studyId) {
      return contacts.entries(`${studyId}#`).map(([k, item]) => ({
        code: k.slice(studyId.length + 1),
        ...(item.suppressed ? { suppressed: item.suppressed } : {}),
        ...(item.unsubscribedAt ? { unsubscribedAt: item.unsubscribedAt } : {}),
      }));
    },

    async unsubscribe(studyId, code, at, audit) {
      const item = contacts.peek(key(studyId, code));
      // Once: a second click changes nothing and leaves no second entry.
      const applied = item !== undefined && !(audit && item.unsubscribedAt);
      if (applied) contacts.set(key(studyId, code), { ...item, unsubscribedAt: item.unsubscribedAt ?? at.toISOString() });
      audited(log, audit, applied);
    },

    async erase(studyId, code) {
      const item = contacts.peek(key(studyId, code));
      if (item === undefined) return false;
      release(studyId, item.email, code);
      contacts.delete(key(studyId, code));
      return true;
    },
  };
}
