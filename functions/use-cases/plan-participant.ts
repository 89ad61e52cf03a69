import { planParticipant, type Completions, type Plan } from '../core/schedule/plan';
import type { Deps } from './deps';

/**
 * Computes a participant's plan and writes it. Every write is idempotent (instances and
 * messages are keyed by what they are, and only unsent messages move), so running this again
 * after a crash, or after any change, converges on the same ledger.
 */
export async function planAndStore(
  deps: Pick<Deps, 'studies' | 'participants' | 'instances' | 'messages'>,
  studyId: string,
  code: string,
): Promise<Plan> {
  const [study, participant] = await Promise.all([deps.studies.get(studyId), deps.participants.get(studyId, code)]);
  if (study === null || participant === null) return { instances: [], messages: [] };
  const existing = await deps.instances.listForParticipant(studyId, code);
  const completions: Completions = Object.fromEntries(
    existing.filter((i) => i.completedAt !== undefined).map((i) => [i.timepoint, i.completedAt!]),
  );
  const plan = planParticipant(study, participant, completions);
  for (const instance of plan.instances) await deps.instances.upsertPlanned(instance);
  for (const message of plan.messages) await deps.messages.upsertPlanned(message);
  return plan;
}
