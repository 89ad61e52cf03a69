import { describe, expect, it } from 'vitest';
import { planParticipant } from '../../functions/core/schedule/plan';
import type { Participant, Study } from '../../functions/core/study/study';
import { demoStudy } from '../../functions/demo/demo-study';

const participant = (overrides: Partial<Participant> = {}): Participant => ({
  studyId: 'demo',
  code: 'P-0001',
  arm: 'mbpm',
  timezone: 'Europe/London',
  status: 'active',
  enrolledAt: '2026-03-02T10:00:00.000Z',
  protocolVersion: 1,
  dates: {},
  ...overrides,
});

const sendAt = (plan: ReturnType<typeof planParticipant>, timepoint: string, kind: string, n = 0) =>
  plan.messages.find((m) => m.timepoint === timepoint && m.kind === kind && m.n === n)?.sendAt;

describe('the planner keeps 09:00 local across daylight-saving changes', () => {
  it.each([
    // zone, enrolment early that morning, baseline 09:00 local, week 8 09:00 local (after the spring change)
    ['Europe/London', '2026-03-02T06:00:00.000Z', '2026-03-02T09:00:00.000Z', '2026-04-27T08:00:00.000Z'],
    ['Europe/Paris', '2026-03-02T06:00:00.000Z', '2026-03-02T08:00:00.000Z', '2026-04-27T07:00:00.000Z'],
    ['America/Chicago', '2026-03-02T12:00:00.000Z', '2026-03-02T15:00:00.000Z', '2026-04-27T14:00:00.000Z'],
  ])('in %s', (timezone, enrolledAt, baseline, week8) => {
    const plan = planParticipant(demoStudy.protocol, participant({ timezone, enrolledAt }));
    expect(sendAt(plan, 'baseline', 'invitation')).toBe(baseline);
    expect(sendAt(plan, 'week8', 'invitation')).toBe(week8);
  });

  it('across the autumn change too (Chicago: CDT → CST on 1 November 2026)', () => {
    const plan = planParticipant(demoStudy.protocol, participant({ timezone: 'America/Chicago', enrolledAt: '2026-09-14T12:00:00.000Z' }));
    expect(sendAt(plan, 'baseline', 'invitation')).toBe('2026-09-14T14:00:00.000Z'); // 09:00 CDT
    expect(sendAt(plan, 'week8', 'invitation')).toBe('2026-11-09T15:00:00.000Z'); // 09:00 CST
  });

  it('resolves a time that occurs twice (clocks going back) to the earlier one, whatever the date today', () => {
    // 01:30 happens twice in London on 25 October 2026: first in BST (00:30Z), then in GMT (01:30Z).
    const protocol = { version: 1, timepoints: [{ ...demoStudy.protocol.timepoints[0]!, sendAt: '01:30', offsetDays: 5 }] };
    const plan = planParticipant(protocol, participant({ enrolledAt: '2026-10-20T10:00:00.000Z' }));
    expect(sendAt(plan, 'baseline', 'invitation')).toBe('2026-10-25T00:30:00.000Z');
  });

  it('moves a time that does not occur (clocks going forward) forward by the gap', () => {
    // 01:30 does not exist in London on 29 March 2026: it becomes 02:30 BST (01:30Z).
    const protocol = { version: 1, timepoints: [{ ...demoStudy.protocol.timepoints[0]!, sendAt: '01:30', offsetDays: 5 }] };
    const plan = planParticipant(protocol, participant({ enrolledAt: '2026-03-24T10:00:00.000Z' }));
    expect(sendAt(plan, 'baseline', 'invitation')).toBe('2026-03-29T01:30:00.000Z');
  });

  it('counts days on the local calendar: a late-evening enrolment in Chicago is still that local day', () => {
    // 23:30 on 2 March in Chicago is already 3 March in UTC; week 8 is 56 days after 2 March.
    const plan = planParticipant(demoStudy.protocol, participant({ timezone: 'America/Chicago', enrolledAt: '2026-03-03T05:30:00.000Z' }));
    expect(sendAt(plan, 'week8', 'invitation')).toBe('2026-04-27T14:00:00.000Z');
  });

  it('places reminders on days 2 and 5 and the window from its opening to its close, all at the local send time', () => {
    const plan = planParticipant(demoStudy.protocol, participant());
    expect(sendAt(plan, 'baseline', 'reminder', 1)).toBe('2026-03-04T09:00:00.000Z');
    expect(sendAt(plan, 'baseline', 'reminder', 2)).toBe('2026-03-07T09:00:00.000Z');
    const week8 = plan.instances.find((i) => i.timepoint === 'week8');
    expect(week8).toMatchObject({ dueAt: '2026-04-27T08:00:00.000Z', opensAt: '2026-04-24T08:00:00.000Z', closesAt: '2026-05-04T08:00:00.000Z' });
    // Window closing crosses no change here; the baseline window closes 7 days after 09:00 GMT.
    expect(plan.instances.find((i) => i.timepoint === 'baseline')?.closesAt).toBe('2026-03-09T09:00:00.000Z');
  });
});

describe('the planner never sends ahead of events', () => {
  it('sends an invitation whose 09:00 has passed at the moment of enrolment, not before it', () => {
    const plan = planParticipant(demoStudy.protocol, participant({ enrolledAt: '2026-03-02T14:30:00.000Z' }));
    expect(sendAt(plan, 'baseline', 'invitation')).toBe('2026-03-02T14:30:00.000Z');
    // The instance keeps its protocol due time, which defines the window.
    expect(plan.instances[0]!.dueAt).toBe('2026-03-02T09:00:00.000Z');
  });

  it('plans no reminder that would already be in the past (a back-dated anchor)', () => {
    const protocol = { version: 1, timepoints: [{ ...demoStudy.protocol.timepoints[0]!, anchor: 'date:surgery', window: { opensDaysBefore: 0, closesDaysAfter: 7 } }] };
    // Surgery on 27 Feb, enrolled on 2 March at 10:00: the day-2 reminder (1 March) is past; day 5 (4 March) is not.
    const plan = planParticipant(protocol, participant({ dates: { surgery: '2026-02-27' } }));
    expect(plan.messages.map((m) => `${m.kind}${m.n}@${m.sendAt}`)).toEqual(['invitation0@2026-03-02T10:00:00.000Z', 'reminder2@2026-03-04T09:00:00.000Z']);
  });

  it('keeps none of a completed timepoint\'s messages due after its completion', () => {
    const plan = planParticipant(demoStudy.protocol, participant(), { baseline: '2026-03-03T12:00:00.000Z' });
    expect(plan.messages.filter((m) => m.timepoint === 'baseline').map((m) => m.kind)).toEqual(['invitation']);
  });
});

describe('the planner follows the protocol', () => {
  it('gives each arm only its timepoints (healthy controls: baseline only)', () => {
    expect(planParticipant(demoStudy.protocol, participant({ arm: 'healthy' })).instances.map((i) => i.timepoint)).toEqual(['baseline']);
    expect(planParticipant(demoStudy.protocol, participant({ arm: 'waitlist' })).instances.map((i) => i.timepoint)).toEqual(['baseline', 'week8']);
  });

  it('plans no email for a participant whose contact details were erased, but keeps their instances', () => {
    const kept = planParticipant(demoStudy.protocol, participant({}));
    const erased = planParticipant(demoStudy.protocol, participant({ contactErasedAt: '2026-03-03T00:00:00.000Z' }));
    expect(erased).toEqual({ instances: kept.instances, messages: [] });
    expect(kept.messages.length).toBeGreaterThan(0);
  });

  it('plans nothing for a withdrawn participant', () => {
    expect(planParticipant(demoStudy.protocol, participant({ status: 'withdrawn' }))).toEqual({ instances: [], messages: [] });
  });

  const anchored: Study = {
    ...demoStudy,
    protocol: {
      version: 1,
      timepoints: [
        demoStudy.protocol.timepoints[0]!,
        { ...demoStudy.protocol.timepoints[1]!, anchor: 'baseline.completed' },
        { ...demoStudy.protocol.timepoints[1]!, id: 'surgery_followup', anchor: 'date:surgery', offsetDays: 14 },
      ],
    },
  };

  it('waits for an anchoring completion, then counts from its local date', () => {
    expect(planParticipant(anchored.protocol, participant()).instances.map((i) => i.timepoint)).toEqual(['baseline']);
    // Completed at 23:00 on 5 March London time → week 8 is 56 days after 5 March.
    const plan = planParticipant(anchored.protocol, participant(), { baseline: '2026-03-05T23:00:00.000Z' });
    expect(sendAt(plan, 'week8', 'invitation')).toBe('2026-04-30T08:00:00.000Z');
  });

  it('anchors on a participant date field when the protocol says so', () => {
    const plan = planParticipant(anchored.protocol, participant({ dates: { surgery: '2026-06-01' } }));
    expect(sendAt(plan, 'surgery_followup', 'invitation')).toBe('2026-06-15T08:00:00.000Z');
  });

  it('is deterministic: the same inputs give the same plan', () => {
    expect(planParticipant(demoStudy.protocol, participant())).toEqual(planParticipant(demoStudy.protocol, participant()));
  });
});
