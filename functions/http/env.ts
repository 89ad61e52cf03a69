import type { Context } from 'hono';
import type { StaffSession } from '../core/auth/staff';
import type { RequestLogEntry } from './request-log';
import type { Deps } from '../use-cases/deps';
import type { LinkProbe } from '../use-cases/participant-link';

/** Per-request values set by middleware. Dependencies never travel here: createApp closes over them. */
export interface AppEnv {
  Variables: {
    session: StaffSession;
    /** A participant-link request's standing against the guessing limit (probing.ts, limitLinkProbing). */
    linkProbe: LinkProbe;
  };
}

/** What the HTTP app needs: the use-case dependencies plus HTTP-only settings. */
export interface AppDeps extends Deps {
  /** Mark the session cookie Secure (true whenever the base URL is https). */
  secureCookies: boolean;
  /**
   * The caller's network address, the one source the rate limits count by. Locally the socket's;
   * in AWS the viewer address CloudFront itself sets (functions/http/front-door.ts), never a
   * header a client could forge.
   */
  clientAddress?: (c: Context) => string | undefined;
  /**
   * Whether a request came through the deployment's own front door (CloudFront in AWS, proved by
   * the origin secret it adds). Unset locally, where the server listens on loopback only. A request
   * that did not is refused with 403 before anything else runs.
   */
  viaFrontDoor?: (c: Context) => Promise<boolean>;
  /** Where a line per request goes (method, route pattern, status, duration; never path values, headers or bodies). */
  logRequest?: (entry: RequestLogEntry) => void;
  /** The sign-in request always takes this long, so its timing can't reveal which addresses are staff. */
  signInResponseMs: number;
}
