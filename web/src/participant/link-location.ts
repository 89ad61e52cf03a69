/** Which page a participant link opens, its token, and the address to show instead (or null to keep it). */
export interface LinkLocation {
  route: 'p' | 'u';
  token: string;
  /** The link in its current form (`/p/#<token>`) when the address bar shows another form. */
  canonical: string | null;
}

const decode = (text: string) => {
  try {
    return decodeURIComponent(text);
  } catch {
    return text;
  }
};

/**
 * Reads a participant link: `/p/#<token>` and `/u/#<token>` (the token in the fragment, never
 * sent to a server), or the older `/p/<token>` and `/u/<token>` that emails carried before.
 */
export function linkFromLocation(location: { pathname: string; hash: string }): LinkLocation {
  const [first, ...rest] = location.pathname.split('/').filter(Boolean);
  const route = first === 'u' ? 'u' : 'p';
  const fromFragment = decode(location.hash.replace(/^#/, ''));
  const fromPath = decode(rest.join('/'));
  const token = fromFragment || fromPath;
  const canonical = fromPath !== '' ? `/${route}/#${token}` : null;
  return { route, token, canonical };
}
