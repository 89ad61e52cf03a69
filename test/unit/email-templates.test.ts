import { describe, expect, it } from 'vitest';
import { escapeHtml, formatMailbox } from '../../functions/core/email/html';
import { renderParticipantEmail } from '../../functions/core/email/templates';
import { demoStudy } from '../../functions/demo/demo-study';

describe('participant emails', () => {
  const email = renderParticipantEmail({
    study: { ...demoStudy, name: 'Pain <b>& Mind</b>' },
    timepoint: demoStudy.protocol.timepoints[0]!,
    kind: 'invitation',
    link: 'https://x.test/p/abc',
    unsubscribeLink: 'https://x.test/u/def',
    closesAt: '2026-03-09T09:00:00.000Z',
    timezone: 'Europe/London',
  });

  it('say when the window closes, in the participant\'s own time', () => {
    expect(email.text).toContain('Monday 9 March');
    expect(email.text).toContain('09:00');
  });

  it('put the link in both parts and escape study text in HTML', () => {
    expect(email.text).toContain('https://x.test/p/abc');
    expect(email.html).toContain('href="https://x.test/p/abc"');
    expect(email.html).not.toContain('<b>');
    expect(email.html).toContain('Pain &lt;b&gt;&amp; Mind&lt;/b&gt;');
  });

  it('offer a visible way to stop the emails', () => {
    expect(email.text).toContain('To stop receiving emails from this study: https://x.test/u/def');
    expect(email.html).toContain('href="https://x.test/u/def"');
  });

  it('name a contact and what to do in a crisis', () => {
    expect(email.text).toContain('coordinator@example.org');
    expect(email.text).toMatch(/emergency services/);
  });
});

describe('mail helpers', () => {
  it('escape the five HTML special characters', () => {
    expect(escapeHtml(`<a href="x">'&'</a>`)).toBe('&lt;a href=&quot;x&quot;&gt;&#39;&amp;&#39;&lt;/a&gt;');
  });

  it('quote display names, and encode non-ASCII ones', () => {
    expect(formatMailbox('Pain, Mind & Body', 'a@b.test')).toBe('"Pain, Mind & Body" <a@b.test>');
    expect(formatMailbox('Étude', 'a@b.test')).toBe('=?UTF-8?B?w4l0dWRl?= <a@b.test>');
    expect(formatMailbox('Evil"\r\nBcc: x', 'a@b.test')).toBe('"Evil   Bcc: x" <a@b.test>');
  });
});
