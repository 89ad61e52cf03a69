import { notFound } from '../core/errors';
import type { Instance } from '../core/schedule/records';
import type { Participant, Study } from '../core/study/study';
import type { Deps } from './deps';

/** What a participant may see of their instance right now. */
export type LinkStatus = 'not_yet_open' | 'open' | 'started' | 'completed' | 'expired' | 'withdrawn';

export interface ResolvedLink {
  study: Study;
  participant: Participant;
  instance: Instance;
  status: LinkStatus;
}

/** Resolves a participant token to its instance; unknown tokens are a plain 404. */
export async function resolveLink(
  deps: Pick<Deps, 'links' | 'studies' | 'participants' | 'instances' | 'secrets' | 'clock'> & { dispatch?: Pick<Deps['dispatch'], 'startedGraceMs'> },
  token: string,
): Promise<ResolvedLink> {
  // Tokens are 43 URL-safe characters; anything else cannot be one, and is not looked up.
  if (!/^[A-Za-z0-9_-]{32,64}$/.test(token)) throw notFound('link');
  const link = await deps.links.get(deps.secrets.hash(token));
  if (link === null) throw notFound('link');
  const [study, participant, instance] = await Promise.all([
    deps.studies.get(link.studyId),
    deps.participants.get(link.studyId, link.code),
    deps.instances.get(link.studyId, link.code, link.timepoint),
  ]);
  if (study === null || participant === null || instance === null) throw notFound('link');
  return { study, participant, instance, status: linkStatus(participant, instance, deps.clock.now(), deps.dispatch?.startedGraceMs ?? 0) };
}

/** A started (partly answered) instance stays answerable for a grace period after its window closes. */
function linkStatus(participant: Participant, instance: Instance, now: Date, startedGraceMs: number): LinkStatus {
  if (instance.status === 'completed') return 'completed';
  if (participant.status === 'withdrawn' || instance.status === 'cancelled') return 'withdrawn';
  const closes = Date.parse(instance.closesAt) + (instance.status === 'started' ? startedGraceMs : 0);
  if (instance.status === 'expired' || now.getTime() >= closes) return 'expired';
  if (now.getTime() < Date.parse(instance.opensAt)) return 'not_yet_open';
  return instance.status === 'started' ? 'started' : 'open';
}
