import { strataProblems, type StrataValues } from '../core/allocation/strata';
import { consentShown } from '../core/consent/consent-text';
import { renderAlreadyEnrolledEmail, renderJoinVerificationEmail } from '../core/email/enrolment-emails';
import { formatMailbox } from '../core/email/html';
import { participantLink } from '../core/email/links';
import { badRequest, conflict, gone, invalidFields, notFound, tooManyRequests, unavailable } from '../core/errors';
import type { Language } from '../core/i18n/language';
import { MailerError, type JoinRequest } from '../core/ports';
import { screenerQuestions, type Participant, type Study } from '../core/study/study';
import { AllocationClaimed, allocateAndCreate, createFromSlot } from './allocate-participant';
import { recordAudit } from './audit';
import type { Deps } from './deps';
import { parseInput } from './parse-input';
import { planAndStore } from './plan-participant';
import { joinConfirmSchema, joinRequestSchema, joinTokenSchema } from './self-enrol-input';

/** How long a verification link works. */
export const JOIN_LINK_HOURS = 24;
/** Verification emails one address may be sent per window (more are silently not sent: no mail-bombing anyone). */
export const JOIN_PER_ADDRESS = 3;
/** Join requests one client may make per window (then 429). */
export const JOIN_PER_CLIENT = 20;
export const JOIN_WINDOW_MS = 60 * 60_000;

/** What every join request is answered, whoever asked and whatever happened: nothing to learn from it. */
export const JOIN_ACCEPTED = {
  status: 'received',
  message: 'If you can take part, an email is on its way to confirm your address. Please check your inbox (and spam folder).',
} as const;

type JoinDeps = Pick<
  Deps,
  'studies' | 'participants' | 'contacts' | 'instances' | 'messages' | 'links' | 'joins' | 'consents' | 'allocations' | 'sealer' | 'random' | 'mailer' | 'rateLimits' | 'audit' | 'auditOutbox' | 'clock' | 'secrets' | 'baseUrl' | 'catalogue' | 'forms'
>;

async function openStudy(deps: Pick<Deps, 'studies'>, studyId: string): Promise<Study & { join: NonNullable<Study['join']> }> {
  // Ids are short slugs: anything else names no study, and is not looked up.
  if (!/^[a-z0-9][a-z0-9-]{1,39}$/.test(studyId)) throw notFound('join link');
  const study = await deps.studies.get(studyId);
  if (study === null || study.join === undefined || !study.join.enabled) throw notFound('join link');
  return study as Study & { join: NonNullable<Study['join']> };
}

/** GET /api/join/:studyId: what the public page shows: the study, its screener and the eligibility rule. */
export async function joinPage(deps: Pick<Deps, 'studies'>, studyId: string) {
  const study = await openStudy(deps, studyId);
  const contact = study.contacts[0];
  return {
    study: { id: study.id, name: study.name, contact: contact ? { name: contact.name, email: contact.email } : null },
    screener: study.join.screener,
    eligibility: study.join.eligibility,
    consent: study.consent !== undefined,
    languages: study.consent ? (Object.keys(study.consent.text) as Language[]) : (['en'] as Language[]),
  };
}

/** The allocation factors' levels from a screener's answers (each factor mapped to a question). */
function strataFrom(study: Study, answers: Record<string, unknown>): StrataValues | undefined {
  if (study.allocation === undefined || study.join?.arm !== undefined) return undefined;
  return Object.fromEntries(Object.entries(study.join?.strata ?? {}).map(([factor, question]) => [factor, String(answers[question] ?? '')]));
}

/**
 * POST /api/join/:studyId. Answers 202 with the same body whoever asks (no one learns whether
 * an address is enrolled, or even eligible). The screener is checked and the eligibility rule
 * evaluated here; people found ineligible leave only a count. An eligible person gets an email
 * to verify their address (or, if already taking part, an email saying so); at most
 * `JOIN_PER_ADDRESS` such emails per address per hour.
 */
export async function requestJoin(deps: JoinDeps, studyId: string, body: unknown, client: string): Promise<typeof JOIN_ACCEPTED> {
  const input = parseInput(joinRequestSchema, body);
  const now = deps.clock.now();
  // Per-purpose sliding-window counters (the same mechanism as link probing), keyed by hashes only.
  const clientKey = `join-client:${deps.secrets.hash(client)}`;
  const hit = await deps.rateLimits.hit(clientKey, JOIN_WINDOW_MS, now);
  if (hit.count > JOIN_PER_CLIENT) {
    await deps.rateLimits.refund(clientKey, hit.windowStart, JOIN_WINDOW_MS);
    const seconds = hit.retryAfterSeconds(JOIN_PER_CLIENT);
    throw tooManyRequests(`too many requests from your connection: please try again in ${Math.ceil(seconds / 60)} minutes`, seconds);
  }
  const study = await openStudy(deps, studyId);
  const questions = screenerQuestions(study.join.screener);
  const unknown = Object.keys(input.answers).filter((name) => !questions.includes(name));
  if (unknown.length > 0) throw invalidFields(unknown.map((name) => ({ field: `answers.${name}`, message: 'not a question of this screener' })));
  const problems = await deps.forms.validate(study.join.screener, input.answers);
  if (problems.length > 0) throw invalidFields(problems.map((p) => ({ field: `answers.${p.item}`, message: p.message })));

  if (!(await deps.forms.isTrue(study.join.eligibility, input.answers))) {
    await deps.joins.count(studyId, 'ineligible');
    return JOIN_ACCEPTED;
  }
  if (input.email === undefined) throw badRequest('email', 'required to continue: we send a link to confirm it');
  const strata = strataFrom(study, input.answers);
  if (strata !== undefined) {
    const wrong = strataProblems(study.allocation!, strata);
    if (wrong.length > 0) throw invalidFields(wrong.map((p) => ({ field: `answers.${study.join.strata[p.field.replace(/^strata\./, '')] ?? p.field}`, message: p.message })));
  }
  await deps.joins.count(studyId, 'eligible');
  const email = input.email.trim().toLowerCase();
  const addressKey = `join-address:${deps.secrets.hash(`${studyId}|${email}`)}`;
  if ((await deps.rateLimits.hit(addressKey, JOIN_WINDOW_MS, now)).count > JOIN_PER_ADDRESS) return JOIN_ACCEPTED;

  const from = formatMailbox(study.sender.name, study.sender.email);
  const holder = await deps.contacts.heldBy(studyId, email);
  let message;
  if (holder !== null && (await deps.participants.get(studyId, holder)) !== null) {
    message = renderAlreadyEnrolledEmail({ study, language: input.language });
  } else {
    const token = deps.secrets.token();
    const request: JoinRequest = {
      studyId,
      email,
      language: input.language,
      timezone: input.timezone ?? study.timezone,
      answers: input.answers,
      createdAt: now.toISOString(),
      expiresAt: new Date(now.getTime() + JOIN_LINK_HOURS * 3_600_000).toISOString(),
    };
    await deps.joins.put(deps.secrets.hash(token), request);
    // The token travels in the fragment: it never reaches a server log or a Referer.
    message = renderJoinVerificationEmail({ study, link: `${deps.baseUrl}/join/${studyId}#verify=${token}`, hours: JOIN_LINK_HOURS, language: input.language });
  }
  try {
    await deps.mailer.send({ from, to: [email], ...message });
  } catch (error) {
    if (error instanceof MailerError) throw unavailable('the email could not be sent just now: please try again in a minute');
    throw error;
  }
  return JOIN_ACCEPTED;
}

/** The join request a token opens, if it is this study's and still valid. */
async function openRequest(deps: Pick<Deps, 'joins' | 'secrets' | 'clock'>, studyId: string, token: string) {
  const hash = deps.secrets.hash(token);
  const request = await deps.joins.get(hash);
  if (request === null || request.studyId !== studyId) throw notFound('join link');
  if (request.enrolledAt === undefined && deps.clock.now().toISOString() >= request.expiresAt) throw gone('this link has expired: please start again from the study’s page');
  return { hash, request };
}

/**
 * POST /api/join/:studyId/verify: the emailed link was opened, so the address is theirs. Answers
 * what comes next: the consent text in their language (when the study asks for consent).
 */
export async function verifyJoin(deps: Pick<Deps, 'studies' | 'joins' | 'secrets' | 'clock'>, studyId: string, body: unknown) {
  const { token } = parseInput(joinTokenSchema, body);
  const study = await openStudy(deps, studyId);
  const { hash, request } = await openRequest(deps, studyId, token);
  if (request.enrolledAt !== undefined) return { status: 'enrolled' as const, study: { name: study.name }, language: request.language };
  await deps.joins.markVerified(hash, deps.clock.now());
  return {
    status: 'verified' as const,
    study: { name: study.name },
    language: request.language,
    ...(study.consent ? { consent: consentShown(study.consent, request.language) } : {}),
  };
}

/**
 * POST /api/join/:studyId/enrol: consent (when asked), then allocation (or the join arm), then
 * the participant; answers a link to the questionnaires open now. Every step is idempotent and
 * keyed by the request's code, so a repeat after an interruption finishes the same enrolment.
 */
export async function confirmJoin(deps: JoinDeps & Pick<Deps, 'onScheduleChanged'>, studyId: string, body: unknown): Promise<{ status: 'enrolled'; link: string | null; opensAt: string | null }> {
  const input = parseInput(joinConfirmSchema, body);
  const study = await openStudy(deps, studyId);
  const { hash, request } = await openRequest(deps, studyId, input.token);
  if (request.enrolledAt !== undefined) {
    const code = request.code!;
    return { status: 'enrolled', ...(await firstLink(deps, studyId, code)) };
  }
  if (study.consent !== undefined && input.consent === undefined) throw badRequest('consent', 'required: type your name and agree');
  const shown = study.consent ? consentShown(study.consent, request.language) : undefined;
  if (shown && input.consent?.textHash !== undefined && input.consent.textHash !== shown.textHash) {
    throw conflict('consent: the text changed since it was shown: read it again', 'consent.textHash');
  }
  const now = deps.clock.now();
  const code = await deps.joins.assignCode(hash, await nextFreeCode(deps, studyId));
  const email = request.email;

  let participant = await deps.participants.get(studyId, code);
  if (participant === null) {
    const reservation = await deps.contacts.reserveEmail(studyId, email, code, now);
    if (!reservation.ok && reservation.heldBy !== code) {
      if ((await deps.participants.get(studyId, reservation.heldBy)) !== null) throw conflict('this address is already taking part in the study: use the link in your latest email', 'email');
      throw conflict('an enrolment with this address is under way: please try again in a minute', 'email');
    }
    await deps.contacts.putContact(studyId, code, email);
    const consentRecord = shown
      ? await deps.consents.putRecord({ studyId, code, version: shown.version, language: shown.language, textHash: shown.textHash, name: input.consent!.name, agreedAt: now.toISOString(), via: 'join' })
      : undefined;
    const draft: Omit<Participant, 'arm'> = {
      studyId,
      code,
      timezone: request.timezone,
      status: 'active',
      enrolledAt: now.toISOString(),
      protocolVersion: study.protocol.version,
      dates: {},
      language: request.language,
      enrolledVia: 'join',
      screening: request.answers,
      ...(consentRecord ? { consent: { version: consentRecord.version, language: consentRecord.language, textHash: consentRecord.textHash, at: consentRecord.agreedAt } } : {}),
    };
    participant = await createJoined(deps, study, draft, code);
    await recordAudit(deps, { scope: `study:${studyId}`, actor: `participant:${code}`, action: 'participant.enrolled', target: `participant:${code}`, after: { arm: participant.arm, via: 'join', timezone: participant.timezone, protocolVersion: participant.protocolVersion } }, { id: `participant.enrolled:${code}`, at: participant.enrolledAt });
    if (consentRecord) {
      await recordAudit(deps, { scope: `study:${studyId}`, actor: `participant:${code}`, action: 'consent.given', target: `participant:${code}`, after: { version: consentRecord.version, language: consentRecord.language, textHash: consentRecord.textHash, via: 'join' } }, { id: `consent.given:${code}@${consentRecord.version}`, at: consentRecord.agreedAt });
      await deps.messages.createOnce({ studyId, code, timepoint: `consent@${consentRecord.version}`, kind: 'consent', n: 0, sendAt: consentRecord.agreedAt });
    }
  }
  const plan = await planAndStore(deps, studyId, code);
  void plan;
  await deps.participants.clearPlanRequest(studyId, code, participant.enrolledAt);
  await deps.joins.complete(hash, now);
  deps.onScheduleChanged?.();
  return { status: 'enrolled', ...(await firstLink(deps, studyId, code)) };
}

/** The participant record, allocated when the study allocates; a slot written by an interrupted attempt is finished, not redone. */
async function createJoined(deps: JoinDeps, study: Study, draft: Omit<Participant, 'arm'>, code: string): Promise<Participant> {
  if (study.allocation === undefined || study.join?.arm !== undefined) {
    const participant: Participant = { ...draft, arm: study.join!.arm! };
    try {
      await deps.participants.create(participant);
    } catch (error) {
      const existing = await deps.participants.get(study.id, code);
      if (existing === null) throw error;
      return existing;
    }
    return participant;
  }
  const slot = await deps.allocations.findByCode(study.id, code);
  if (slot !== null && slot.void === undefined) {
    await createFromSlot(deps, slot);
    return slot.participant;
  }
  try {
    return (await allocateAndCreate(deps, study, draft, strataFrom(study, draft.screening ?? {}) ?? {}, `participant:${code}`)).participant;
  } catch (error) {
    throw error instanceof AllocationClaimed ? error.cause : error;
  }
}

async function nextFreeCode(deps: Pick<Deps, 'participants'>, studyId: string): Promise<string> {
  for (let attempt = 0; attempt < 20; attempt++) {
    const code = await deps.participants.allocateCode(studyId);
    if ((await deps.participants.get(studyId, code)) === null) return code;
  }
  throw conflict('could not allocate a participant code: please try again');
}

/**
 * A fresh link to the first questionnaires open now (the page goes straight there), or when the
 * first ones open. Only the link's hash is stored, as for emailed links.
 */
async function firstLink(deps: Pick<Deps, 'participants' | 'instances' | 'links' | 'secrets' | 'clock' | 'baseUrl'>, studyId: string, code: string): Promise<{ link: string | null; opensAt: string | null }> {
  const now = deps.clock.now().toISOString();
  const participant = await deps.participants.get(studyId, code);
  const instances = (await deps.instances.listForParticipant(studyId, code)).filter((i) => i.status === 'scheduled' || i.status === 'open' || i.status === 'started');
  const open = instances.filter((i) => i.opensAt <= now && now < i.closesAt).sort((a, b) => a.opensAt.localeCompare(b.opensAt))[0];
  if (open === undefined) {
    const next = instances.map((i) => i.opensAt).sort()[0];
    return { link: null, opensAt: next ?? null };
  }
  const token = deps.secrets.token();
  // Minted under their current link generation, like the emailed links: a later revocation covers it too.
  await deps.links.put(deps.secrets.hash(token), { studyId, code, timepoint: open.timepoint, createdAt: now, epoch: participant?.linkEpoch ?? 0 });
  return { link: participantLink(deps.baseUrl, token), opensAt: open.opensAt };
}
