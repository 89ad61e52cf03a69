/**
 * Removes what must never reach logs or research data: email addresses and anything shaped like
 * a secret token (long base64url runs, which is what link, sign-in and session tokens are).
 * Provider error messages can quote a recipient ("Email address is not verified: …").
 */
export function redact(text: string): string {
  return text
    .replace(/[^\s<>"'(),;:@]+@[^\s<>"'(),;:@]+\.[A-Za-z]{2,}/g, '[email]')
    .replace(/[A-Za-z0-9_-]{32,}/g, '[token]');
}
