import { describe, expect, it } from 'vitest';
import { composeEmail, consentVersionOf, stableMessageId, timepointOf } from '../../functions/core/email/compose-email';
import type { StoredMessage } from '../../functions/core/schedule/records';
import { demoStudy } from '../../functions/demo/demo-study';

const baseUrl = 'https://timepoint.example.org';
const message = (over: Partial<StoredMessage>): StoredMessage => ({
  studyId: demoStudy.id, code: 'P-001', timepoint: demoStudy.protocol.timepoints[0]!.id, kind: 'invitation', n: 0, sendAt: '2026-03-02T09:00:00.000Z', status: 'claimed', ...over,
});
const recipient = { to: 'ada@example.net', timezone: 'Europe/London', closesAt: '2026-03-09T09:00:00.000Z', language: 'en' as const, test: false };
const invitation = message({});
const participantMaterial = { for: 'participant' as const, recipient, timepoint: timepointOf(demoStudy, invitation)!, token: 'tok-questionnaire', unsubscribeToken: 'tok-unsubscribe' };

describe('composing a ledger message into an email, from what was read for it', () => {
  it('addresses an invitation to the participant from the study sender, carrying the links made of the tokens it was given', () => {
    const email = composeEmail(invitation, demoStudy, baseUrl, participantMaterial)!;
    expect(email.to).toEqual(['ada@example.net']);
    expect(email.from).toContain('study@example.org');
    expect(email.text).toContain(`${baseUrl}/p/#tok-questionnaire`);
    expect(email.text).toContain(`${baseUrl}/u/#tok-unsubscribe`);
    expect(email.headers).toEqual({ 'List-Unsubscribe': `<${baseUrl}/api/u/tok-unsubscribe>`, 'List-Unsubscribe-Post': 'List-Unsubscribe=One-Click' });
  });

  it('gives a message the same Message-ID every time it is composed, and another message another one', () => {
    const again = composeEmail(invitation, demoStudy, baseUrl, { ...participantMaterial, token: 'other', unsubscribeToken: 'other-u' })!;
    expect(again.messageId).toBe(composeEmail(invitation, demoStudy, baseUrl, participantMaterial)!.messageId);
    expect(again.messageId).toMatch(/^<[0-9a-f]{32}@example\.org>$/);
    expect(stableMessageId(message({ kind: 'reminder', n: 1 }), 'study@example.org')).not.toBe(again.messageId);
  });

  it('sends a safety alert to the safety contacts only, and has nobody to send it to in a study without one', () => {
    const study = { ...demoStudy, contacts: [{ name: 'Safety', email: 'safety@example.org', safety: true }, { name: 'Coordinator', email: 'coord@example.org', safety: false }] };
    const alert = message({ kind: 'alert', flags: [{ instrument: 'phq9', item: 'phq9_9', value: 2 }] as never });
    expect(composeEmail(alert, study, baseUrl, { for: 'staff' })!.to).toEqual(['safety@example.org']);
    expect(composeEmail(alert, { ...study, contacts: [{ name: 'Coordinator', email: 'coord@example.org', safety: false }] }, baseUrl, { for: 'staff' })).toBeNull();
  });

  it('sends a delivery notice to every study contact', () => {
    const study = { ...demoStudy, contacts: [{ name: 'A', email: 'a@example.org', safety: true }, { name: 'B', email: 'b@example.org', safety: false }] };
    expect(composeEmail(message({ kind: 'notice', reason: 'hard bounce' }), study, baseUrl, { for: 'staff' })!.to).toEqual(['a@example.org', 'b@example.org']);
  });

  it('attaches the signed consent record to a consent copy', () => {
    const consent = message({ kind: 'consent', timepoint: 'consent@3' });
    expect(consentVersionOf(consent)).toBe('3');
    const file = { filename: 'consent.pdf', contentType: 'application/pdf', content: new Uint8Array([37, 80, 68, 70]) };
    const email = composeEmail(consent, demoStudy, baseUrl, { for: 'consent', recipient, version: '3', agreedAt: '2026-03-01T10:00:00.000Z', language: 'en', file })!;
    expect(email.to).toEqual(['ada@example.net']);
    expect(email.attachments).toEqual([file]);
  });

  it('composes nothing when the material is not the message’s kind', () => {
    expect(composeEmail(invitation, demoStudy, baseUrl, { for: 'staff' })).toBeNull();
    expect(composeEmail(message({ kind: 'alert' }), demoStudy, baseUrl, participantMaterial)).toBeNull();
  });

  it('finds no timepoint for a message whose timepoint the protocol no longer has', () => {
    expect(timepointOf(demoStudy, message({ timepoint: 'gone' }))).toBeNull();
  });
});
