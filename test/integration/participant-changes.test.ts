import { beforeAll, describe, expect, it } from 'vitest';
import { createTestContext, type TestContext } from '../helpers/test-context';
import { json, testStudy, timepoint } from '../helpers/test-studies';

const study = testStudy('changes', [
  timepoint({ id: 'baseline', label: 'Baseline', arms: ['mbpm', 'waitlist', 'healthy'] }),
  timepoint({ id: 'week8', label: 'Week 8', offsetDays: 56, arms: ['mbpm', 'waitlist'] }),
]);

let t: TestContext;
let token: string;
beforeAll(async () => {
  t = await createTestContext({ study, storage: 'memory' });
  token = await t.coordinator();
});
const schedule = async (code: string) => json((await t.request('GET', `/api/studies/changes/participants/${code}/schedule`, { token })));
const patch = (code: string, body: unknown) => t.request('PATCH', `/api/studies/changes/participants/${code}`, { token, body });

describe('changing a participant', () => {
  it('asks for a reason for a change of arm, and keeps it in the audit trail', async () => {
    const { code } = await t.enrol({ arm: 'mbpm' }, 'arm-change');
    const without = await patch(code, { arm: 'waitlist' });
    expect(without.status).toBe(400);
    expect((await json(without)).error).toMatchObject({ field: 'reason', message: 'reason: is required for a change of arm (it is kept in the audit trail)' });
    expect((await t.deps.participants.get('changes', code))?.arm).toBe('mbpm');
    expect((await patch(code, { arm: 'waitlist', reason: 'randomisation envelope misread' })).status).toBe(200);
    const entries = await t.deps.audit.list('study:changes');
    expect(entries.find((e) => e.action === 'participant.updated' && e.target === `participant:${code}`)?.after).toMatchObject({ arm: 'waitlist', reason: 'randomisation envelope misread' });
  });

  it('sets the language of their emails and questionnaires', async () => {
    const { code } = await t.enrol({ arm: 'mbpm' }, 'language');
    expect((await patch(code, { language: 'fr' })).status).toBe(200);
    expect((await schedule(code)).participant.language).toBe('fr');
  });

  it('shows the new schedule at once after a change or a withdrawal, without waiting for the dispatcher', async () => {
    const { code } = await t.enrol({ arm: 'mbpm' }, 'at-once');
    expect((await schedule(code)).instances.map((i: { timepoint: string }) => i.timepoint)).toEqual(['baseline', 'week8']);
    expect((await patch(code, { arm: 'healthy', reason: 'healthy volunteer' })).status).toBe(200);
    const moved = await schedule(code);
    expect(moved.instances.find((i: { timepoint: string }) => i.timepoint === 'week8').status).toBe('cancelled');
    expect((await t.request('POST', `/api/studies/changes/participants/${code}/withdraw`, { token, body: {} })).status).toBe(200);
    const withdrawn = await schedule(code);
    expect(withdrawn.participant.status).toBe('withdrawn');
    expect(withdrawn.instances.map((i: { status: string }) => i.status)).toEqual(['cancelled', 'cancelled']);
    expect(withdrawn.messages.filter((m: { status: string }) => m.status === 'planned')).toEqual([]);
  });
});
