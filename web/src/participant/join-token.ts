/**
 * The token of an emailed self-enrolment link (`/join/<study>#verify=…`), taken out of the
 * address bar at once. Read once, before React renders: a render may run twice (or be thrown
 * away and redone), and the fragment is gone after the first read.
 */
export function takeVerifyToken(): string | null {
  const match = /^#verify=([A-Za-z0-9_-]{32,64})$/.exec(window.location.hash);
  if (match === null) return null;
  history.replaceState(null, '', window.location.pathname);
  return match[1]!;
}
