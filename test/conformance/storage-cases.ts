import { randomBytes } from 'node:crypto';
import { expect } from 'vitest';
import type { Repositories } from '../../functions/adapters/dynamodb/repositories';
import type { AuditEntry } from '../../functions/core/audit';
import type { AllocationRecord } from '../../functions/core/ports';
import type { Instance } from '../../functions/core/schedule/records';
import type { Participant } from '../../functions/core/study/study';
import { demoStudy } from '../../functions/demo/demo-study';

/**
 * The storage conformance cases: every access pattern of docs/data-model.md (named exactly as in
 * its table) and every rule of its "Why it is safe without transactions", run against each store
 * by storage.test.ts. A case gets fresh ids, so cases share a store without seeing each other.
 */
export interface StorageCase {
  name: string;
  run(repos: Repositories): Promise<void>;
}

const T0 = new Date('2026-03-02T09:00:00.000Z');
const at = (minutes: number) => new Date(T0.getTime() + minutes * 60_000);
const iso = (minutes: number) => at(minutes).toISOString();
const fresh = (prefix: string) => `${prefix}-${randomBytes(5).toString('hex')}`;

const study = (id = fresh('study')) => ({ ...demoStudy, id });
const participant = (studyId: string, code: string, extra: Partial<Participant> = {}): Participant => ({
  studyId, code, arm: 'mbpm', timezone: 'Europe/London', status: 'active', enrolledAt: iso(0), protocolVersion: 1, dates: {}, ...extra,
});
const instance = (studyId: string, code: string, timepoint: string, extra: Partial<Instance> = {}): Instance => ({
  studyId, code, timepoint, arm: 'mbpm', status: 'scheduled', dueAt: iso(0), opensAt: iso(0), closesAt: iso(60 * 24 * 7), instruments: [{ id: 'phq9', version: '1.0' }], ...extra,
});
const message = (studyId: string, code: string, n = 0, sendAt = iso(0)) => ({ studyId, code, timepoint: 'baseline', kind: n === 0 ? ('invitation' as const) : ('reminder' as const), n, sendAt });
const entry = (scope: string, minutes = 0): AuditEntry => ({ id: fresh('audit'), scope, at: iso(minutes), actor: 'system:conformance', action: 'test.change', target: 'x' });
const slot = (studyId: string, sequence: number, code: string, minutes = 0): AllocationRecord => ({
  studyId, sequence, code, arm: 'mbpm', stratum: 'all', strata: {}, at: iso(minutes), by: 'staff:coordinator@example.org', method: 'blocked',
  counts: { all: { mbpm: sequence } }, sealed: 'sealed-state', claim: fresh('claim'), participant: participant(studyId, code),
});
const one = async (repos: Repositories, studyId: string, code: string, n = 0) =>
  (await repos.messages.listForParticipant(studyId, code)).find((m) => m.n === n)!;
const ofStudy = <T extends { studyId: string }>(items: T[], studyId: string) => items.filter((i) => i.studyId === studyId);

export const storageCases: StorageCase[] = [
  // ---- access patterns (docs/data-model.md, "Access patterns") ----
  {
    name: 'count an attempt',
    async run(repos) {
      const key = fresh('attempts');
      const windowMs = 10 * 60_000;
      const A = T0.getTime();
      const t = (ms: number) => new Date(A + ms);
      // Concurrent attempts each get their own place in the count: none slips past a limit.
      const hits = await Promise.all(Array.from({ length: 12 }, () => repos.rateLimits.hit(key, windowMs, t(60_000))));
      expect(hits.map((h) => h.count).sort((a, b) => a - b)).toEqual(Array.from({ length: 12 }, (_, i) => i + 1));
      expect(new Set(hits.map((h) => h.windowStart))).toEqual(new Set([A]));
      // Half-way through the next window, the previous window's 12 count by the half still covered.
      expect((await repos.rateLimits.hit(key, windowMs, t(windowMs * 1.5))).count).toBe(1 + 6);
      // Further on, attempts from before the previous window count no more.
      expect((await repos.rateLimits.hit(key, windowMs, t(windowMs * 3 + 60_000))).count).toBe(1);
      expect((await repos.rateLimits.hit(key, windowMs, t(windowMs * 3 + 60_000))).count).toBe(2);
      // Another key counts apart.
      expect((await repos.rateLimits.hit(fresh('attempts'), windowMs, t(windowMs * 3 + 60_000))).count).toBe(1);
    },
  },
  {
    name: 'give an attempt back',
    async run(repos) {
      const key = fresh('attempts');
      const windowMs = 10 * 60_000;
      const [A, B, C] = [0, 1, 2].map((n) => T0.getTime() + n * windowMs) as [number, number, number];
      const minuteInto = (start: number) => new Date(start + 60_000);
      await repos.rateLimits.hit(key, windowMs, minuteInto(A));
      const second = await repos.rateLimits.hit(key, windowMs, minuteInto(A));
      await repos.rateLimits.refund(key, second.windowStart, windowMs);
      expect((await repos.rateLimits.hit(key, windowMs, minuteInto(A))).count).toBe(2);
      await repos.rateLimits.hit(key, windowMs, minuteInto(A)); // A holds 3
      // A minute into B, 90% of A still counts: 1 + ceil(3 × 0.9).
      expect((await repos.rateLimits.hit(key, windowMs, minuteInto(B))).count).toBe(4);
      // Given back late, after B has begun: it leaves A (now 2: 2 + ceil(2 × 0.9)), not B.
      await repos.rateLimits.refund(key, A, windowMs);
      expect((await repos.rateLimits.hit(key, windowMs, minuteInto(B))).count).toBe(4);
      expect((await repos.rateLimits.hit(key, windowMs, minuteInto(C))).count).toBe(1 + 2);
    },
  },
  {
    name: 'get a study / participant / instance',
    async run(repos) {
      const s = study();
      expect(await repos.studies.createIfAbsent(s)).toBe(true);
      expect(await repos.studies.createIfAbsent(s)).toBe(false);
      await repos.participants.create(participant(s.id, 'P-0001'));
      await repos.instances.upsertPlanned(instance(s.id, 'P-0001', 'baseline'));
      expect((await repos.studies.get(s.id))?.id).toBe(s.id);
      expect(await repos.studies.read(s.id)).toMatchObject({ revision: 1 });
      expect(await repos.participants.get(s.id, 'P-0001')).toMatchObject({ code: 'P-0001', revision: 1 });
      expect(await repos.instances.get(s.id, 'P-0001', 'baseline')).toMatchObject({ status: 'scheduled', closesAt: iso(60 * 24 * 7) });
      expect(await repos.participants.get(s.id, 'P-0404')).toBeNull();
    },
  },
  {
    name: "list a study's participants, instances",
    async run(repos) {
      const s = fresh('study');
      for (const code of ['P-0002', 'P-0001']) {
        await repos.participants.create(participant(s, code));
        for (const tp of ['week8', 'baseline']) await repos.instances.upsertPlanned(instance(s, code, tp));
      }
      expect((await repos.participants.list(s)).map((p) => p.code)).toEqual(['P-0001', 'P-0002']);
      expect((await repos.instances.listForStudy(s)).map((i) => `${i.code}/${i.timepoint}`)).toEqual(['P-0001/baseline', 'P-0001/week8', 'P-0002/baseline', 'P-0002/week8']);
      const pages = [];
      for await (const page of repos.instances.pagesForStudy(s, { pageSize: 3 })) pages.push(page.length);
      expect(pages.reduce((a, b) => a + b, 0)).toBe(4);
    },
  },
  {
    name: 'export a study (participants and instances side by side, a page of each at a time, in code order; participants counted first)',
    async run(repos) {
      const s = fresh('study');
      for (const code of ['P-0003', 'P-0001', 'P-0002']) {
        await repos.participants.create(participant(s, code));
        await repos.instances.upsertPlanned(instance(s, code, 'baseline'));
      }
      const participantPages: string[][] = [];
      for await (const page of repos.participants.pagesForStudy(s, { pageSize: 2 })) participantPages.push(page.map((p) => p.code));
      expect(participantPages.flat()).toEqual(['P-0001', 'P-0002', 'P-0003']);
      expect(participantPages.every((page) => page.length >= 1 && page.length <= 2)).toBe(true);
      const instancePages: string[][] = [];
      for await (const page of repos.instances.pagesForStudy(s, { pageSize: 2 })) instancePages.push(page.map((i) => i.code));
      expect(instancePages.flat()).toEqual(['P-0001', 'P-0002', 'P-0003']);
      // A study with nobody yields no page at all.
      for await (const page of repos.participants.pagesForStudy(fresh('empty'))) expect(page).toEqual([]);
    },
  },
  {
    name: "a participant's instances, messages",
    async run(repos) {
      const s = fresh('study');
      for (const code of ['P-0001', 'P-0011']) {
        await repos.instances.upsertPlanned(instance(s, code, 'baseline'));
        await repos.messages.upsertPlanned(message(s, code, 0));
        await repos.messages.upsertPlanned(message(s, code, 1, iso(60)));
      }
      expect((await repos.instances.listForParticipant(s, 'P-0001')).map((i) => i.code)).toEqual(['P-0001']);
      expect((await repos.messages.listForParticipant(s, 'P-0001')).map((m) => [m.code, m.n, m.status])).toEqual([['P-0001', 0, 'planned'], ['P-0001', 1, 'planned']]);
    },
  },
  {
    name: 'pending work',
    async run(repos) {
      const s = fresh('study');
      await repos.participants.create(participant(s, 'P-0001', { enrolledAt: iso(0) }));
      await repos.messages.upsertPlanned(message(s, 'P-0001', 0, iso(10)));
      await repos.instances.upsertPlanned(instance(s, 'P-0001', 'baseline', { closesAt: iso(30) }));
      expect(ofStudy(await repos.messages.listDue(at(9), 1000), s)).toEqual([]);
      expect(ofStudy(await repos.messages.listDue(at(10), 1000), s).map((m) => m.n)).toEqual([0]);
      expect(ofStudy(await repos.participants.listPlanRequests(at(0), 1000), s)).toEqual([{ studyId: s, code: 'P-0001', requestedAt: iso(0) }]);
      await repos.participants.clearPlanRequest(s, 'P-0001', iso(0));
      expect(ofStudy(await repos.participants.listPlanRequests(at(0), 1000), s)).toEqual([]);
      expect(ofStudy(await repos.instances.listDueExpiries(at(30), 1000), s).map((i) => i.timepoint)).toEqual(['baseline']);
      // A claimed message leaves the send queue for the lease queue, due when its lease runs out.
      const due = await one(repos, s, 'P-0001');
      expect(await repos.messages.claim(due, 'dispatcher-a', at(10), 5 * 60_000)).toBe(true);
      expect(ofStudy(await repos.messages.listDue(at(20), 1000), s)).toEqual([]);
      expect(ofStudy(await repos.messages.listExpiredLeases(at(14), 1000), s)).toEqual([]);
      expect(ofStudy(await repos.messages.listExpiredLeases(at(15), 1000), s).map((m) => m.claimedBy)).toEqual(['dispatcher-a']);
      // A completion queues its follow-up, and leaves the expiry queue.
      expect(await repos.instances.complete(s, 'P-0001', 'baseline', { answers: {}, scores: [], completedAt: iso(20) })).toBe(true);
      expect(ofStudy(await repos.instances.listDueExpiries(at(60), 1000), s)).toEqual([]);
      const [done] = ofStudy(await repos.instances.listPendingCompletions(at(20), 1000), s);
      expect(done?.status).toBe('completed');
      await repos.instances.clearPendingCompletion(done!);
      expect(ofStudy(await repos.instances.listPendingCompletions(at(60), 1000), s)).toEqual([]);
    },
  },
  {
    name: 'delivery feedback',
    async run(repos) {
      const s = fresh('study');
      await repos.messages.upsertPlanned(message(s, 'P-0001'));
      const m = await one(repos, s, 'P-0001');
      await repos.messages.claim(m, 'd', at(0), 60_000);
      const providerId = fresh('ses');
      expect(await repos.messages.markSent(await one(repos, s, 'P-0001'), 'd', providerId, at(1))).toBe(true);
      expect(await repos.messages.recordFeedback(providerId, 'bounced', 'mailbox full', at(2))).toMatchObject({ status: 'bounced', feedback: 'mailbox full' });
      // Delivery never overwrites a bounce.
      expect(await repos.messages.recordFeedback(providerId, 'delivered', 'ok', at(3))).toMatchObject({ status: 'bounced' });
      expect(await repos.messages.recordFeedback(fresh('unknown'), 'delivered', 'ok', at(3))).toBeNull();
    },
  },
  {
    name: "record a batch's sends and their audit entries",
    async run(repos) {
      const s = fresh('study');
      const scope = `study:${s}`;
      const codes = ['P-0001', 'P-0002', 'P-0003'];
      for (const code of codes) {
        await repos.messages.upsertPlanned(message(s, code));
        await repos.messages.claim(await one(repos, s, code), 'd', at(0), 60_000);
      }
      const claimed = await Promise.all(codes.map((code) => one(repos, s, code)));
      const entries = claimed.map(() => entry(scope, 1));
      const audit = await repos.messages.auditSends(claimed.map((m, i) => ({ message: m, entry: entries[i]! })));
      expect(await audit.markSent(claimed[0]!, 'd', fresh('ses'), at(1))).toBe(true);
      // Not our claim: nothing recorded, no entry. The third is never sent (its send failed).
      expect(await audit.markSent(claimed[1]!, 'someone else', fresh('ses'), at(1))).toBe(false);
      await audit.close();
      expect((await repos.audit.list(scope)).map((e) => e.id)).toEqual([entries[0]!.id]);
      expect((await one(repos, s, 'P-0001')).status).toBe('sent');
      expect((await one(repos, s, 'P-0002')).status).toBe('claimed');
      // The outbox recovery, later, adds nothing: the batch was settled.
      await repos.auditOutbox.recover(at(10), 1000);
      expect((await repos.audit.list(scope)).map((e) => e.id)).toEqual([entries[0]!.id]);

      // A dispatcher that dies before closing its batch: the recovery appends the entry of the send
      // that was recorded, once, and of no other.
      const dying = await repos.messages.auditSends([{ message: claimed[1]!, entry: entry(scope, 2) }, { message: claimed[2]!, entry: entry(scope, 2) }]);
      expect(await dying.markSent(claimed[1]!, 'd', fresh('ses'), at(2))).toBe(true);
      await repos.auditOutbox.recover(at(12), 1000);
      await repos.auditOutbox.recover(at(13), 1000);
      const trail = await repos.audit.list(scope);
      expect(trail).toHaveLength(2);
      expect(trail[1]).toMatchObject({ at: iso(2), action: 'test.change' });
      expect((await one(repos, s, 'P-0003')).status).toBe('claimed');
    },
  },
  {
    name: 'resolve a participant link',
    async run(repos) {
      const hash = fresh('hash');
      await repos.links.put(hash, { studyId: 's', code: 'P-0001', timepoint: 'baseline', createdAt: iso(0), epoch: 2 });
      expect(await repos.links.get(hash)).toEqual({ studyId: 's', code: 'P-0001', timepoint: 'baseline', epoch: 2 });
      await expect(repos.links.put(hash, { studyId: 's', code: 'P-0002', timepoint: 'baseline', createdAt: iso(0) })).rejects.toThrow();
      const unsubscribe = fresh('hash');
      await repos.links.putUnsubscribe(unsubscribe, { studyId: 's', code: 'P-0001', createdAt: iso(0) });
      expect(await repos.links.getUnsubscribe(unsubscribe)).toEqual({ studyId: 's', code: 'P-0001', epoch: 0 });
      expect(await repos.links.get(fresh('hash'))).toBeNull();
    },
  },
  {
    name: "store a batch's links",
    async run(repos) {
      // More than one BatchWriteItem's 25 items: 30 emails' links, 60 items.
      const pairs = Array.from({ length: 30 }, (_, i) => ({
        hash: fresh('hash'),
        link: { studyId: 's', code: `P-${String(i).padStart(4, '0')}`, timepoint: 'baseline', createdAt: iso(0), epoch: i % 3 },
        unsubscribeHash: fresh('hash'),
        unsubscribe: { studyId: 's', code: `P-${String(i).padStart(4, '0')}`, createdAt: iso(0), epoch: i % 3 },
      }));
      await repos.links.putMany(pairs);
      for (const [i, pair] of pairs.entries()) {
        expect(await repos.links.get(pair.hash)).toEqual({ studyId: 's', code: pair.link.code, timepoint: 'baseline', epoch: i % 3 });
        expect(await repos.links.getUnsubscribe(pair.unsubscribeHash)).toEqual({ studyId: 's', code: pair.link.code, epoch: i % 3 });
      }
      // A participant link's hash is never an unsubscribe link's, nor the reverse.
      expect(await repos.links.getUnsubscribe(pairs[0]!.hash)).toBeNull();
      expect(await repos.links.get(pairs[0]!.unsubscribeHash)).toBeNull();
      await repos.links.putMany([]);
    },
  },
  {
    name: 'check a batch of due messages before sending',
    async run(repos) {
      const s = fresh('study');
      const codes = Array.from({ length: 60 }, (_, i) => `P-${String(i + 1).padStart(4, '0')}`);
      for (const code of codes) {
        await repos.participants.create(participant(s, code));
        await repos.instances.upsertPlanned(instance(s, code, 'baseline'));
        await repos.contacts.putContact(s, code, `${code.toLowerCase()}@example.org`);
      }
      await repos.contacts.suppress(s, 'P-0002', 'hard bounce', at(1));
      await repos.contacts.unsubscribe(s, 'P-0003', at(1));
      await repos.instances.markOpened(s, 'P-0004', 'baseline', at(1));
      // More recipients than one BatchGetItem's 100 keys, a consent copy's target (no instance), and absent records.
      const targets = [...codes.map((code) => ({ studyId: s, code, timepoint: 'baseline' })), { studyId: s, code: 'P-0404', timepoint: 'baseline' }, { studyId: s, code: 'P-0005' }];
      const read = await repos.sendTargets.read(targets);
      for (const code of codes) {
        expect(read.participant(s, code)).toMatchObject({ code, status: 'active', revision: 1 });
        expect(read.instance(s, code, 'baseline')).toMatchObject({ code, timepoint: 'baseline' });
        expect(read.contact(s, code)?.email).toBe(`${code.toLowerCase()}@example.org`);
      }
      // Each is read as it is now (strongly consistent: the writes just above are seen).
      expect(read.contact(s, 'P-0002')?.suppressed).toMatchObject({ reason: 'hard bounce' });
      expect(read.contact(s, 'P-0003')?.unsubscribedAt).toBe(iso(1));
      expect(read.contact(s, 'P-0001')).toEqual({ email: 'p-0001@example.org' });
      expect(read.instance(s, 'P-0004', 'baseline')).toMatchObject({ status: 'open' });
      expect(read.instance(s, 'P-0001', 'baseline')).toMatchObject({ status: 'scheduled' });
      // What is absent, or was not asked for, is null, not an error.
      expect(read.participant(s, 'P-0404')).toBeNull();
      expect(read.instance(s, 'P-0404', 'baseline')).toBeNull();
      expect(read.contact(s, 'P-0404')).toBeNull();
      expect(read.instance(s, 'P-0001', 'week8')).toBeNull();
      expect(read.participant(fresh('study'), 'P-0001')).toBeNull();
    },
  },
  {
    name: 'what a link points at',
    async run(repos) {
      const s = study();
      await repos.studies.createIfAbsent(s);
      await repos.participants.create(participant(s.id, 'P-0001'));
      await repos.instances.upsertPlanned(instance(s.id, 'P-0001', 'baseline'));
      const found = await repos.linkTargets.get(s.id, 'P-0001', 'baseline');
      expect(found.study?.id).toBe(s.id);
      expect(found.participant).toMatchObject({ code: 'P-0001', revision: 1 });
      expect(found.instance).toMatchObject({ timepoint: 'baseline', status: 'scheduled' });
      // Each is read as it is now, and what is absent is null, not an error.
      await repos.instances.markOpened(s.id, 'P-0001', 'baseline', at(1));
      expect((await repos.linkTargets.get(s.id, 'P-0001', 'baseline')).instance).toMatchObject({ status: 'open' });
      expect(await repos.linkTargets.get(s.id, 'P-0404', 'week8')).toEqual({ study: expect.objectContaining({ id: s.id }), participant: null, instance: null });
      expect(await repos.linkTargets.get(fresh('study'), 'P-0001', 'baseline')).toEqual({ study: null, participant: null, instance: null });
    },
  },
  {
    name: "a study's audit trail",
    async run(repos) {
      const scope = `study:${fresh('study')}`;
      const [later, earlier] = [entry(scope, 5), entry(scope, 1)];
      await repos.audit.append(later);
      await repos.audit.append(earlier);
      await repos.audit.append(earlier);
      expect((await repos.audit.list(scope)).map((e) => e.id)).toEqual([earlier.id, later.id]);
    },
  },
  {
    name: 'the newest allocation (to allocate the next)',
    async run(repos) {
      const s = fresh('study');
      expect(await repos.allocations.latest(s)).toBeNull();
      for (const n of [1, 2, 10]) await repos.allocations.claim(slot(s, n, `P-000${n}`));
      expect((await repos.allocations.latest(s))?.sequence).toBe(10);
    },
  },
  {
    name: "take an allocation's sequence number",
    async run(repos) {
      const s = fresh('study');
      const results = await Promise.all([repos.allocations.claim(slot(s, 1, 'P-0001')), repos.allocations.claim(slot(s, 1, 'P-0002'))]);
      expect(results.filter(Boolean)).toHaveLength(1);
      expect((await repos.allocations.get(s, 1))?.code).toBe(results[0] ? 'P-0001' : 'P-0002');
    },
  },
  {
    name: 'the allocation log (admins)',
    async run(repos) {
      const s = fresh('study');
      for (const n of [2, 1]) await repos.allocations.claim(slot(s, n, `P-000${n}`));
      const log = await repos.allocations.list(s);
      expect(log.map((r) => r.sequence)).toEqual([1, 2]);
      expect(log.every((r) => !('sealed' in r))).toBe(true);
    },
  },
  {
    name: 'the slot of an interrupted enrolment',
    async run(repos) {
      const s = fresh('study');
      for (const n of [1, 2]) await repos.allocations.claim(slot(s, n, `P-000${n}`));
      expect((await repos.allocations.findByCode(s, 'P-0002'))?.sequence).toBe(2);
      expect(await repos.allocations.findByCode(s, 'P-0009')).toBeNull();
    },
  },
  {
    name: 'allocations awaiting their participant',
    async run(repos) {
      const s = fresh('study');
      for (const n of [1, 2, 3]) await repos.allocations.claim(slot(s, n, `P-000${n}`));
      // A slot waits a minute for its own enrolment before the dispatcher finishes it.
      expect(ofStudy(await repos.allocations.listPending(at(0), 1000), s)).toEqual([]);
      await repos.allocations.settle(s, 1);
      await repos.allocations.markVoid(s, 2, 'code taken', at(0));
      expect(ofStudy(await repos.allocations.listPending(at(2), 1000), s).map((r) => r.sequence)).toEqual([3]);
      expect((await repos.allocations.get(s, 2))?.void).toEqual({ reason: 'code taken', at: iso(0) });
    },
  },
  {
    name: "a consent version's text",
    async run(repos) {
      const s = fresh('study');
      const version = { studyId: s, version: 'v1', text: { en: 'I agree.' }, hashes: { en: 'h' }, publishedAt: iso(0) };
      expect(await repos.consents.publishVersion(version)).toBe(true);
      expect(await repos.consents.publishVersion(version)).toBe(true);
      expect(await repos.consents.publishVersion({ ...version, text: { en: 'Changed.' } })).toBe(false);
      expect((await repos.consents.getVersion(s, 'v1'))?.text).toEqual({ en: 'I agree.' });
    },
  },
  {
    name: "a participant's signed consents",
    async run(repos) {
      const s = fresh('study');
      const record = (version: string, minutes: number) => ({ studyId: s, code: 'P-0001', version, language: 'en' as const, textHash: 'h', name: 'A Person', agreedAt: iso(minutes), via: 'link' as const });
      await repos.consents.putRecord(record('v2', 5));
      await repos.consents.putRecord(record('v1', 1));
      expect(await repos.consents.putRecord({ ...record('v1', 9), name: 'Someone Else' })).toMatchObject({ name: 'A Person', agreedAt: iso(1) });
      expect((await repos.consents.listRecords(s, 'P-0001')).map((r) => r.version)).toEqual(['v1', 'v2']);
    },
  },
  {
    name: 'a self-enrolment request',
    async run(repos) {
      const hash = fresh('join');
      const s = fresh('study');
      await repos.joins.put(hash, { studyId: s, email: 'a@example.org', language: 'en', timezone: 'Europe/London', answers: { q: 1 }, createdAt: iso(0), expiresAt: iso(60 * 24) });
      await repos.joins.markVerified(hash, at(1));
      expect(await repos.joins.assignCode(hash, 'P-0007')).toBe('P-0007');
      expect(await repos.joins.assignCode(hash, 'P-0008')).toBe('P-0007');
      await repos.joins.complete(hash, at(2));
      const request = await repos.joins.get(hash);
      expect(request).toMatchObject({ verifiedAt: iso(1), code: 'P-0007', enrolledAt: iso(2) });
      expect(request).not.toHaveProperty('email');
      await repos.joins.count(s, 'eligible');
      await repos.joins.count(s, 'ineligible');
      await repos.joins.count(s, 'ineligible');
      expect(await repos.joins.counts(s)).toEqual({ eligible: 1, ineligible: 2 });
    },
  },
  {
    name: "an instrument's licensed wording",
    async run(repos) {
      const instrument = fresh('instrument');
      expect(await repos.licensedTexts.get(instrument, '1.0')).toBeNull();
      const text = { instrument, version: '1.0', items: { q1: 'Wording' } } as unknown as Parameters<Repositories['licensedTexts']['put']>[0];
      await repos.licensedTexts.put(text);
      expect(await repos.licensedTexts.get(instrument, '1.0')).toEqual(text);
    },
  },
  {
    name: 'unfinished import jobs',
    async run(repos) {
      const s = fresh('study');
      await repos.importJobs.create(importJob(s, 'job-1', 1), [[row(1)]]);
      expect(ofStudy(await repos.importJobs.listUnfinished(at(0), 1000), s)).toEqual([{ studyId: s, jobId: 'job-1' }]);
      await repos.importJobs.countChunk(s, 'job-1', 0, { enrolled: 1, failed: 0 });
      expect(await repos.importJobs.finish(s, 'job-1', at(1))).toBe(true);
      expect(ofStudy(await repos.importJobs.listUnfinished(at(2), 1000), s)).toEqual([]);
    },
  },
  {
    name: "an import job's chunks (progress, outcome)",
    async run(repos) {
      const s = fresh('study');
      await repos.importJobs.create(importJob(s, 'job-1', 2), [[row(1)], [row(2)]]);
      const states = await repos.importJobs.chunkStates(s, 'job-1');
      expect(states).toEqual([{ chunk: 0, status: 'queued' }, { chunk: 1, status: 'queued' }]);
    },
  },
  {
    name: 'lease a chunk',
    async run(repos) {
      const s = fresh('study');
      await repos.importJobs.create(importJob(s, 'job-1', 1), [[row(1)]]);
      const leases = await Promise.all(['w1', 'w2'].map((w) => repos.importJobs.claimChunk(s, 'job-1', 0, w, at(0), at(2))));
      expect(leases.filter((l) => l !== null)).toEqual([{ rows: [row(1)], attempt: 1 }]);
      // A dead worker's lease is taken over once it lapses, not before; each lease counts as an attempt.
      expect(await repos.importJobs.claimChunk(s, 'job-1', 0, 'w3', at(1), at(5))).toBeNull();
      expect(await repos.importJobs.claimChunk(s, 'job-1', 0, 'w3', at(3), at(5))).toEqual({ rows: [row(1)], attempt: 2 });
      expect((await repos.importJobs.chunkStates(s, 'job-1'))[0]).toMatchObject({ status: 'leased', leasedBy: 'w3', attempts: 2 });
    },
  },
  {
    name: 'finish a chunk; count it into its job',
    async run(repos) {
      const s = fresh('study');
      await repos.importJobs.create(importJob(s, 'job-1', 1), [[row(1)]]);
      await repos.importJobs.claimChunk(s, 'job-1', 0, 'w1', at(0), at(2));
      const outcome = { enrolled: 1, failed: [], enrolledRows: [{ row: 1, code: 'P-0001', arm: 'mbpm' }] };
      expect(await repos.importJobs.finishChunk(s, 'job-1', 0, 'w2', outcome)).toBe(false);
      expect(await repos.importJobs.finishChunk(s, 'job-1', 0, 'w1', outcome)).toBe(true);
      await repos.importJobs.countChunk(s, 'job-1', 0, { enrolled: 1, failed: 0 });
      await repos.importJobs.countChunk(s, 'job-1', 0, { enrolled: 1, failed: 0 });
      expect(await repos.importJobs.get(s, 'job-1')).toMatchObject({ chunksDone: 1, enrolled: 1, failedRows: 0 });
      expect((await repos.importJobs.chunkStates(s, 'job-1'))[0]).toMatchObject({ status: 'done', outcome });
      expect(await repos.importJobs.claimChunk(s, 'job-1', 0, 'w3', at(9), at(12))).toBeNull();
    },
  },

  // ---- the rules that make it safe without transactions ----
  {
    name: 'send at most once: one of two racing claims wins',
    async run(repos) {
      const s = fresh('study');
      await repos.messages.upsertPlanned(message(s, 'P-0001'));
      const m = await one(repos, s, 'P-0001');
      const claims = await Promise.all(['a', 'b', 'c'].map((d) => repos.messages.claim(m, d, at(0), 60_000)));
      expect(claims.filter(Boolean)).toHaveLength(1);
      expect(await one(repos, s, 'P-0001')).toMatchObject({ status: 'claimed', attempts: 1 });
    },
  },
  {
    name: 'send at most once: a claim read before a re-plan or a settle is refused',
    async run(repos) {
      const s = fresh('study');
      await repos.messages.upsertPlanned(message(s, 'P-0001', 0, iso(0)));
      const stale = await one(repos, s, 'P-0001');
      await repos.messages.upsertPlanned(message(s, 'P-0001', 0, iso(30)));
      expect(await repos.messages.claim(stale, 'a', at(0), 60_000)).toBe(false);
      const current = await one(repos, s, 'P-0001');
      expect(await repos.messages.claim(current, 'a', at(30), 60_000)).toBe(true);
      // Only the holder settles; a settled message is never claimed again, even from a stale read.
      const claimed = await one(repos, s, 'P-0001');
      expect(await repos.messages.markSent(claimed, 'b', fresh('ses'), at(31))).toBe(false);
      expect(await repos.messages.markSent(claimed, 'a', fresh('ses'), at(31))).toBe(true);
      expect(await repos.messages.claim(current, 'c', at(40), 60_000)).toBe(false);
      expect(await repos.messages.claim(claimed, 'c', at(40), 60_000)).toBe(false);
    },
  },
  {
    name: "send at most once: a dead dispatcher's claim is taken over only once its lease ran out",
    async run(repos) {
      const s = fresh('study');
      await repos.messages.upsertPlanned(message(s, 'P-0001'));
      await repos.messages.claim(await one(repos, s, 'P-0001'), 'dead', at(0), 10 * 60_000);
      const claimed = await one(repos, s, 'P-0001');
      expect(await repos.messages.claim(claimed, 'b', at(5), 60_000)).toBe(false);
      expect(await repos.messages.claim(claimed, 'b', at(10), 60_000)).toBe(true);
      expect(await one(repos, s, 'P-0001')).toMatchObject({ claimedBy: 'b', attempts: 2 });
    },
  },
  {
    name: 'held messages: held, due again at the re-check, moved or cancelled like planned ones',
    async run(repos) {
      const s = fresh('study');
      await repos.messages.upsertPlanned(message(s, 'P-0001'));
      await repos.messages.claim(await one(repos, s, 'P-0001'), 'a', at(0), 60_000);
      await repos.messages.hold(await one(repos, s, 'P-0001'), 'a', 'wording missing', at(5));
      expect(await one(repos, s, 'P-0001')).toMatchObject({ status: 'held', notBefore: iso(5), attempts: 0, reason: 'wording missing' });
      expect(ofStudy(await repos.messages.listDue(at(4), 1000), s)).toEqual([]);
      const held = ofStudy(await repos.messages.listDue(at(5), 1000), s)[0]!;
      expect(await repos.messages.claim(held, 'b', at(5), 60_000)).toBe(true);
      await repos.messages.release(await one(repos, s, 'P-0001'), 'b', 'throttled', at(8));
      expect(await one(repos, s, 'P-0001')).toMatchObject({ status: 'planned', notBefore: iso(8) });
      await repos.messages.cancel(await one(repos, s, 'P-0001'), 'no longer wanted', at(9));
      expect(await one(repos, s, 'P-0001')).toMatchObject({ status: 'cancelled' });
      expect(ofStudy(await repos.messages.listDue(at(60), 1000), s)).toEqual([]);
      // A cancelled message comes back if a later plan wants it again; a sent one never changes.
      await repos.messages.upsertPlanned(message(s, 'P-0001', 0, iso(20)));
      expect(await one(repos, s, 'P-0001')).toMatchObject({ status: 'planned', sendAt: iso(20) });
    },
  },
  {
    name: 'planning: an instance changes only while open, a sent message never',
    async run(repos) {
      const s = fresh('study');
      await repos.instances.upsertPlanned(instance(s, 'P-0001', 'baseline'));
      await repos.instances.markOpened(s, 'P-0001', 'baseline', at(0));
      await repos.instances.end(instance(s, 'P-0001', 'baseline'), 'expired', 'window closed', at(1));
      await repos.instances.upsertPlanned(instance(s, 'P-0001', 'baseline', { closesAt: iso(999) }));
      expect(await repos.instances.get(s, 'P-0001', 'baseline')).toMatchObject({ status: 'expired', closesAt: iso(60 * 24 * 7), endReason: 'window closed' });
      await repos.messages.upsertPlanned(message(s, 'P-0001'));
      await repos.messages.claim(await one(repos, s, 'P-0001'), 'a', at(0), 60_000);
      await repos.messages.markSent(await one(repos, s, 'P-0001'), 'a', fresh('ses'), at(0));
      await repos.messages.upsertPlanned(message(s, 'P-0001', 0, iso(50)));
      await repos.messages.cancel(await one(repos, s, 'P-0001'), 'x', at(1));
      expect(await one(repos, s, 'P-0001')).toMatchObject({ status: 'sent', sendAt: iso(0) });
    },
  },
  {
    name: 'submission: answers are stored once, and never through a revoked link',
    async run(repos) {
      const s = fresh('study');
      await repos.instances.upsertPlanned(instance(s, 'P-0001', 'baseline'));
      expect(await repos.instances.saveProgress(instance(s, 'P-0001', 'baseline'), { q: 1 }, at(1), 0, 0)).toBe(true);
      // Two devices saving from the same revision: one wins.
      expect(await repos.instances.saveProgress(instance(s, 'P-0001', 'baseline'), { q: 2 }, at(2), 0, 0)).toBe(false);
      await repos.instances.revokeLinks(instance(s, 'P-0001', 'baseline'), 1);
      await repos.instances.revokeLinks(instance(s, 'P-0001', 'baseline'), 0);
      expect(await repos.instances.saveProgress(instance(s, 'P-0001', 'baseline'), { q: 3 }, at(3), 1, 0)).toBe(false);
      expect(await repos.instances.complete(s, 'P-0001', 'baseline', { answers: { q: 1 }, scores: [], completedAt: iso(4) }, 0)).toBe(false);
      const submits = await Promise.all([1, 2].map((q) => repos.instances.complete(s, 'P-0001', 'baseline', { answers: { q }, scores: [], completedAt: iso(5) }, 1)));
      expect(submits.filter(Boolean)).toHaveLength(1);
      expect(await repos.instances.get(s, 'P-0001', 'baseline')).toMatchObject({ status: 'completed', linkEpoch: 1, progressRevision: 1 });
      expect(await repos.instances.complete(s, 'P-0404', 'baseline', { answers: {}, scores: [], completedAt: iso(5) })).toBe(false);
    },
  },
  {
    name: 'enrolment: one participant per address per study, and a participant code once',
    async run(repos) {
      const s = fresh('study');
      const reservations = await Promise.all(['P-0001', 'P-0002'].map((code) => repos.contacts.reserveEmail(s, 'Same@Example.org', code, at(0))));
      expect(reservations.filter((r) => r.ok)).toHaveLength(1);
      const winner = reservations[0]!.ok ? 'P-0001' : 'P-0002';
      expect(await repos.contacts.heldBy(s, ' same@example.org ')).toBe(winner);
      expect(await repos.contacts.takeOverEmail(s, 'same@example.org', 'P-0009', 'P-0003', at(2))).toBe(false);
      expect(await repos.contacts.takeOverEmail(s, 'same@example.org', winner, 'P-0003', at(2))).toBe(true);
      await repos.contacts.putContact(s, 'P-0003', 'same@example.org');
      expect(await repos.contacts.erase(s, 'P-0003')).toBe(true);
      expect(await repos.contacts.heldBy(s, 'same@example.org')).toBeNull();
      await repos.participants.create(participant(s, 'P-0001'));
      await expect(repos.participants.create(participant(s, 'P-0001'))).rejects.toMatchObject({ status: 409 });
      const [a, b] = await Promise.all([repos.participants.allocateCode(s), repos.participants.allocateCode(s)]);
      expect(new Set([a, b])).toEqual(new Set(['P-0001', 'P-0002']));
      expect(await repos.participants.allocateCodes(s, 2)).toEqual(['P-0003', 'P-0004']);
    },
  },
  {
    name: 'shared records: a change from a stale read fails, never overwrites',
    async run(repos) {
      const s = fresh('study');
      await repos.participants.create(participant(s, 'P-0001'));
      const read = (await repos.participants.get(s, 'P-0001'))!;
      const edits = await Promise.all(['Europe/Paris', 'Europe/Berlin'].map((timezone) => repos.participants.update(read, { ...read, timezone }, at(1))));
      expect(edits.filter(Boolean)).toHaveLength(1);
      expect((await repos.participants.get(s, 'P-0001'))?.revision).toBe(2);

      const email = `${fresh('staff')}@example.org`;
      const member = (await repos.staff.create({ email, name: 'A', role: 'coordinator', studies: [] }))!;
      expect(await repos.staff.create({ email, name: 'B', role: 'admin', studies: [] })).toBeNull();
      expect(await repos.staff.replace(member, { name: 'A2', role: 'coordinator', studies: [] }, { endSessions: false })).toMatchObject({ name: 'A2' });
      expect(await repos.staff.replace(member, { name: 'A3', role: 'admin', studies: [] }, { endSessions: true })).toBeNull();
      expect(await repos.staff.addStudy(email, s)).toBe(true);
      expect(await repos.staff.addStudy(email, s)).toBe(false);
      const current = (await repos.staff.get(email))!;
      expect(await repos.staff.remove(member, at(2))).toBe(false);
      expect(await repos.staff.remove(current, at(2))).toBe(true);
      expect(await repos.staff.get(email)).toBeNull();

      const { study: stored, revision } = (await repos.studies.read((await seedStudy(repos)).id))!;
      expect(await repos.studies.updateSettings(stored, revision)).toBe(true);
      expect(await repos.studies.updateSettings(stored, revision)).toBe(false);
    },
  },
  {
    name: 'shared records: the admin guard has one holder at a time, freed by its lease',
    async run(repos) {
      const holder = fresh('holder');
      // The guard is one item for the whole deployment: taken here only after any earlier lease ran out.
      const start = new Date(Date.now() + 3_600_000);
      expect(await repos.staff.lockAdmins(holder, start, 15_000)).toBe(true);
      expect(await repos.staff.lockAdmins('other', new Date(start.getTime() + 1_000), 15_000)).toBe(false);
      await repos.staff.unlockAdmins('other');
      expect(await repos.staff.lockAdmins('other', new Date(start.getTime() + 16_000), 15_000)).toBe(true);
      await repos.staff.unlockAdmins('other');
    },
  },
  {
    name: 'audit entries are part of the change they record',
    async run(repos) {
      const s = fresh('study');
      const scope = `study:${s}`;
      await repos.instances.upsertPlanned(instance(s, 'P-0001', 'baseline'));
      expect(await repos.instances.end(instance(s, 'P-0001', 'baseline'), 'cancelled', 'withdrawn', at(1), entry(scope, 1))).toBe(true);
      // A change whose condition fails leaves no entry.
      expect(await repos.instances.end(instance(s, 'P-0001', 'baseline'), 'cancelled', 'again', at(2), entry(scope, 2))).toBe(false);
      expect((await repos.audit.list(scope)).map((e) => e.at)).toEqual([iso(1)]);
    },
  },
  {
    name: 'sign-in codes: single use, and only the newest of an address',
    async run(repos) {
      const email = `${fresh('staff')}@example.org`;
      const [first, second] = [fresh('code'), fresh('code')];
      await repos.staff.putLoginCode(first, email, at(15));
      await repos.staff.putLoginCode(second, email, at(15));
      expect(await repos.staff.consumeLoginCode(first, at(1))).toBeNull();
      expect(await repos.staff.consumeLoginCode(second, at(16))).toBeNull();
      const third = fresh('code');
      await repos.staff.putLoginCode(third, email, at(15));
      const uses = await Promise.all([repos.staff.consumeLoginCode(third, at(1)), repos.staff.consumeLoginCode(third, at(1))]);
      expect(uses.filter((u) => u === email)).toHaveLength(1);
    },
  },
];

async function seedStudy(repos: Repositories) {
  const s = study();
  await repos.studies.createIfAbsent(s);
  return s;
}

function importJob(studyId: string, jobId: string, chunks: number) {
  return { studyId, jobId, status: 'queued' as const, rows: chunks, chunks, chunksDone: 0, enrolled: 0, failedRows: 0, createdBy: 'staff:coordinator@example.org', createdAt: iso(0) };
}

function row(n: number) {
  return { row: n, code: `P-000${n}`, counterCode: true, email: `person${n}@example.org` };
}
