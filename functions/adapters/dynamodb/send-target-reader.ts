import type { SendTargetReader } from '../../core/ports';
import { batchGet } from './batch-get';
import type { Db } from './client';
import { toContact } from './contact-repository';
import { toInstance } from './instance-repository';
import { keys } from './keys';
import { toParticipant } from './participant-repository';

type Item = Record<string, unknown>;
const id = (key: { pk: string; sk: string }) => `${key.pk}\u0000${key.sk}`;

/**
 * The dispatcher's checks for a batch of claimed messages: every target's participant and instance
 * (research table) and contact (contacts table) in strongly consistent BatchGetItem calls, the two
 * tables at once: one call per table for a batch of up to about 50 participants, instead of three
 * GetItem calls a message.
 */
export function createSendTargetReader(db: Db): SendTargetReader {
  return {
    async read(targets) {
      const research = targets.flatMap((t) => [keys.participant(t.studyId, t.code), ...(t.timepoint === undefined ? [] : [keys.instance(t.studyId, t.code, t.timepoint)])]);
      const contacts = targets.map((t) => keys.contact(t.studyId, t.code));
      const [found, foundContacts] = await Promise.all([batchGet(db, db.tables.research, research), batchGet(db, db.tables.contacts, contacts)]);
      const byKey = new Map<string, Item>([...found, ...foundContacts].map((item) => [id(item as { pk: string; sk: string }), item]));
      // Both tables use the same key shapes; a contact's sort key (CONTACT#) never meets the research table's.
      const lookup = (key: { pk: string; sk: string }) => byKey.get(id(key));
      return {
        participant: (studyId, code) => {
          const item = lookup(keys.participant(studyId, code));
          return item ? toParticipant(item) : null;
        },
        instance: (studyId, code, timepoint) => {
          const item = lookup(keys.instance(studyId, code, timepoint));
          return item ? toInstance(item) : null;
        },
        contact: (studyId, code) => {
          const item = lookup(keys.contact(studyId, code));
          return item ? toContact(item) : null;
        },
      };
    },
  };
}
