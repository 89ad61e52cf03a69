import { DateTime } from 'luxon';
import { createMemoryRepositories } from '../../functions/adapters/memory/repositories';
import { fixedClock } from '../../functions/adapters/system/system-clock';
import { loadConfig } from '../../functions/config';
import type { Mailer } from '../../functions/core/ports';
import { openStatuses, type Instance, type StoredMessage } from '../../functions/core/schedule/records';
import type { Study } from '../../functions/core/study/study';
import { buildDependencies } from '../../functions/dependencies';
import { runDispatch } from '../../functions/use-cases/dispatch';
import { defaultDispatchSettings } from '../../functions/use-cases/deps';
import { enrolParticipant } from '../../functions/use-cases/enrol-participant';

export interface SimulationInput {
  study: Study;
  arm: string;
  timezone: string;
  /** Enrolment instant (ISO). */
  enrolledAt: string;
  /** Timepoints the simulated participant completes, and when (ISO instants). */
  completions: Array<{ timepoint: string; at: string }>;
  /** Last instant simulated (ISO). */
  until: string;
}

export interface SimulationEvent {
  /** ISO 8601 with the participant's UTC offset. */
  at: string;
  kind: 'invite' | 'reminder' | 'resend' | 'alert' | 'notice' | 'consent' | 'expire' | 'complete';
  timepoint: string;
  n?: number;
  /** For messages: sent, or why not (skipped, cancelled, failed). */
  status?: string;
  reason?: string;
}

const kindName = { invitation: 'invite', reminder: 'reminder', resend: 'resend', alert: 'alert', notice: 'notice', consent: 'consent' } as const;

/**
 * Runs the real planner and dispatcher for one participant against the in-memory storage
 * adapter (the same transition rules as DynamoDB) and a virtual clock, jumping from one due
 * instant to the next; a recording mailer stands in for SES, so no mail is sent. Returns every message and state change in time order.
 */
export async function simulate(input: SimulationInput): Promise<SimulationEvent[]> {
  const config = loadConfig({ TIMEPOINT_BASE_URL: 'https://simulation.invalid', RESEARCH_TABLE: 'simulation-research', CONTACTS_TABLE: 'simulation-contacts', AWS_REGION: 'eu-west-2' });
  let sent = 0;
  const recording: Mailer = { send: async () => ({ messageId: `simulated-${++sent}` }) };
  const clock = fixedClock(input.enrolledAt);
  const deps = buildDependencies(config, { clock, mailer: recording, repositories: createMemoryRepositories(), dispatch: { ...defaultDispatchSettings, sleep: async () => {} } });
  await deps.studies.createIfAbsent(input.study);
  const { code } = await enrolParticipant(deps, 'system:simulate', input.study.id, {
    email: 'participant@simulation.invalid',
    arm: input.arm,
    timezone: input.timezone,
  });

  const events: SimulationEvent[] = [];
  const local = (iso: string) => DateTime.fromISO(iso, { zone: input.timezone }).toISO() ?? iso;
  const seen = new Map<string, string>();
  const completions = [...input.completions].sort((a, b) => a.at.localeCompare(b.at));

  const record = async () => {
    const [messages, instances] = await Promise.all([deps.messages.listForParticipant(input.study.id, code), deps.instances.listForParticipant(input.study.id, code)]);
    for (const m of messages) {
      const key = `${m.timepoint}|${m.kind}|${m.n}`;
      if (seen.get(key) === m.status || m.status === 'planned' || m.status === 'claimed') continue;
      seen.set(key, m.status);
      const settled = m.settledAt;
      events.push({
        at: local(m.sentAt ?? settled ?? clock.now().toISOString()),
        kind: kindName[m.kind],
        timepoint: m.timepoint,
        n: m.n,
        status: m.status,
        ...(m.reason && m.status !== 'sent' ? { reason: m.reason } : {}),
      });
    }
    for (const i of instances) {
      const key = `instance|${i.timepoint}`;
      if (seen.get(key) === i.status || openStatuses.has(i.status) || i.status === 'completed') continue;
      seen.set(key, i.status);
      events.push({ at: local(i.endedAt ?? clock.now().toISOString()), kind: 'expire', timepoint: i.timepoint, status: i.status, ...(i.endReason ? { reason: i.endReason } : {}) });
    }
    return { messages, instances };
  };

  const nextInstant = ({ messages, instances }: { messages: StoredMessage[]; instances: Instance[] }): string | undefined => {
    const times = [
      ...messages.filter((m) => m.status === 'planned').map((m) => m.notBefore ?? m.sendAt),
      ...instances.filter((i) => openStatuses.has(i.status)).map((i) => i.closesAt),
      ...completions.map((c) => c.at),
    ].filter((t) => t > clock.now().toISOString());
    return times.sort()[0];
  };

  for (let step = 0; step < 10_000; step++) {
    await runDispatch(deps);
    const state = await record();
    // Completions due now happen after this instant's dispatch (a participant answers an email already sent).
    while (completions[0] && completions[0].at <= clock.now().toISOString()) {
      const { timepoint, at } = completions.shift()!;
      const done = await deps.instances.complete(input.study.id, code, timepoint, { answers: {}, scores: [], completedAt: at });
      events.push({ at: local(at), kind: 'complete', timepoint, ...(done ? {} : { status: 'refused', reason: 'the instance was not open then' }) });
      await runDispatch(deps);
      await record();
    }
    const next = nextInstant(state);
    if (next === undefined || next > input.until) break;
    clock.set(next);
  }
  return events.sort((a, b) => Date.parse(a.at) - Date.parse(b.at));
}
