import { describe, expect, it } from 'vitest';
import type { Instance, StoredMessage } from '../../functions/core/schedule/records';
import { decideSends } from '../../functions/core/schedule/send-decision';
import type { Participant } from '../../functions/core/study/study';

const participant: Participant = {
  studyId: 's', code: 'P-1', arm: 'a', timezone: 'UTC', status: 'active', enrolledAt: '2026-01-01T00:00:00.000Z', protocolVersion: 1, dates: {},
};
const instance: Instance = {
  studyId: 's', code: 'P-1', timepoint: 't', arm: 'a', status: 'open', instruments: [],
  dueAt: '2026-01-01T09:00:00.000Z', opensAt: '2026-01-01T09:00:00.000Z', closesAt: '2026-01-08T09:00:00.000Z',
};
const message = (kind: 'invitation' | 'reminder', n: number): StoredMessage => ({
  studyId: 's', code: 'P-1', timepoint: 't', kind, n, sendAt: '2026-01-01T09:00:00.000Z', status: 'claimed',
});
const now = new Date('2026-01-06T10:00:00.000Z');
const contact = { email: 'p@x.test' };

describe('deciding at send time', () => {
  it('sends a due invitation', () => {
    expect(decideSends([message('invitation', 0)], { participant, instance, contact, invitationSent: false, now })).toEqual([{ message: message('invitation', 0), send: true }]);
  });

  it('sends only the latest of several due reminders and skips the rest as superseded', () => {
    const decisions = decideSends([message('reminder', 2), message('reminder', 1)], { participant, instance, contact, invitationSent: true, now });
    expect(decisions.map((d) => [d.message.n, d.send, d.send ? null : d.reason])).toEqual([
      [1, false, 'superseded by a later message'],
      [2, true, null],
    ]);
  });

  it('sends the invitation, not a reminder, when both are due', () => {
    const decisions = decideSends([message('invitation', 0), message('reminder', 1)], { participant, instance, contact, invitationSent: false, now });
    expect(decisions.filter((d) => d.send).map((d) => d.message.kind)).toEqual(['invitation']);
  });

  it('holds, rather than sends or skips, a message whose questionnaires lack their licensed wording, naming the instrument', () => {
    const [decision] = decideSends([message('invitation', 0)], { participant, instance, contact, invitationSent: false, missingWording: ['bdi2@1.0'], now });
    expect(decision).toMatchObject({ send: false, hold: true, reason: expect.stringContaining('bdi2@1.0') });
  });

  it('sends a synthetic demo participant nothing but the seeding’s own messages', () => {
    const synthetic = { ...participant, synthetic: true };
    const resend = { ...message('invitation', 0), kind: 'resend' as const };
    expect(decideSends([resend], { participant: synthetic, instance, contact, invitationSent: true, now })[0]).toMatchObject({ send: false, reason: 'synthetic demo participant: never emailed' });
    expect(decideSends([{ ...message('invitation', 0), synthetic: true }], { participant: synthetic, instance, contact, invitationSent: false, now })[0]).toMatchObject({ send: true });
  });

  it('sends no reminder for an instance whose invitation never went out', () => {
    expect(decideSends([message('reminder', 1)], { participant, instance, contact, invitationSent: false, now })[0]).toMatchObject({ send: false });
  });

  it.each([
    ['a withdrawn participant', { participant: { ...participant, status: 'withdrawn' as const } }, 'participant withdrawn'],
    ['a completed instance', { instance: { ...instance, status: 'completed' as const } }, 'instance completed'],
    ['a cancelled instance', { instance: { ...instance, status: 'cancelled' as const } }, 'instance cancelled'],
    ['a closed window', { now: new Date('2026-01-08T09:00:00.000Z') }, 'window closed'],
    ['a participant no longer on record', { participant: null }, 'participant not found'],
    ['an address that bounced', { contact: { ...contact, suppressed: { reason: 'hard bounce', at: '' } } }, 'address suppressed: hard bounce'],
    ['a participant who unsubscribed', { contact: { ...contact, unsubscribedAt: '2026-01-02T00:00:00.000Z' } }, 'participant unsubscribed'],
    ['a participant without an address', { contact: null }, 'no contact email on file'],
    ['a participant whose contact details were erased', { participant: { ...participant, contactErasedAt: '2026-01-05T00:00:00.000Z' }, contact: null }, "contact details erased at the participant's request"],
  ])('sends nothing for %s', (_label, change, reason) => {
    const decisions = decideSends([message('invitation', 0), message('reminder', 1)], { participant, instance, contact, invitationSent: false, now, ...change });
    expect(decisions.every((d) => !d.send && d.reason === reason)).toBe(true);
  });
});
