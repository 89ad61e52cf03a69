import type { DispatchReport } from '../../functions/use-cases/dispatch';

/**
 * One log line for a dispatcher pass that did something: every counter that is not zero, in the
 * report's order (e.g. "planned 1, sent 1, retried 1"), or null for an idle pass. A retried, held
 * or recovered message must show in `npm start`'s log as plainly as a sent one: a coordinator
 * watching for an invitation should see why it has not come.
 */
export function passSummary(report: DispatchReport): string | null {
  const done = Object.entries(report).filter(([, n]) => n !== 0);
  return done.length === 0 ? null : done.map(([what, n]) => `${what} ${n}`).join(', ');
}
