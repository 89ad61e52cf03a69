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

describe("participant emails' wording, word for word", () => {
  // Written down when luxon formatted the deadline: the runtime's formatter must not change a character.
  const render = (kind: 'invitation' | 'reminder' | 'resend', language: 'en' | 'fr', timezone: string, closesAt: string, test = false) =>
    renderParticipantEmail({ study: demoStudy, timepoint: demoStudy.protocol.timepoints[1]!, kind, language, timezone, closesAt, test, link: 'https://x.test/p/abc', unsubscribeLink: 'https://x.test/u/def' });

  it('read exactly as before: an invitation in English, in London', () => {
    const email = render('invitation', 'en', 'Europe/London', '2026-03-09T09:00:00.000Z');
    expect(email.subject).toBe('Mindfulness-Based Pain Management (demo): your Week 8 questionnaires');
    expect(email.text).toBe(
      [
        'Thank you for taking part in Mindfulness-Based Pain Management (demo). Your Week 8 questionnaires are ready.',
        '',
        'Open your questionnaires: https://x.test/p/abc',
        '',
        'Please complete them by Monday 9 March at 09:00. Your answers are saved as you go, so you can stop and come back using the same link.',
        'This link is personal to you: please do not forward this email.',
        '',
        '—',
        'Questions? Contact Demo study coordinator at coordinator@example.org.',
        'If you are in crisis or worried about your safety, contact your local emergency services now.',
        'To stop receiving emails from this study: https://x.test/u/def',
      ].join('\n'),
    );
    expect(email.html).toContain('Please complete them by Monday 9 March at 09:00');
  });

  it('read exactly as before: a reminder in French, in Paris, the night the clocks go back', () => {
    const email = render('reminder', 'fr', 'Europe/Paris', '2026-10-25T01:30:00.000Z');
    expect(email.subject).toBe('Rappel — Mindfulness-Based Pain Management (demo) : vos questionnaires (Week 8)');
    expect(email.text).toBe(
      [
        'Petit rappel : vos questionnaires (Week 8) pour Mindfulness-Based Pain Management (demo) vous attendent toujours.',
        '',
        'Ouvrir vos questionnaires : https://x.test/p/abc',
        '',
        'Merci de les remplir avant le dimanche 25 octobre à 02:30. Vos réponses sont enregistrées au fur et à mesure : vous pouvez vous arrêter et revenir avec le même lien.',
        'Ce lien vous est personnel : merci de ne pas transférer ce message.',
        '',
        '—',
        'Des questions ? Contactez Demo study coordinator à l’adresse coordinator@example.org.',
        'Si vous êtes en détresse ou inquiet pour votre sécurité, contactez immédiatement les services d’urgence.',
        'Pour ne plus recevoir de messages de cette étude : https://x.test/u/def',
      ].join('\n'),
    );
    expect(email.html).toContain('Merci de les remplir avant le dimanche 25 octobre à 02:30');
  });

  it('read exactly as before: a test participant\'s resend in English, in Chicago, the morning the clocks go forward', () => {
    const email = render('resend', 'en', 'America/Chicago', '2026-03-08T08:15:00.000Z', true);
    expect(email.subject).toBe('[TEST] Mindfulness-Based Pain Management (demo): your Week 8 questionnaires (your link again)');
    expect(email.text).toBe(
      [
        'This is a test: you are enrolled in Mindfulness-Based Pain Management (demo) as a test participant, so your answers are kept out of the study’s results.',
        '',
        'Thank you for taking part in Mindfulness-Based Pain Management (demo). Your Week 8 questionnaires are ready.',
        '',
        'Open your questionnaires: https://x.test/p/abc',
        '',
        'This link replaces the ones we sent you before: they no longer work.',
        'Please complete them by Sunday 8 March at 03:15. Your answers are saved as you go, so you can stop and come back using the same link.',
        'This link is personal to you: please do not forward this email.',
        '',
        '—',
        'Questions? Contact Demo study coordinator at coordinator@example.org.',
        'If you are in crisis or worried about your safety, contact your local emergency services now.',
        'To stop receiving emails from this study: https://x.test/u/def',
      ].join('\n'),
    );
    expect(email.html).toContain('Please complete them by Sunday 8 March at 03:15');
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
