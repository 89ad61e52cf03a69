import type { IncomingMessage, Server, ServerResponse } from 'node:http';
import { isAllowedHost } from '../../functions/http/host-check';

export interface LoopbackGuardOptions {
  /** What the server is, for the refusal's message. */
  name: string;
  /**
   * Whether a browser page may talk to this server at all. The database is for the platform's own
   * SDK clients (which send no `Origin`), so any browser request is refused; the email inbox is a
   * web page, so requests from its own origin are allowed and every other origin is refused.
   */
  browsers: 'never' | 'own-origin';
}

const refuse = (res: ServerResponse, status: number, message: string) => {
  res.writeHead(status, { 'content-type': 'application/json', connection: 'close' });
  res.end(JSON.stringify({ error: { code: status === 421 ? 'misdirected' : 'forbidden', message } }));
};

/**
 * Puts a check in front of an embedded emulator's own request handler (dynalite,
 * aws-ses-v2-local), which otherwise answers any Host and, in dynalite's case, any origin
 * (`Access-Control-Allow-Origin: *`), so that any web page the coordinator visited could read or
 * write the local database. A request whose Host is not a loopback name (DNS rebinding), or that
 * a browser sent from another origin, is refused before the emulator sees it.
 */
export function guardLoopback(server: Server, options: LoopbackGuardOptions): void {
  const handlers = server.listeners('request') as Array<(req: IncomingMessage, res: ServerResponse) => void>;
  server.removeAllListeners('request');
  server.on('request', (req: IncomingMessage, res: ServerResponse) => {
    const host = req.headers.host;
    if (!isAllowedHost(host)) {
      req.resume();
      return refuse(res, 421, `host: the ${options.name} answers only to loopback addresses, not to ${JSON.stringify(host ?? '')}`);
    }
    const origin = req.headers.origin;
    if (origin !== undefined) {
      const own = new Set([`http://${host}`, `http://localhost:${(server.address() as { port: number }).port}`]);
      if (options.browsers === 'never' || !own.has(origin)) {
        req.resume();
        return refuse(res, 403, `origin: the ${options.name} does not answer requests from web pages${options.browsers === 'own-origin' ? ' other than its own' : ''}`);
      }
    }
    for (const handler of handlers) handler.call(server, req, res);
  });
}
