import { describe, expect, it } from 'vitest';
import { redact } from '../../functions/core/redact';

describe('redacting logs and stored reasons', () => {
  it('removes email addresses, however they are quoted', () => {
    expect(redact('MessageRejected: Email address is not verified. The following identities failed the check: jane.doe+x@mail.example.org')).toBe(
      'MessageRejected: Email address is not verified. The following identities failed the check: [email]',
    );
    expect(redact('to <a.b@c.co.uk>, "x@y.io"')).toBe('to <[email]>, "[email]"');
  });

  it('removes anything shaped like a link, sign-in or session token', () => {
    expect(redact('GET /api/p/Um5P9PqVro3YOHXQrXdyAfX3-bWui6GXcwjSHnaCQRw failed')).toBe('GET /api/p/[token] failed');
  });

  it('leaves ordinary text alone', () => {
    expect(redact('Throttling: Maximum sending rate exceeded. attempt 2 of 5')).toBe('Throttling: Maximum sending rate exceeded. attempt 2 of 5');
  });
});
