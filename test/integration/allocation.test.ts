import { parse } from 'csv-parse/sync';
import { beforeAll, describe, expect, it } from 'vitest';
import { AppError } from '../../functions/core/errors';
import { runDispatch } from '../../functions/use-cases/dispatch';
import { failNext } from '../helpers/fault-injection';
import { allocatingStudy } from '../helpers/allocation-study';
import { importAndRun } from '../helpers/import-job';
import { createTestContext, type TestContext } from '../helpers/test-context';

const NOW = '2026-03-02T10:00:00.000Z';

describe('enrolment into a study that allocates', () => {
  let t: TestContext;
  let admin: string;
  beforeAll(async () => {
    t = await createTestContext({ now: NOW, study: allocatingStudy() });
    admin = await t.signIn({ email: 'admin@alloc.test', role: 'admin', studies: [] });
  });
  const enrol = async (body: Record<string, unknown>, token?: string) =>
    t.request('POST', '/api/studies/rct/participants', { token: token ?? (await t.coordinator()), body: { email: t.uniqueEmail('alloc'), ...body } });

  it('allocates when the arm is left out: 201 with the arm, its sequence number and stratum, all on the participant record', async () => {
    const response = await enrol({ strata: { site: 'lyon', sex: 'f' } });
    expect(response.status).toBe(201);
    const body = (await response.json()) as { code: string; arm: string; allocation: { sequence: number; stratum: string } };
    expect(['mbpm', 'waitlist']).toContain(body.arm);
    expect(body.allocation).toEqual({ sequence: 1, stratum: 'site=lyon|sex=f' });
    const participant = await t.deps.participants.get('rct', body.code);
    expect(participant).toMatchObject({ arm: body.arm, strata: { site: 'lyon', sex: 'f' }, allocation: { sequence: 1, stratum: 'site=lyon|sex=f', at: NOW, method: 'blocked' } });
    // The slot holds the same arm, written in one write with its number, stratum and time; nothing is pending.
    const slot = await t.deps.allocations.get('rct', 1);
    expect(slot).toMatchObject({ sequence: 1, code: body.code, arm: body.arm, stratum: 'site=lyon|sex=f', at: NOW });
    expect((await t.deps.allocations.listPending(new Date('2027-01-01'), 10)).filter((s) => s.studyId === 'rct')).toEqual([]);
    expect((await t.deps.audit.list('study:rct')).filter((e) => e.action === 'participant.allocated' && e.target === `participant:${body.code}`)).toHaveLength(1);
  });

  it('refuses missing or unknown strata with 400 naming each field, and writes nothing', async () => {
    const before = await t.scan('research');
    const response = await enrol({ strata: { site: 'nice' } });
    expect(response.status).toBe(400);
    const { error } = (await response.json()) as { error: { field: string; details: Array<{ field: string }> } };
    expect(error.details.map((d) => d.field)).toEqual(['strata.site', 'strata.sex']);
    expect((await t.scan('research')).length).toBe(before.length);
  });

  it('lets a coordinator choose a non-randomised arm by hand as always, strata optional', async () => {
    const response = await enrol({ arm: 'healthy' });
    expect(response.status).toBe(201);
    expect(await response.json()).toMatchObject({ arm: 'healthy', allocation: null });
  });

  it('refuses a randomised arm chosen by hand (400), even with a reason unless the caller is an admin (403)', async () => {
    const plain = await enrol({ arm: 'mbpm', strata: { site: 'lyon', sex: 'm' } });
    expect(plain.status).toBe(400);
    expect(((await plain.json()) as { error: { field: string } }).error.field).toBe('arm');
    const reasoned = await enrol({ arm: 'mbpm', strata: { site: 'lyon', sex: 'm' }, armReason: 'sibling already in mbpm' });
    expect(reasoned.status).toBe(403);
  });

  it('never allocates a test participant: their randomised arm is chosen by hand, with no reason, and takes no sequence number', async () => {
    const before = (await t.deps.allocations.latest('rct'))?.sequence ?? 0;
    const refused = await enrol({ test: true, strata: { site: 'lyon', sex: 'f' } });
    expect(refused.status).toBe(400);
    expect(((await refused.json()) as { error: { field: string } }).error.field).toBe('arm');
    const response = await enrol({ test: true, arm: 'mbpm' });
    expect(response.status).toBe(201);
    const body = (await response.json()) as { code: string; arm: string; allocation: unknown };
    expect(body).toMatchObject({ arm: 'mbpm', allocation: null });
    expect(await t.deps.participants.get('rct', body.code)).toMatchObject({ arm: 'mbpm', test: true });
    expect((await t.deps.participants.get('rct', body.code))?.allocation).toBeUndefined();
    // The concealed sequence did not move: the next real participant takes the next number.
    expect((await t.deps.allocations.latest('rct'))?.sequence ?? 0).toBe(before);
    const audit = (await t.deps.audit.list('study:rct')).find((e) => e.action === 'participant.enrolled' && e.target === `participant:${body.code}`);
    expect(audit?.after).toMatchObject({ arm: 'mbpm', test: true });
  });

  it('lets an admin choose a randomised arm with a reason: it takes the next number, is marked manual and the reason is audited', async () => {
    const response = await enrol({ arm: 'waitlist', strata: { site: 'paris', sex: 'm' }, armReason: 'cannot attend the course dates' }, admin);
    expect(response.status).toBe(201);
    const { code, allocation } = (await response.json()) as { code: string; allocation: { sequence: number } };
    const slot = await t.deps.allocations.get('rct', allocation.sequence);
    expect(slot).toMatchObject({ method: 'manual', arm: 'waitlist', reason: 'cannot attend the course dates', by: 'staff:admin@alloc.test' });
    const audit = (await t.deps.audit.list('study:rct')).find((e) => e.action === 'participant.allocated' && e.target === `participant:${code}`);
    expect(audit?.after).toMatchObject({ method: 'manual', reason: 'cannot attend the course dates' });
  });

  it('keeps randomisation standing: an allocated arm changes only by an admin with a reason', async () => {
    const { code, arm } = (await (await enrol({ strata: { site: 'lyon', sex: 'm' } })).json()) as { code: string; arm: string };
    const other = arm === 'mbpm' ? 'waitlist' : 'mbpm';
    const path = `/api/studies/rct/participants/${code}`;
    expect((await t.request('PATCH', path, { token: await t.coordinator(), body: { arm: other } })).status).toBe(400);
    expect((await t.request('PATCH', path, { token: await t.coordinator(), body: { arm: other, reason: 'asked' } })).status).toBe(403);
    const changed = await t.request('PATCH', path, { token: admin, body: { arm: other, reason: 'allocated in error: protocol deviation 4' } });
    expect(changed.status).toBe(200);
    // The allocation stays on record as made (intention to treat); the arm moved.
    expect(await t.deps.participants.get('rct', code)).toMatchObject({ arm: other, allocation: { method: 'blocked' } });
  });

  it('freezes the allocation after the first allocation, and leaves it to admins before that', async () => {
    const changed = { allocation: { ...allocatingStudy().allocation, blockSizes: [6] } };
    expect((await t.request('PUT', '/api/studies/rct/settings', { token: admin, body: changed })).status).toBe(409);
    expect((await t.request('PUT', '/api/studies/rct/settings', { token: await t.coordinator(), body: changed })).status).toBe(403);
    // Other settings still change.
    expect((await t.request('PUT', '/api/studies/rct/settings', { token: await t.coordinator(), body: { name: 'Randomised (renamed)' } })).status).toBe(200);
  });

  it('shows admins the counts per stratum × arm and the log; coordinators and analysts get 403', async () => {
    const analyst = await t.signIn({ email: 'analyst@alloc.test', role: 'analyst', studies: ['rct'] });
    expect((await t.request('GET', '/api/studies/rct/allocation', { token: await t.coordinator() })).status).toBe(403);
    expect((await t.request('GET', '/api/studies/rct/allocation', { token: analyst })).status).toBe(403);
    const response = await t.request('GET', '/api/studies/rct/allocation', { token: admin });
    expect(response.status).toBe(200);
    const report = (await response.json()) as { log: Array<{ sequence: number; arm: string; stratum: string }>; strata: Array<{ stratum: string; total: number }>; frozen: boolean };
    expect(report.frozen).toBe(true);
    expect(report.log.map((l) => l.sequence)).toEqual(report.log.map((_, i) => i + 1));
    expect(report.strata.reduce((n, s) => n + s.total, 0)).toBe(report.log.length);
    // Past allocations only: nothing sealed or in progress leaves.
    expect(JSON.stringify(report)).not.toMatch(/sealed|blocks|next/);
  });

  it('imports a CSV with a column per factor: a row without an arm is allocated, a dry run allocates nothing, a bad level names its row and column', async () => {
    const before = (await t.deps.allocations.list('rct')).length;
    const csv = (rows: string[]) => ['email,arm,site,sex', ...rows].join('\n');
    const bad = await t.request('POST', '/api/studies/rct/participants/import?dryRun=true', { token: await t.coordinator(), raw: csv([`${t.uniqueEmail('csv')},,nice,f`]) });
    expect(bad.status).toBe(400);
    expect(((await bad.json()) as { rows: Array<{ problems: Array<{ column: string }> }> }).rows[0]!.problems.map((p) => p.column)).toEqual(['site']);
    const good = csv([`${t.uniqueEmail('csv')},,lyon,f`, `${t.uniqueEmail('csv')},healthy,,`]);
    const dry = await t.request('POST', '/api/studies/rct/participants/import?dryRun=true', { token: await t.coordinator(), raw: good });
    expect(dry.status).toBe(200);
    expect(await t.deps.allocations.list('rct')).toHaveLength(before);
    // The import itself runs as a job (docs/security.md, section 10): the row without an arm is allocated when the job enrols it.
    const job = await importAndRun(t, 'rct', good, await t.coordinator());
    expect(job.enrolled).toBe(2);
    const [allocated, given] = job.enrolledRows!;
    expect(['mbpm', 'waitlist']).toContain(allocated!.arm);
    expect(given).toMatchObject({ row: 2, arm: 'healthy' });
    expect(await t.deps.allocations.list('rct')).toHaveLength(before + 1);
    expect(await t.deps.participants.get('rct', allocated!.code)).toMatchObject({ strata: { site: 'lyon', sex: 'f' }, allocation: { sequence: before + 1 } });
    expect((await t.deps.participants.get('rct', given!.code))?.allocation).toBeUndefined();
  });

  it('exports each participant’s stratum and allocation sequence number', async () => {
    const response = await t.request('GET', '/api/studies/rct/export?format=wide', { token: await t.coordinator() });
    const rows = parse(await response.text(), { columns: true }) as Array<Record<string, string>>;
    const slots = await t.deps.allocations.list('rct');
    for (const slot of slots) {
      expect(rows.find((r) => r.participant === slot.code)).toMatchObject({ arm: expect.any(String), stratum: slot.stratum, allocation_sequence: String(slot.sequence) });
    }
    expect(rows.find((r) => r.arm === 'healthy')).toMatchObject({ stratum: '', allocation_sequence: '' });
  });
});

describe('allocation under concurrency and crashes', () => {
  it('gives 50 concurrent enrolments 50 distinct sequence numbers with no gap, each participant holding its slot’s arm', { timeout: 180_000 }, async () => {
    const t = await createTestContext({ now: NOW, study: allocatingStudy({ strata: ['site'], levels: { site: ['lyon', 'paris'] } }, 'rct50') });
    const token = await t.coordinator();
    const responses = await Promise.all(
      Array.from({ length: 50 }, (_, i) =>
        t.request('POST', '/api/studies/rct50/participants', { token, body: { email: t.uniqueEmail(`c${i}`), strata: { site: i % 3 === 0 ? 'paris' : 'lyon' } } }),
      ),
    );
    expect(responses.map((r) => r.status)).toEqual(Array(50).fill(201));
    const bodies = (await Promise.all(responses.map((r) => r.json()))) as Array<{ code: string; arm: string; allocation: { sequence: number } }>;
    expect(bodies.map((b) => b.allocation.sequence).sort((a, b) => a - b)).toEqual(Array.from({ length: 50 }, (_, i) => i + 1));
    const slots = await t.deps.allocations.list('rct50');
    expect(slots.map((s) => s.sequence)).toEqual(Array.from({ length: 50 }, (_, i) => i + 1));
    for (const body of bodies) expect(slots.find((s) => s.sequence === body.allocation.sequence)).toMatchObject({ code: body.code, arm: body.arm });
    // Each slot's counts are the previous slot's plus its own participant: the chain has no fork.
    for (const [i, slot] of slots.entries()) {
      const total = Object.values(slot.counts).flatMap((c) => Object.values(c)).reduce((a, b) => a + b, 0);
      expect(total).toBe(i + 1);
    }
    // Permuted blocks of 2 and 4 per site: never more than 2 apart within a site.
    for (const byArm of Object.values(slots.at(-1)!.counts)) expect(Math.abs((byArm.mbpm ?? 0) - (byArm.waitlist ?? 0))).toBeLessThanOrEqual(2);
  });

  /** Enrols with participant creation failing as if the process died right after the slot was written. */
  async function crashAfterSlot(t: TestContext, studyId: string, email: string) {
    const original = t.deps.participants;
    t.deps.participants = failNext(original, 'create', { before: () => { throw new AppError('unavailable', 'simulated outage after the slot was written'); } });
    const response = await t.request('POST', `/api/studies/${studyId}/participants`, { token: await t.coordinator(), body: { email, strata: { site: 'paris', sex: 'f' } } });
    t.deps.participants = original;
    expect(response.status).toBe(503);
    const [slot] = await t.deps.allocations.list(studyId);
    expect(slot).toMatchObject({ sequence: 1 });
    expect(await t.deps.participants.get(studyId, slot!.code)).toBeNull();
    // The contact is kept: the participant is going to exist.
    expect(await t.deps.contacts.get(studyId, slot!.code)).toMatchObject({ email });
    return slot!;
  }

  it('heals a crash between the slot and the participant: the next dispatcher pass after a minute creates the participant from the slot', async () => {
    const t = await createTestContext({ now: NOW, study: allocatingStudy({}, 'rct-crash') });
    const email = t.uniqueEmail('crash');
    const slot = await crashAfterSlot(t, 'rct-crash', email);
    expect((await runDispatch(t.deps)).enrolmentsFinished).toBe(0);
    t.clock.set(new Date(Date.parse(NOW) + 2 * 60_000));
    expect((await runDispatch(t.deps)).enrolmentsFinished).toBe(1);
    expect(await t.deps.participants.get('rct-crash', slot.code)).toMatchObject({ arm: slot.arm, allocation: { sequence: 1 } });
    expect((await t.deps.audit.list('study:rct-crash')).filter((e) => e.target === `participant:${slot.code}`).map((e) => e.action).sort()).toEqual(['participant.allocated', 'participant.enrolled']);
    // Finished once: a later pass finds nothing, and a retry of the enrolment is told they are enrolled.
    expect((await runDispatch(t.deps)).enrolmentsFinished).toBe(0);
    const retry = await t.request('POST', '/api/studies/rct-crash/participants', { token: await t.coordinator(), body: { email, strata: { site: 'paris', sex: 'f' } } });
    expect(retry.status).toBe(409);
    // The next enrolment takes number 2: no gap, no double slot.
    const next = await t.request('POST', '/api/studies/rct-crash/participants', { token: await t.coordinator(), body: { email: t.uniqueEmail('next'), strata: { site: 'paris', sex: 'f' } } });
    expect(((await next.json()) as { allocation: { sequence: number } }).allocation.sequence).toBe(2);
    expect((await t.deps.allocations.list('rct-crash')).map((s) => s.sequence)).toEqual([1, 2]);
  });

  it('heals the same crash at once when the coordinator retries: the retry finishes the first enrolment instead of allocating again', async () => {
    const t = await createTestContext({ now: NOW, study: allocatingStudy({}, 'rct-retry') });
    const email = t.uniqueEmail('retry');
    const slot = await crashAfterSlot(t, 'rct-retry', email);
    const retry = await t.request('POST', '/api/studies/rct-retry/participants', { token: await t.coordinator(), body: { email, strata: { site: 'paris', sex: 'f' } } });
    expect(retry.status).toBe(409);
    expect(await t.deps.participants.get('rct-retry', slot.code)).toMatchObject({ arm: slot.arm, allocation: { sequence: 1 } });
    expect((await t.deps.allocations.list('rct-retry')).map((s) => s.sequence)).toEqual([1]);
    t.clock.set(new Date(Date.parse(NOW) + 2 * 60_000));
    expect((await runDispatch(t.deps)).enrolmentsFinished).toBe(0);
  });

  it('heals a crash before the slot: nothing allocated, the address released, a retry allocates number 1', async () => {
    const t = await createTestContext({ now: NOW, study: allocatingStudy({}, 'rct-early') });
    const email = t.uniqueEmail('early');
    const original = t.deps.sealer;
    t.deps.sealer = failNext(original, 'seal', { before: () => { throw new AppError('unavailable', 'key service unreachable'); } });
    const first = await t.request('POST', '/api/studies/rct-early/participants', { token: await t.coordinator(), body: { email, strata: { site: 'lyon', sex: 'm' } } });
    t.deps.sealer = original;
    expect(first.status).toBe(503);
    expect(await t.deps.allocations.latest('rct-early')).toBeNull();
    const retry = await t.request('POST', '/api/studies/rct-early/participants', { token: await t.coordinator(), body: { email, strata: { site: 'lyon', sex: 'm' } } });
    expect(retry.status).toBe(201);
    expect(((await retry.json()) as { allocation: { sequence: number } }).allocation.sequence).toBe(1);
  });
});
