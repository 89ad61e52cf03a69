import type { Deps } from './deps';
import { resolveLink, type LinkStatus } from './participant-link';

export interface SurveyView {
  study: { id: string; name: string; contact: { name: string; email: string } | null };
  timepoint: { id: string; label: string; closesAt: string };
  status: LinkStatus;
  /** The battery, in protocol order; empty unless the participant can answer now. */
  instruments: Array<{ id: string; version: string; name: string; survey: Record<string, unknown> }>;
  /** Answers saved so far (never the final answers of a completed instance). */
  answers: Record<string, unknown>;
}

/** What the participant page shows for a link: the battery when it can be answered, else just the state. */
export async function openSurvey(
  deps: Pick<Deps, 'links' | 'studies' | 'participants' | 'instances' | 'secrets' | 'clock' | 'catalogue'>,
  token: string,
): Promise<SurveyView> {
  const { study, instance, status } = await resolveLink(deps, token);
  const timepoint = study.protocol.timepoints.find((t) => t.id === instance.timepoint);
  const contact = study.contacts[0];
  const answerable = status === 'open' || status === 'started';
  return {
    study: { id: study.id, name: study.name, contact: contact ? { name: contact.name, email: contact.email } : null },
    timepoint: { id: instance.timepoint, label: timepoint?.label ?? instance.timepoint, closesAt: instance.closesAt },
    status,
    instruments: answerable
      ? instance.instruments.map(({ id, version }) => {
          const instrument = deps.catalogue.find(id, version);
          if (instrument === undefined) throw new Error(`instrument ${id}@${version} is not installed`);
          return { id, version, name: instrument.scoring.name, survey: instrument.survey };
        })
      : [],
    answers: answerable ? (instance.answers ?? {}) : {},
  };
}
