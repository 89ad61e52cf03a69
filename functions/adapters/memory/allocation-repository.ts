import type { AllocationRecord, AllocationRepository } from '../../core/ports';
import { key, MemoryTable, pad } from './store';

/** How long a slot may wait for its participant before the dispatcher finishes the enrolment. */
const SETTLE_AFTER_MS = 60_000;

type Item = AllocationRecord & { pending?: boolean };
const toRecord = ({ pending: _p, ...record }: Item): AllocationRecord => record;

/** Allocation slots, one per sequence number, written once. */
export function createMemoryAllocationRepository(): AllocationRepository {
  const slots = new MemoryTable<Item>();
  const keyOf = (studyId: string, sequence: number) => key(studyId, pad(sequence, 6));
  return {
    async latest(studyId) {
      const all = slots.list(`${studyId}#`);
      return all.length === 0 ? null : toRecord(all[all.length - 1]!);
    },
    async get(studyId, sequence) {
      const item = slots.get(keyOf(studyId, sequence));
      return item === null ? null : toRecord(item);
    },
    async claim(record) {
      const k = keyOf(record.studyId, record.sequence);
      if (slots.peek(k) !== undefined) return false;
      slots.set(k, { ...record, pending: true, due: { kind: 'ALLOCATED', at: new Date(Date.parse(record.at) + SETTLE_AFTER_MS).toISOString() } });
      return true;
    },
    async settle(studyId, sequence) {
      const item = slots.peek(keyOf(studyId, sequence));
      if (item?.pending === undefined) return;
      const { pending: _p, due: _d, ...rest } = item;
      slots.set(keyOf(studyId, sequence), rest);
    },
    async markVoid(studyId, sequence, reason, at) {
      const item = slots.peek(keyOf(studyId, sequence));
      if (item === undefined || item.void !== undefined) return;
      const { pending: _p, due: _d, ...rest } = item;
      slots.set(keyOf(studyId, sequence), { ...rest, void: { reason, at: at.toISOString() } });
    },
    async list(studyId) {
      return slots.list(`${studyId}#`).map((item) => {
        const { sealed: _sealed, ...record } = toRecord(item);
        return record;
      });
    },
    async findByCode(studyId, code) {
      const item = slots.list(`${studyId}#`).find((slot) => slot.code === code);
      return item === undefined ? null : toRecord(item);
    },
    listPending: async (now, limit) => slots.due('ALLOCATED', now, limit).map(toRecord),
  };
}
