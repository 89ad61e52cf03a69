import { conflict, notFound } from '../core/errors';
import { auditEntry } from './audit';
import type { Actor, Deps } from './deps';
import { parseInput } from './parse-input';
import { staffInput } from './staff-input-loader';

/** Records that a safety alert was seen and handled, by whom, once. */
export async function acknowledgeAlert(
  deps: Pick<Deps, 'messages' | 'audit' | 'clock' | 'secrets'>,
  actor: Actor,
  studyId: string,
  code: string,
  timepoint: string,
  body: unknown,
) {
  const { note } = parseInput((await staffInput()).acknowledgementSchema, body);
  const alert = (await deps.messages.listForParticipant(studyId, code)).find((m) => m.kind === 'alert' && m.timepoint === timepoint);
  if (alert === undefined) throw notFound(`safety alert for ${code} at ${timepoint}`);
  const at = deps.clock.now();
  const audit = auditEntry(deps, { scope: `study:${studyId}`, actor, action: 'alert.acknowledged', target: `instance:${code}/${timepoint}`, after: { note: note ?? null } });
  if (!(await deps.messages.acknowledge(alert, actor, note, at, audit))) throw conflict(`this alert was already acknowledged by ${alert.acknowledgedBy ?? 'someone else'}`);
  return { acknowledgedBy: actor, acknowledgedAt: at.toISOString() };
}
