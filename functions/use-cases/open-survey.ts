import { consentShown, needsConsent } from '../core/consent/consent-text';
import { loadBattery } from './battery';
import { wordingInLanguage } from '../core/catalogue/wording-in-language';
import type { Language } from '../core/i18n/language';
import type { Participant, Study } from '../core/study/study';
import type { Deps } from './deps';
import { resolveLink, type LinkStatus } from './participant-link';

export interface SurveyView {
  study: { id: string; name: string; contact: { name: string; email: string } | null };
  timepoint: { id: string; label: string; opensAt: string; closesAt: string };
  /** The participant's language, for the page's own wording. */
  language: Language;
  /** `licensed_text_missing` when the link is open but some instrument's licensed wording is not installed. */
  status: LinkStatus | 'licensed_text_missing';
  /**
   * The battery, in protocol order; empty unless the participant can answer now. Each form's
   * wording is in `language`: the participant's where the instrument ships a translation into it,
   * otherwise English (the page then says so in the participant's language).
   */
  instruments: Array<{ id: string; version: string; name: string; language: Language; survey: Record<string, unknown> }>;
  /** Instruments whose licensed wording this deployment lacks (the study team must load it). */
  missingText: string[];
  /** Answers saved so far (never the final answers of a completed instance). */
  answers: Record<string, unknown>;
  /**
   * The participant has not consented to the study's current consent version: the page shows
   * `consent` first, and no instruments are sent until they agree (POST …/consent).
   */
  consentRequired: boolean;
  /** The consent text in their language (or the study's nearest), when consent is required. */
  consent?: { version: string; language: Language; text: string; textHash: string };
}

/** States in which a link can still be answered (now or later), so consent is asked for. */
const consentStates: ReadonlySet<string> = new Set(['open', 'started', 'not_yet_open']);

/** What a survey view is built from: a study, one of its timepoints' batteries, a language and a state. */
export interface SurveyViewInput {
  study: Study;
  timepoint: string;
  instruments: Array<{ id: string; version: string }>;
  opensAt: string;
  closesAt: string;
  language: Language;
  status: LinkStatus;
  answers: Record<string, unknown>;
  /** The participant's consents, which decide whether the consent is shown first; none for a staff preview (the battery is shown). */
  consents?: Pick<Participant, 'consent'>;
}

/**
 * The body of `GET /api/p/{token}`, and of the staff preview of a timepoint (which must look
 * exactly like it): the battery when it can be answered, else just the state.
 */
export async function surveyView(deps: Pick<Deps, 'catalogue' | 'licensedTexts'>, input: SurveyViewInput): Promise<SurveyView> {
  const { study, language, status } = input;
  const timepoint = study.protocol.timepoints.find((t) => t.id === input.timepoint);
  const contact = study.contacts[0];
  const consentRequired = input.consents !== undefined && consentStates.has(status) && needsConsent(study.consent, input.consents);
  const open = (status === 'open' || status === 'started') && !consentRequired;
  // Only an answerable link needs the forms (and any licensed wording): other states show a message.
  const battery = open ? await loadBattery(deps, input.instruments) : [];
  const missingText = battery.filter((i) => !i.textInstalled).map((i) => `${i.id}@${i.version}`);
  const answerable = open && missingText.length === 0;
  return {
    study: { id: study.id, name: study.name, contact: contact ? { name: contact.name, email: contact.email } : null },
    timepoint: { id: input.timepoint, label: timepoint?.labels?.[language] ?? timepoint?.label ?? input.timepoint, opensAt: input.opensAt, closesAt: input.closesAt },
    language,
    status: open && !answerable ? 'licensed_text_missing' : status,
    instruments: answerable
      ? battery.map(({ id, version, scoring, survey }) => ({ id, version, name: scoring.name, ...wordingInLanguage(survey, language) }))
      : [],
    answers: answerable ? input.answers : {},
    missingText,
    consentRequired,
    ...(consentRequired ? { consent: consentShown(study.consent!, language) } : {}),
  };
}

/** What the participant page shows for a link: the battery when it can be answered, else just the state. */
export async function openSurvey(
  deps: Pick<Deps, 'links' | 'studies' | 'participants' | 'instances' | 'secrets' | 'clock' | 'catalogue' | 'licensedTexts'>,
  token: string,
): Promise<SurveyView> {
  const { study, participant, instance, status } = await resolveLink(deps, token);
  return surveyView(deps, {
    study,
    timepoint: instance.timepoint,
    instruments: instance.instruments,
    opensAt: instance.opensAt,
    closesAt: instance.closesAt,
    language: participant.language ?? 'en',
    status,
    answers: instance.answers ?? {},
    consents: participant,
  });
}
