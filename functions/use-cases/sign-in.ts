import { SESSION_HOURS, SIGN_IN_CODE_MINUTES, type StaffSession } from '../core/auth/staff';
import { renderSignInEmail } from '../core/email/templates';
import { tooManyRequests, unauthorized, unavailable } from '../core/errors';
import { MailerError } from '../core/ports';
import { recordAudit } from './audit';
import type { Deps } from './deps';
import { parseInput } from './parse-input';
import { staffInput } from './staff-input-loader';

/** The sign-in bodies' schemas, imported (with zod) on the first sign-in request (staff-input.ts). */
export const signInRequestBody = () => staffInput().then((m) => m.signInRequestSchema);
export const signInVerifyBody = () => staffInput().then((m) => m.signInVerifySchema);

/** Sign-in emails one address may be sent in a sliding window (each makes the earlier codes useless). */
export const SIGN_IN_EMAILS_PER_ADDRESS = 5;
/**
 * Sign-in requests one client address may make in the same window, whatever addresses they name:
 * looser, because a hospital's staff often share one public address, and a developer signs in
 * several accounts from one machine.
 */
export const SIGN_IN_REQUESTS_PER_CLIENT = 50;
export const SIGN_IN_WINDOW_MS = 15 * 60_000;

const minutes = (seconds: number) => `${Math.ceil(seconds / 60)} minute${seconds > 60 ? 's' : ''}`;

/**
 * Emails a one-time sign-in link to a staff address. Unknown addresses get the same answer and
 * no email, so the endpoint does not reveal who has an account. Limited per named address (so no
 * one can flood a mailbox) and, more loosely, per client (`client`: a hash of its address);
 * unknown addresses are counted exactly like staff ones, so the limits reveal nothing either.
 */
export async function requestSignIn(
  deps: Pick<Deps, 'staff' | 'mailer' | 'clock' | 'secrets' | 'baseUrl' | 'systemSender' | 'audit' | 'rateLimits'>,
  body: unknown,
  client: string,
): Promise<void> {
  const { email } = parseInput(await signInRequestBody(), body);
  const address = email.toLowerCase();
  const now = deps.clock.now();
  const clientKey = `sign-in-client:${client}`;
  const byClient = await deps.rateLimits.hit(clientKey, SIGN_IN_WINDOW_MS, now);
  if (byClient.count > SIGN_IN_REQUESTS_PER_CLIENT) {
    await deps.rateLimits.refund(clientKey, byClient.windowStart, SIGN_IN_WINDOW_MS);
    const seconds = byClient.retryAfterSeconds(SIGN_IN_REQUESTS_PER_CLIENT);
    throw tooManyRequests(`too many sign-in requests from your connection: try again in ${minutes(seconds)}`, seconds);
  }
  const addressKey = `sign-in-address:${deps.secrets.hash(address)}`;
  const byAddress = await deps.rateLimits.hit(addressKey, SIGN_IN_WINDOW_MS, now);
  if (byAddress.count > SIGN_IN_EMAILS_PER_ADDRESS) {
    await deps.rateLimits.refund(addressKey, byAddress.windowStart, SIGN_IN_WINDOW_MS);
    const seconds = byAddress.retryAfterSeconds(SIGN_IN_EMAILS_PER_ADDRESS);
    throw tooManyRequests(`too many sign-in links were asked for this address: use the most recent email, or ask again in ${minutes(seconds)}`, seconds);
  }
  const member = await deps.staff.get(address);
  if (member === null) return;
  const code = deps.secrets.token();
  const expiresAt = new Date(deps.clock.now().getTime() + SIGN_IN_CODE_MINUTES * 60_000);
  await deps.staff.putLoginCode(deps.secrets.hash(code), member.email, expiresAt);
  // The code travels in the fragment so it never reaches a server log or a Referer header.
  const link = `${deps.baseUrl}/staff/sign-in#code=${code}`;
  try {
    await deps.mailer.send({ from: deps.systemSender, to: [member.email], ...renderSignInEmail({ link, code, minutes: SIGN_IN_CODE_MINUTES }) });
  } catch (error) {
    // Saying so reveals that the address is a staff one, but only to someone who can't receive its mail anyway.
    if (error instanceof MailerError) throw unavailable('the sign-in email could not be sent just now: please try again in a minute');
    throw error;
  }
  await recordAudit(deps, { scope: 'staff', actor: `staff:${member.email}`, action: 'sign-in.requested', target: `staff:${member.email}` });
}

/** Exchanges an unused, unexpired sign-in code for a session token. */
export async function verifySignIn(
  deps: Pick<Deps, 'staff' | 'clock' | 'secrets' | 'audit'>,
  body: unknown,
): Promise<{ token: string; session: StaffSession }> {
  const { code } = parseInput(await signInVerifyBody(), body);
  const now = deps.clock.now();
  const email = await deps.staff.consumeLoginCode(deps.secrets.hash(code), now);
  if (email === null) throw unauthorized('this sign-in code is invalid, already used, expired or replaced by a newer one: use the link in your most recent sign-in email, or ask for a new one');
  const member = await deps.staff.get(email);
  if (member === null) throw unauthorized('this staff account no longer exists');
  const token = deps.secrets.token();
  const session: StaffSession = {
    email: member.email,
    role: member.role,
    studies: member.studies,
    createdAt: now.toISOString(),
    expiresAt: new Date(now.getTime() + SESSION_HOURS * 3_600_000).toISOString(),
    epoch: member.sessionEpoch ?? 0,
  };
  await deps.staff.putSession(deps.secrets.hash(token), session);
  await recordAudit(deps, { scope: 'staff', actor: `staff:${member.email}`, action: 'sign-in.completed', target: `staff:${member.email}` });
  return { token, session };
}

/** The live session a bearer token stands for, or null. */
export async function authenticate(deps: Pick<Deps, 'staff' | 'clock' | 'secrets'>, token: string): Promise<StaffSession | null> {
  if (token.length < 16 || token.length > 128) return null;
  const session = await deps.staff.getSession(deps.secrets.hash(token));
  if (session === null || Date.parse(session.expiresAt) <= deps.clock.now().getTime()) return null;
  return session;
}

/** Ends a session on the server at once (its cookie or bearer token stops working); unknown tokens change nothing. */
export async function signOut(deps: Pick<Deps, 'staff' | 'clock' | 'secrets' | 'audit'>, token: string): Promise<void> {
  if (token.length < 16 || token.length > 128) return;
  const hash = deps.secrets.hash(token);
  const session = await deps.staff.getSession(hash);
  if (session === null) return;
  await deps.staff.deleteSession(hash);
  await recordAudit(deps, { scope: 'staff', actor: `staff:${session.email}`, action: 'sign-out', target: `staff:${session.email}` });
}

/** Who a session's holder is, as the console shows it: never the session's own bookkeeping (creation, epoch). */
export const whoIsSignedIn = ({ email, role, studies, expiresAt }: StaffSession) => ({ email, role, studies, expiresAt });
