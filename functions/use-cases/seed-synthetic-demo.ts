import { normal, seededRandom, syntheticAnswers } from '../core/demo/synthetic-answers';
import { instrumentLookup } from '../core/catalogue/lookup';
import type { Clock, Mailer, OutgoingEmail } from '../core/ports';
import type { Answers } from '../core/schedule/records';
import type { Study } from '../core/study/study';
import type { Deps } from './deps';
import { runDispatch } from './dispatch';
import { enrolParticipant } from './enrol-participant';
import { recordDeliveryFeedback } from './record-delivery-feedback';
import { submitAnswers } from './submit-answers';
import { withdrawParticipant } from './update-participant';

const DAY = 86_400_000;
const HOUR = 3_600_000;

/** Addresses in the reserved `.invalid` domain (RFC 2606): no mail system delivers to them. */
export const SYNTHETIC_DOMAIN = 'synthetic.invalid';

/** What happens to one synthetic participant. */
interface Plan {
  code: string;
  arm: string;
  /** Days before now they were enrolled (a course cohort starts together). */
  enrolledDaysAgo: number;
  /** Severity at baseline, 0 (well) … 1 (unwell), and the change by follow-up (negative = better). */
  severity: number;
  change: number;
  baseline: boolean;
  followup: boolean;
  withdrawnAfterDays?: number;
  bounced?: boolean;
  urgentAtFollowup?: boolean;
}

/**
 * About thirty clearly labelled synthetic participants for the `demo` study: four course cohorts of
 * `mbpm` and `waitlist` who completed baseline and week 8 (the course improves each scale in its
 * clinically better direction, the wait-list barely moves), a few healthy controls, and a last
 * cohort whose week 8 is overdue now, plus one withdrawn, one whose address bounced and one week-8
 * answer that raised a safety alert. Deterministic: the same seed gives the same people and answers.
 */
export function syntheticPlans(seed = 20_260_302): Plan[] {
  const random = seededRandom(seed);
  const plans: Plan[] = [];
  let n = 0;
  const code = () => `SYN-${String(++n).padStart(3, '0')}`;
  const person = (arm: string, enrolledDaysAgo: number, extra: Partial<Plan> = {}): Plan => {
    const severity = arm === 'healthy' ? Math.max(0.02, normal(random, 0.12, 0.06)) : Math.min(0.9, Math.max(0.25, normal(random, 0.55, 0.1)));
    const change = arm === 'mbpm' ? normal(random, -0.22, 0.08) : arm === 'waitlist' ? normal(random, -0.03, 0.08) : 0;
    return { code: code(), arm, enrolledDaysAgo, severity, change, baseline: true, followup: arm !== 'healthy', ...extra };
  };
  for (const [cohort, daysAgo] of [98, 91, 84, 77].entries()) {
    for (let i = 0; i < 4; i++) plans.push(person('mbpm', daysAgo));
    for (let i = 0; i < 3; i++) plans.push(person('waitlist', daysAgo));
    if (cohort % 2 === 0) plans.push(person('waitlist', daysAgo));
    plans.push(person('healthy', daysAgo));
  }
  // Withdrew three weeks in; an address that bounced (never answered); a week-8 answer of concern.
  plans.push(person('mbpm', 91, { followup: false, withdrawnAfterDays: 21 }));
  plans.push(person('waitlist', 84, { baseline: false, followup: false, bounced: true }));
  plans[1] = { ...plans[1]!, urgentAtFollowup: true };
  // The latest cohort: week 8 was due two days ago and is not answered yet (overdue).
  for (let i = 0; i < 2; i++) plans.push(person('mbpm', 58, { followup: false }));
  plans.push(person('waitlist', 58, { followup: false }));
  return plans;
}

interface SeedDeps
  extends Pick<
    Deps,
    | 'studies'
    | 'participants'
    | 'contacts'
    | 'instances'
    | 'messages'
    | 'links'
    | 'audit'
    | 'auditOutbox'
    | 'secrets'
    | 'catalogue'
    | 'forms'
    | 'licensedTexts'
    | 'scoringPlugins'
    | 'baseUrl'
    | 'dispatch'
    | 'allocations'
    | 'consents'
    | 'sealer'
    | 'random'
    | 'importJobs'
    | 'sendTargets'
  > {
  clock: Clock;
}

/**
 * Gives the `demo` study a history on the first start of a local platform, so the dashboard, the
 * outcome summary and its figure, and every export show what they are for. The synthetic
 * participants live through the real code on a virtual clock, weeks back: enrolled, invited by
 * the dispatcher, answering through their links (checked and scored by the real engine),
 * withdrawing, bouncing. They are `synthetic` from enrolment: only these passes (on the virtual
 * clock, with a mailer that sends nothing, to `.invalid` addresses) act on them; every other
 * dispatcher pass leaves them as they are, a snapshot, and never emails them.
 */
export async function seedSyntheticDemo(
  deps: SeedDeps,
  study: Study,
  options: { shouldStop?: () => boolean } = {},
): Promise<{ participants: number; stopped?: true }> {
  const now = deps.clock.now().getTime();
  let virtual = now;
  const clock: Clock = { now: () => new Date(virtual) };
  const links = new Map<string, string>();
  const providerIds = new Map<string, string>();
  let sent = 0;
  const mailer: Mailer = {
    // Sends nothing: keeps each participant's latest link, as their inbox would.
    async send(email: OutgoingEmail) {
      const messageId = `synthetic-${++sent}`;
      const to = email.to[0] ?? '';
      // The participant link: /p/#<token> (or the older /p/<token>).
      const token = /\/p\/#?([A-Za-z0-9_-]{20,})/.exec(email.text);
      if (token && to.endsWith(`@${SYNTHETIC_DOMAIN}`)) {
        links.set(to, token[1]!);
        providerIds.set(to, messageId);
      }
      return { messageId };
    },
  };
  const seedDeps = { ...deps, clock, mailer, dispatch: { ...deps.dispatch, sleep: async () => {} } };
  const random = seededRandom(7);
  const plans = syntheticPlans();
  const email = (p: Plan) => `${p.code.toLowerCase()}@${SYNTHETIC_DOMAIN}`;
  const battery = (timepoint: string) => study.protocol.timepoints.find((t) => t.id === timepoint)?.instruments ?? [];
  const find = instrumentLookup(await deps.catalogue.list());
  const answersAt = (timepoint: string, severity: number, urgent = false): Answers =>
    Object.assign({}, ...battery(timepoint).map(({ id, version }) => syntheticAnswers(find(id, version)!.scoring, severity, random, { urgent })));
  const followupId = study.protocol.timepoints.find((t) => t.id !== study.protocol.timepoints[0]?.id && t.arms.includes('mbpm'))?.id ?? 'week8';
  const baselineId = study.protocol.timepoints[0]?.id ?? 'baseline';
  // Passes that act on synthetic participants only (every other pass leaves them alone).
  const dispatch = () => runDispatch(seedDeps, { synthetic: true });
  const at = (daysAgo: number, hours: number) => {
    const day = new Date(now - daysAgo * DAY);
    day.setUTCHours(0, 0, 0, 0);
    return day.getTime() + hours * HOUR;
  };
  const submit = async (p: Plan, answers: Answers) => {
    const token = links.get(email(p));
    if (token === undefined) return;
    await submitAnswers(seedDeps, token, { answers });
  };

  // Every cohort's events, run in time order on the virtual clock (cohorts overlap in time).
  const events: Array<{ at: number; run: () => Promise<unknown> }> = [];
  const on = (time: number, run: () => Promise<unknown>) => {
    if (time <= now) events.push({ at: time, run });
  };
  for (const daysAgo of [...new Set(plans.map((p) => p.enrolledDaysAgo))]) {
    const cohort = plans.filter((p) => p.enrolledDaysAgo === daysAgo);
    // Enrolled mid-morning; the baseline invitation goes out at once (one address bounces).
    on(at(daysAgo, 10), async () => {
      for (const p of cohort) await enrolParticipant(seedDeps, 'system:demo-seed', study.id, { email: email(p), arm: p.arm, code: p.code }, { synthetic: true });
      await dispatch();
      for (const p of cohort.filter((c) => c.bounced)) {
        await recordDeliveryFeedback(seedDeps, { eventType: 'Bounce', mail: { messageId: providerIds.get(email(p))! }, bounce: { bounceType: 'Permanent', bounceSubType: 'NoEmail' } });
      }
    });
    // Baseline answered over the next two evenings.
    for (const [i, p] of cohort.filter((c) => c.baseline).entries()) {
      on(at(daysAgo - 1 - (i % 2), 18 + (i % 5) * 0.5), () => submit(p, answersAt(baselineId, p.severity)));
    }
    on(at(daysAgo - 2, 21), dispatch);
    for (const p of cohort.filter((c) => c.withdrawnAfterDays !== undefined)) {
      on(at(daysAgo - p.withdrawnAfterDays!, 11), () => withdrawParticipant(seedDeps, 'system:demo-seed', study.id, p.code, { reason: 'moved away (synthetic)' }));
    }
    // Week 8: invited on day 56 (09:00 local), answered over the following days.
    const due = daysAgo - 56;
    on(at(due, 12), dispatch);
    for (const [i, p] of cohort.filter((c) => c.followup).entries()) {
      on(at(due - 1 - (i % 3), 19), () => submit(p, answersAt(followupId, Math.max(0, p.severity + p.change), p.urgentAtFollowup === true)));
    }
    on(at(due - 3, 20), dispatch);
  }
  for (const event of events.sort((a, b) => a.at - b.at)) {
    // Stopping the platform meanwhile leaves a shorter history, never a broken one.
    if (options.shouldStop?.()) return { participants: plans.length, stopped: true };
    virtual = event.at;
    await event.run();
  }
  // Today: what has closed expires, the overdue get their reminder (sent nowhere), alerts are raised.
  virtual = now;
  await dispatch();
  return { participants: plans.length };
}
