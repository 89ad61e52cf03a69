import { linkRevoked, notFound } from '../core/errors';
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
  /** The generation the link was minted under: saves and submissions are conditioned on it. */
  linkEpoch: number;
}

/**
 * Whether a link minted under generation `epoch` was revoked since: by an email correction, a
 * resend, a withdrawal or an erasure (each raises the participant's generation, and the dispatcher
 * carries it to their instances).
 */
export const isRevoked = (epoch: number, participant: Pick<Participant, 'linkEpoch'>, instance?: Pick<Instance, 'linkEpoch'>) =>
  epoch < Math.max(participant.linkEpoch ?? 0, instance?.linkEpoch ?? 0);

/**
 * A request's standing against the limit on guessing links (functions/http/probing.ts), counted
 * while the link is looked up rather than before, to save a participant a round trip.
 */
export interface LinkProbe {
  /**
   * Settles once the attempt is counted: fulfilled when the client may go on, rejected (429) when
   * it has guessed too often. Nothing a look-up found is answered or acted on before it settles.
   */
  readonly admitted: Promise<void>;
  /** The token named a link: the request is no guess, and its count may be given back now. */
  resolved(): void;
}

/**
 * Resolves a participant token to its instance; unknown tokens are a plain 404. A revoked link is
 * 410 naming only the study: it shows no form, no saved answers and no study wording. With a
 * `linkProbe` (the participant routes pass their request's), the look-ups run while the attempt
 * is counted, and a refused attempt gets the refusal whatever they found.
 */
export async function resolveLink(
  deps: Pick<Deps, 'links' | 'linkTargets' | 'studies' | 'participants' | 'instances' | 'secrets' | 'clock'> & { dispatch?: Pick<Deps['dispatch'], 'startedGraceMs'>; linkProbe?: LinkProbe },
  token: string,
): Promise<ResolvedLink> {
  const admitted = deps.linkProbe?.admitted;
  // Tokens are 43 URL-safe characters; anything else cannot be one, and is not looked up.
  if (!/^[A-Za-z0-9_-]{32,64}$/.test(token)) {
    await admitted;
    throw notFound('link');
  }
  const [link] = await Promise.all([deps.links.get(deps.secrets.hash(token)), admitted]);
  if (link === null) throw notFound('link');
  const { study, participant, instance } = deps.linkTargets
    ? await deps.linkTargets.get(link.studyId, link.code, link.timepoint)
    : await Promise.all([
        deps.studies.get(link.studyId),
        deps.participants.get(link.studyId, link.code),
        deps.instances.get(link.studyId, link.code, link.timepoint),
      ]).then(([study, participant, instance]) => ({ study, participant, instance }));
  if (study === null || participant === null || instance === null) throw notFound('link');
  deps.linkProbe?.resolved();
  if (isRevoked(link.epoch, participant, instance)) throw linkRevoked(study.name, participant.language ?? 'en');
  return { study, participant, instance, status: linkStatus(participant, instance, deps.clock.now(), deps.dispatch?.startedGraceMs ?? 0), linkEpoch: link.epoch };
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
