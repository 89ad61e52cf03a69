import type { MiddlewareHandler } from 'hono';

/**
 * DNS rebinding: a web page on `evil.example` can make its name resolve to 127.0.0.1, and the
 * browser then treats a server on this machine as same-origin with that page, sending
 * `Host: evil.example:3000`. A server that answers only to its own names (and the loopback
 * addresses, which no public page can own) cannot be driven that way.
 */

/** `localhost`, a `*.localhost` name (browsers resolve those to loopback themselves), 127.0.0.0/8, or ::1. */
export function isLoopbackName(hostname: string): boolean {
  const name = hostname.toLowerCase().replace(/\.$/, '');
  if (name === 'localhost' || name.endsWith('.localhost')) return true;
  if (name === '[::1]' || name === '::1') return true;
  const octets = name.split('.');
  return octets.length === 4 && octets[0] === '127' && octets.every((o) => /^\d{1,3}$/.test(o) && Number(o) <= 255);
}

/** The host name of a Host header value (`localhost:3000` → `localhost`, `[::1]:3000` → `[::1]`), or null when malformed. */
export function hostnameOf(hostHeader: string | undefined): string | null {
  if (hostHeader === undefined) return null;
  const match = /^(\[[0-9a-fA-F:.]+\]|[A-Za-z0-9.-]+)(?::(\d{1,5}))?$/.exec(hostHeader.trim());
  return match ? match[1]! : null;
}

/**
 * Whether a Host header names this server: one of `allowedHosts` (with or without a port, e.g.
 * the configured origin `localhost:3000`), or a loopback name on any port. Missing or malformed
 * Host headers do not.
 */
export function isAllowedHost(hostHeader: string | undefined, allowedHosts: readonly string[] = []): boolean {
  const hostname = hostnameOf(hostHeader);
  if (hostname === null) return false;
  const host = hostHeader!.trim().toLowerCase();
  return isLoopbackName(hostname) || allowedHosts.some((allowed) => allowed.toLowerCase() === host || allowed.toLowerCase() === hostname.toLowerCase());
}

/**
 * Refuses (421 Misdirected Request, before any route runs, so nothing changes) a request whose
 * Host is not this server's: the configured origin's host, `localhost` or a loopback address.
 */
export function requireOwnHost(baseUrl: string): MiddlewareHandler {
  const own = new URL(baseUrl);
  const allowed = [own.host, own.hostname];
  return async (c, next) => {
    const host = c.req.header('host');
    if (!isAllowedHost(host, allowed)) {
      return c.json(
        { error: { code: 'misdirected', message: `host: this server answers only to ${own.host} and loopback addresses, not to ${JSON.stringify(host ?? '')}` } },
        421,
      );
    }
    await next();
  };
}
