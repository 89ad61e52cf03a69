/**
 * The study of the export benchmark (bench/export.ts): N participants of the motivating trial
 * (aygunStudy: PROMIS-29, SF-MPQ, PAM-13, PCS, BDI-II, MAIA, FFMQ-39 at baseline and week 8), each
 * with both timepoints completed. Every item is built with the real key module, the real planner
 * and the real scoring engine, exactly as the application leaves it once a participant has
 * submitted both timepoints and the dispatcher has done the follow-up:
 *
 * - participant: `{ ...keys.participant, type, ...participant, rev: 1 }` (as `create` writes it,
 *   the plan request cleared by `clearPlanRequest`);
 * - instance: what `upsertPlanned` (planner fields), `markOpened` (at the invitation's send time),
 *   `complete` (answers, scores, completedAt) and `clearPendingCompletion` (due-index entry gone)
 *   leave, in that order;
 * - scores: `scoreInstrument(definition, answersFor(definition, answers), { plugins })` per
 *   instrument of the battery, as `submitAnswers` computes them (the study has no missing-rule
 *   overrides; no scoring plug-ins are installed, as in a default deployment, so PAM-13's
 *   `activation` is `not_scored` with the engine's reason).
 *
 * bench/export.ts replays a few participants through the real use cases in scratch tables and
 * checks that they leave exactly these items.
 *
 * Everything is a pure function of (seed, participant index): the benchmark regenerates a
 * participant's expected items to verify the export row by row without keeping them in memory.
 */
import { keys } from '../../functions/adapters/dynamodb/keys';
import type { CatalogueInstrument } from '../../functions/core/ports';
import { planParticipant } from '../../functions/core/schedule/plan';
import type { Answers } from '../../functions/core/schedule/records';
import { answersFor } from '../../functions/core/scoring/check-answers';
import type { ItemDefinition } from '../../functions/core/scoring/definition';
import { scoreInstrument, type ScoreResult, type ScoringPlugin } from '../../functions/core/scoring/engine';
import type { Participant, Study } from '../../functions/core/study/study';
import { codeOf, mulberry32 } from './dispatch-population';

export { codeOf };

type Item = Record<string, unknown>;
type Find = (id: string, version?: string) => CatalogueInstrument | undefined;

const DAY = 86_400_000;
const MINUTE = 60_000;
/** Enrolment runs over 300 days from here (a Monday; both sides of the UK's DST changes). */
const RECRUITMENT_START = Date.parse('2025-01-06T08:00:00.000Z');
const RECRUITMENT_DAYS = 300;
/** Arms of the participants: the two trial arms, round-robin (healthy controls have no week 8). */
export const BENCH_ARMS = ['mbpm', 'waitlist'] as const;

/** FNV-1a of a string, to give each participant and timepoint its own PRNG stream from one seed. */
function hash(text: string): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < text.length; i++) h = Math.imul(h ^ text.charCodeAt(i), 0x01000193) >>> 0;
  return h;
}

const rng = (seed: number, label: string) => mulberry32((seed ^ hash(label)) >>> 0);

/** The n-th participant (0-based) as enrolment creates them. */
export function participantOf(study: Study, index: number, seed: number): Participant {
  const random = rng(seed, `participant#${index}`);
  // Spread over the recruitment period, at 08:00–19:59 UTC on the day.
  const day = Math.floor(random() * RECRUITMENT_DAYS);
  const enrolledAt = RECRUITMENT_START + day * DAY + Math.floor(random() * 12 * 60) * MINUTE + Math.floor(random() * 60_000);
  return {
    studyId: study.id,
    code: codeOf(index + 1),
    arm: BENCH_ARMS[index % BENCH_ARMS.length]!,
    timezone: study.timezone,
    status: 'active',
    enrolledAt: new Date(enrolledAt).toISOString(),
    protocolVersion: study.protocol.version,
    dates: {},
  };
}

/** The answer codes a respondent can give to an item (missing codes such as "not applicable" excluded). */
const choiceCache = new WeakMap<ItemDefinition, number[]>();
function choices(item: ItemDefinition): number[] {
  let c = choiceCache.get(item);
  if (c === undefined) {
    if (item.codes !== undefined) c = item.codes.filter((code) => !item.missingCodes.includes(code));
    else {
      const { min, max, integer } = item.range!;
      const step = integer ? 1 : (max - min) / 100;
      c = Array.from({ length: Math.round((max - min) / step) + 1 }, (_, k) => min + k * step);
    }
    choiceCache.set(item, c);
  }
  return c;
}

/**
 * A complete response to the whole battery, in form order: every item answered with one of its
 * valid codes. Not uniform noise: each participant has a latent level (changing a little by week
 * 8) that most answers sit near (±1 step of the item's code list), with one answer in five
 * anywhere, so the scores spread over the scales' ranges and bands like a real sample's would.
 */
export function answersOf(battery: CatalogueInstrument[], index: number, timepoint: string, seed: number): Answers {
  const person = rng(seed, `latent#${index}`);
  const base = person();
  const random = rng(seed, `answers#${index}#${timepoint}`);
  const level = Math.min(1, Math.max(0, base + (timepoint === 'baseline' ? 0 : (person() - 0.6) * 0.4)));
  const answers: Answers = {};
  for (const instrument of battery) {
    for (const item of instrument.scoring.items) {
      const codes = choices(item);
      const n = codes.length;
      let k: number;
      if (random() < 0.2) k = Math.floor(random() * n);
      else {
        const spread = Math.max(1, Math.round(n / 10));
        k = Math.round(level * (n - 1)) + Math.floor(random() * (2 * spread + 1)) - spread;
      }
      answers[item.id] = codes[Math.min(n - 1, Math.max(0, k))]!;
    }
  }
  return answers;
}

/** The scores submitAnswers stores for these answers. */
export function scoresOf(battery: CatalogueInstrument[], answers: Answers, plugins: Record<string, ScoringPlugin>): ScoreResult[] {
  return battery.map((i) => scoreInstrument(i.scoring, answersFor(i.scoring, answers), { plugins }));
}

export interface Timeline {
  timepoint: string;
  /** When the invitation went out (the dispatcher opens the instance then). */
  invitedAt: string;
  completedAt: string;
}

/** When each timepoint's invitation went out and when the participant submitted (within the window). */
export function timelineOf(study: Study, participant: Participant, index: number, seed: number): Timeline[] {
  const plan = planParticipant(study.protocol, participant);
  const random = rng(seed, `timeline#${index}`);
  return plan.instances.map((instance) => {
    const invitation = plan.messages.find((m) => m.timepoint === instance.timepoint && m.kind === 'invitation')!;
    const invitedAt = Date.parse(invitation.sendAt);
    // Most answer within hours, some after a reminder: 5 minutes to 6 days, and always before the window closes.
    const latest = Date.parse(instance.closesAt) - 60 * MINUTE;
    const delay = 5 * MINUTE + Math.floor(random() ** 3 * 6 * DAY);
    return { timepoint: instance.timepoint, invitedAt: invitation.sendAt, completedAt: new Date(Math.min(latest, invitedAt + delay)).toISOString() };
  });
}

export interface BuiltParticipant {
  participant: Participant;
  /** Participant item first, then the instances in timepoint order. */
  items: Item[];
  /** Scales per instance: the long export's rows for this participant. */
  rows: number;
}

/** The battery of a timepoint, as the catalogue resolves it. */
export function batteryOf(study: Study, timepoint: string, find: Find): CatalogueInstrument[] {
  const tp = study.protocol.timepoints.find((t) => t.id === timepoint);
  if (tp === undefined) throw new Error(`no timepoint ${timepoint} in ${study.id}`);
  return tp.instruments.map(({ id, version }) => {
    const found = find(id, version);
    if (found === undefined) throw new Error(`instrument ${id}@${version} is not installed`);
    return found;
  });
}

/** Every research item the application leaves for participant `index` once both timepoints are completed and followed up. */
export function buildParticipant(study: Study, index: number, seed: number, find: Find, plugins: Record<string, ScoringPlugin> = {}): BuiltParticipant {
  const participant = participantOf(study, index, seed);
  const items: Item[] = [{ ...keys.participant(study.id, participant.code), type: 'participant', ...participant, rev: 1 }];
  const plan = planParticipant(study.protocol, participant);
  const timeline = timelineOf(study, participant, index, seed);
  let rows = 0;
  for (const instance of plan.instances) {
    const when = timeline.find((t) => t.timepoint === instance.timepoint)!;
    const answers = answersOf(batteryOf(study, instance.timepoint, find), index, instance.timepoint, seed);
    const scores = scoresOf(batteryOf(study, instance.timepoint, find), answers, plugins);
    for (const score of scores) rows += Object.keys(score.scales).length;
    items.push({
      ...keys.instance(instance.studyId, instance.code, instance.timepoint),
      // upsertPlanned
      type: 'instance',
      studyId: instance.studyId,
      code: instance.code,
      timepoint: instance.timepoint,
      arm: instance.arm,
      dueAt: instance.dueAt,
      opensAt: instance.opensAt,
      closesAt: instance.closesAt,
      instruments: instance.instruments,
      // markOpened, then complete (its due-index entry removed again by clearPendingCompletion)
      status: 'completed',
      openedAt: when.invitedAt,
      answers,
      scores,
      completedAt: when.completedAt,
    });
  }
  return { participant, items, rows };
}

/** Sorted-key JSON, for comparing items regardless of attribute order. */
export function canonical(value: unknown): string {
  const sort = (v: unknown): unknown => {
    if (Array.isArray(v)) return v.map(sort);
    if (v !== null && typeof v === 'object') return Object.fromEntries(Object.entries(v).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)).map(([k, x]) => [k, sort(x)]));
    return v;
  };
  return JSON.stringify(sort(value));
}
