import type { Context } from 'hono';
import type { StaffSession } from '../core/auth/staff';
import type { Deps } from '../use-cases/deps';

/** Per-request values set by middleware. Dependencies never travel here: createApp closes over them. */
export interface AppEnv {
  Variables: { session: StaffSession };
}

/** What the HTTP app needs: the use-case dependencies plus HTTP-only settings. */
export interface AppDeps extends Deps {
  /** Mark the session cookie Secure (true whenever the base URL is https). */
  secureCookies: boolean;
  /** The caller's network address, as the runtime sees it (rate limits are counted per address). */
  clientAddress?: (c: Context) => string | undefined;
  /** The sign-in request always takes this long, so its timing can't reveal which addresses are staff. */
  signInResponseMs: number;
}
