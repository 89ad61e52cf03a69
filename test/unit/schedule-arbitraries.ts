/**
 * What the planner property tests (schedule-properties.test.ts) generate and check against:
 * valid protocols (parsed by `protocolSchema`), participants and completions, and an
 * independent reading of local time through `Intl` (the planner computes with luxon), so that a
 * property compares two separate readings of the time-zone database rather than luxon with itself.
 *
 * Inputs are weighted towards the cases that go wrong in schedulers: send times at 00:30, 01:30,
 * 02:30 and 23:30, enrolment in the weeks around a daylight-saving change, enrolment (and anchoring
 * dates and completions) placed so that a due date, reminder or window edge lands on a change day,
 * back-dated anchors, completions exactly at a planned send time, duplicated arm entries and
 * unsorted or repeated reminder days (which the schema accepts).
 */
import fc from 'fast-check';
import type { Completions } from '../../functions/core/schedule/plan';
import { protocolSchema, type Participant, type ParticipantStatus, type Protocol, type Timepoint } from '../../functions/core/study/study';

export const MINUTE = 60_000;
export const DAY = 86_400_000;

// ---- local time, read through Intl -------------------------------------------------------------

const formatters = new Map<string, Intl.DateTimeFormat>();

function partsOf(ms: number, zone: string) {
  let format = formatters.get(zone);
  if (format === undefined) {
    format = new Intl.DateTimeFormat('en-US', {
      timeZone: zone,
      hourCycle: 'h23',
      year: 'numeric',
      month: 'numeric',
      day: 'numeric',
      hour: 'numeric',
      minute: 'numeric',
      second: 'numeric',
    });
    formatters.set(zone, format);
  }
  const parts: Record<string, number> = {};
  for (const p of format.formatToParts(ms)) if (p.type !== 'literal') parts[p.type] = Number(p.value);
  return { year: parts.year!, month: parts.month!, day: parts.day!, hour: parts.hour!, minute: parts.minute!, second: parts.second! };
}

const pad = (n: number, width = 2) => String(n).padStart(width, '0');

/** The zone's UTC offset at an instant, in minutes (east positive). */
export function offsetMinutes(ms: number, zone: string): number {
  const p = partsOf(ms, zone);
  return (Date.UTC(p.year, p.month - 1, p.day, p.hour, p.minute, p.second) - Math.floor(ms / 1000) * 1000) / MINUTE;
}

/** The local calendar date (yyyy-mm-dd) of an instant in a zone. */
export function localDate(ms: number, zone: string): string {
  const p = partsOf(ms, zone);
  return `${pad(p.year, 4)}-${pad(p.month)}-${pad(p.day)}`;
}

/** The local wall-clock time (HH:MM) of an instant in a zone. */
export function localTime(ms: number, zone: string): string {
  const p = partsOf(ms, zone);
  return `${pad(p.hour)}:${pad(p.minute)}`;
}

const dateParts = (date: string) => date.split('-').map(Number) as [number, number, number];

/** Calendar arithmetic on yyyy-mm-dd dates (no time, no zone). */
export function addDays(date: string, days: number): string {
  const [y, m, d] = dateParts(date);
  return new Date(Date.UTC(y, m - 1, d + days)).toISOString().slice(0, 10);
}

export function addMinutes(hhmm: string, minutes: number): string {
  const [h, m] = hhmm.split(':').map(Number) as [number, number];
  const total = (((h * 60 + m + minutes) % 1440) + 1440) % 1440;
  return `${pad(Math.floor(total / 60))}:${pad(total % 60)}`;
}

/**
 * What a local wall-clock time on a local date is in a zone: one instant normally, two in the
 * repeated hour of a fall-back day (either is that wall-clock time), and in a spring-forward gap
 * the time moved forward by the gap (`gapMinutes` > 0): the instant the pre-change offset gives.
 */
export function resolveWallClock(date: string, hhmm: string, zone: string): { instants: number[]; gapMinutes: number } {
  const [y, m, d] = dateParts(date);
  const [h, min] = hhmm.split(':').map(Number) as [number, number];
  const naive = Date.UTC(y, m - 1, d, h, min);
  const before = offsetMinutes(naive - DAY, zone);
  const after = offsetMinutes(naive + DAY, zone);
  const instants = [...new Set([before, offsetMinutes(naive, zone), after])]
    .map((offset) => naive - offset * MINUTE)
    .filter((t) => localDate(t, zone) === date && localTime(t, zone) === hhmm);
  if (instants.length > 0) return { instants: [...new Set(instants)].sort((a, b) => a - b), gapMinutes: 0 };
  return { instants: [naive - before * MINUTE], gapMinutes: after - before };
}

/** An instant at `msOfDay` after local midnight-by-the-clock on a local date (approximate in a gap). */
export function localInstant(date: string, msOfDay: number, zone: string): number {
  const [y, m, d] = dateParts(date);
  const naive = Date.UTC(y, m - 1, d) + msOfDay;
  const first = naive - offsetMinutes(naive, zone) * MINUTE;
  return naive - offsetMinutes(first, zone) * MINUTE;
}

const changeDayCache = new Map<string, string[]>();

/** The local dates, late 2025 to early 2028, whose midday UTC offset differs from the day before's. */
export function changeDays(zone: string): string[] {
  let days = changeDayCache.get(zone);
  if (days !== undefined) return days;
  days = [];
  const middayOffset = (date: string) => offsetMinutes(localInstant(date, 12 * 60 * MINUTE, zone), zone);
  let previous = middayOffset('2025-11-01');
  for (let date = '2025-11-02'; date < '2028-02-01'; date = addDays(date, 1)) {
    const offset = middayOffset(date);
    if (offset !== previous) days.push(date);
    previous = offset;
  }
  changeDayCache.set(zone, days);
  return days;
}

/** A local date on or the day before a change day (the repeated hour can fall on the eve, as in Santiago). */
export const nearChange = (date: string, zone: string): boolean => {
  const days = changeDays(zone);
  return days.includes(date) || days.includes(addDays(date, 1));
};

// ---- the planner's inputs, read independently ---------------------------------------------------

/** The timepoint a `<timepoint>.completed` anchor waits for, or undefined. */
export const awaitedTimepoint = (t: Timepoint): string | undefined => /^(.+)\.completed$/.exec(t.anchor)?.[1];

export interface AnchorReading {
  /** The local date the offset counts from. */
  date: string;
  /** The instant before which nothing may be sent: enrolment (enrollment and date: anchors) or the awaited completion. */
  notBefore: number;
}

/** What a timepoint counts from for this participant, or null while its anchoring event has not happened. */
export function anchorReading(t: Timepoint, participant: Participant, completions: Completions): AnchorReading | null {
  const enrolled = Date.parse(participant.enrolledAt);
  if (t.anchor === 'enrollment') return { date: localDate(enrolled, participant.timezone), notBefore: enrolled };
  const awaited = awaitedTimepoint(t);
  if (awaited !== undefined) {
    const at = completions[awaited];
    return at === undefined ? null : { date: localDate(Date.parse(at), participant.timezone), notBefore: Date.parse(at) };
  }
  const date = participant.dates[t.anchor.slice('date:'.length)];
  return date === undefined ? null : { date, notBefore: enrolled };
}

/** The local due date of a timepoint counted from its anchor's local date. */
export const dueDateOf = (t: Timepoint, anchor: AnchorReading): string => addDays(anchor.date, t.offsetDays);

// ---- arbitraries ------------------------------------------------------------------------------

export const DST_ZONES = ['Europe/London', 'Europe/Paris', 'America/Chicago'] as const;
/**
 * Besides UTC and the two named in the issue: Lord Howe (a 30-minute change), Santiago (changes
 * at local midnight, so some days have no midnight and the repeated hour is on the eve), Nuuk
 * (changes at 23:00 local, so 23:30 on the eve is skipped or repeated and a skipped time moves
 * into the next day) and Kiritimati (UTC+14: the local date differs from the UTC date most of the day).
 */
export const OTHER_ZONES = ['UTC', 'Asia/Kolkata', 'Australia/Sydney', 'Australia/Lord_Howe', 'America/Santiago', 'America/Nuuk', 'Pacific/Kiritimati'] as const;
export const ARMS = ['a', 'b', 'c'] as const;
export const DATE_FIELDS = ['surgery', 'discharge'] as const;
/**
 * The send times around the changes (London skips or repeats 01:00–02:00, Paris
 * 02:00–03:00; Chicago skips 02:00–03:00 and repeats 01:00–02:00; Santiago skips 00:00–01:00 and
 * repeats 23:00–24:00 on the eve; Nuuk skips and repeats 23:00–24:00 on the eve).
 */
export const CHANGE_SEND_TIMES = ['00:30', '01:30', '02:30', '23:30'] as const;
export const OTHER_SEND_TIMES = ['00:00', '01:00', '02:00', '02:15', '03:00', '09:00', '23:59'] as const;

const FROM = Date.UTC(2026, 0, 1);
const UNTIL = Date.UTC(2028, 0, 1);

const slug = fc.stringMatching(/^[a-z][a-z0-9_]{0,9}$/);

const changeTimeCache = new Map<string, string[]>();

/** The local times (on the half hour and quarter hour) a zone skips or repeats on its change days. */
export function changingTimes(zone: string): string[] {
  let times = changeTimeCache.get(zone);
  if (times !== undefined) return times;
  const found = new Set<string>();
  for (const day of changeDays(zone).slice(0, 2)) {
    for (const date of [addDays(day, -1), day]) {
      for (let minutes = 0; minutes < 1440; minutes += 15) {
        const hhmm = addMinutes('00:00', minutes);
        const { instants, gapMinutes } = resolveWallClock(date, hhmm, zone);
        if (gapMinutes > 0 || instants.length > 1) found.add(hhmm);
      }
    }
  }
  times = [...found].sort();
  changeTimeCache.set(zone, times);
  return times;
}

/** A send time: one the zone skips or repeats, one of the four, a day's edge, or any. */
function sendTime(zone: string): fc.Arbitrary<string> {
  const changing = changingTimes(zone);
  return fc.oneof(
    ...(changing.length > 0 ? [{ weight: 4, arbitrary: fc.constantFrom(...changing) }] : []),
    { weight: 4, arbitrary: fc.constantFrom(...CHANGE_SEND_TIMES) },
    { weight: 2, arbitrary: fc.constantFrom(...OTHER_SEND_TIMES) },
    { weight: 1, arbitrary: fc.tuple(fc.integer({ min: 0, max: 23 }), fc.integer({ min: 0, max: 59 })).map(([h, m]) => `${pad(h)}:${pad(m)}`) },
  );
}

const offsetDays = fc.oneof(fc.constantFrom(0, 1, 7, 14, 28, 56, 84, 120), fc.integer({ min: 0, max: 120 }));

const arms = fc.oneof(
  { weight: 5, arbitrary: fc.subarray([...ARMS], { minLength: 1 }) },
  // Valid too: an arm listed twice.
  { weight: 1, arbitrary: fc.array(fc.constantFrom(...ARMS), { minLength: 2, maxLength: 4 }) },
);

/** Reminder days strictly inside the window (1 … closesDaysAfter − 1): usually an ascending ladder, sometimes unsorted or repeated. */
function reminderLadder(closesDaysAfter: number): fc.Arbitrary<number[]> {
  if (closesDaysAfter < 2) return fc.constant([]);
  const day = fc.integer({ min: 1, max: closesDaysAfter - 1 });
  return fc.oneof(
    { weight: 4, arbitrary: fc.uniqueArray(day, { maxLength: 10 }).map((days) => [...days].sort((a, b) => a - b)) },
    { weight: 1, arbitrary: fc.array(day, { maxLength: 10 }) },
  );
}

function timepointArbitrary(id: string, earlier: string[], zone: string): fc.Arbitrary<Timepoint> {
  const anchor = fc.oneof(
    { weight: 3, arbitrary: fc.constant('enrollment') },
    ...(earlier.length > 0 ? [{ weight: 3, arbitrary: fc.constantFrom(...earlier).map((e) => `${e}.completed`) }] : []),
    { weight: 2, arbitrary: fc.constantFrom(...DATE_FIELDS).map((f) => `date:${f}`) },
  );
  const window = fc.record({
    opensDaysBefore: fc.oneof(fc.constant(0), fc.integer({ min: 0, max: 14 })),
    closesDaysAfter: fc.oneof(fc.constantFrom(1, 2, 7), fc.integer({ min: 1, max: 21 })),
  });
  return fc
    .record({ anchor, offsetDays, sendAt: sendTime(zone), window, arms })
    .chain((t) =>
      reminderLadder(t.window.closesDaysAfter).map((reminders) => ({
        id,
        label: `Timepoint ${id}`,
        ...t,
        reminders,
        instruments: [{ id: 'phq9', version: '1.0' }],
      })),
    );
}

/**
 * A timepoint anchored on another's completion may only name arms that get that other timepoint
 * (the schema refuses the rest as unreachable): keep the arms both share, or else the anchor's.
 */
function withReachableArms(timepoints: Timepoint[]): Timepoint[] {
  const result: Timepoint[] = [];
  for (const t of timepoints) {
    const anchor = result.find((other) => `${other.id}.completed` === t.anchor);
    const shared = anchor ? t.arms.filter((arm) => anchor.arms.includes(arm)) : t.arms;
    result.push({ ...t, arms: shared.length > 0 ? shared : [...anchor!.arms] });
  }
  return result;
}

/**
 * A protocol of 1–4 timepoints, valid by construction and parsed by `protocolSchema` to prove it;
 * its send times favour those that `zone` (the participant's, in a scenario) skips or repeats.
 */
export const protocolArbitrary = (zone = 'Europe/London'): fc.Arbitrary<Protocol> =>
  fc
    .tuple(fc.integer({ min: 1, max: 5 }), fc.uniqueArray(slug, { minLength: 1, maxLength: 4 }))
    .chain(([version, ids]) =>
      fc
        .tuple(...ids.map((id, i) => timepointArbitrary(id, ids.slice(0, i), zone)))
        .map((timepoints) => protocolSchema().parse({ version, timepoints: withReachableArms(timepoints) })),
    );

/** Days after an anchor's local date on which something of this timepoint happens (due, reminders, window edges). */
const interestingDays = (t: Timepoint): number[] => [
  t.offsetDays,
  t.offsetDays,
  ...t.reminders.map((r) => t.offsetDays + r),
  ...t.reminders.map((r) => t.offsetDays + r),
  t.offsetDays - t.window.opensDaysBefore,
  t.offsetDays + t.window.closesDaysAfter,
];

/** Random choices, turned into a date or an instant by `chooseDate` once the zone and protocol are known. */
const dayChoice = fc.record({
  mode: fc.constantFrom('free', 'free', 'changeWeek', 'aimed', 'aimed', 'aimed', 'aimed'),
  free: fc.integer({ min: FROM, max: UNTIL - 1 }),
  change: fc.nat(),
  shift: fc.integer({ min: -7, max: 7 }),
  target: fc.nat(),
  jitter: fc.constantFrom(-1, 0, 0, 0, 1),
  msOfDay: fc.oneof(fc.integer({ min: 0, max: DAY - 1 }), fc.constantFrom(0, 30 * MINUTE, 90 * MINUTE, 150 * MINUTE, DAY - 30 * MINUTE, DAY - 1)),
});
type DayChoice = typeof dayChoice extends fc.Arbitrary<infer T> ? T : never;

/**
 * A local date: free (`fallback`), in the week around one of the zone's changes, or aimed so that
 * one of `targets` (days after it) lands on or next to a change day.
 */
function chooseDate(choice: DayChoice, zone: string, targets: number[], fallback: string): string {
  const days = changeDays(zone);
  if (choice.mode === 'free' || days.length === 0) return fallback;
  const change = days[choice.change % days.length]!;
  if (choice.mode === 'changeWeek' || targets.length === 0) return addDays(change, choice.shift);
  return addDays(change, choice.jitter - targets[choice.target % targets.length]!);
}

const completionChoice = fc.record({
  present: fc.constantFrom(true, true, false),
  mode: fc.constantFrom('free', 'free', 'aimed', 'boundary', 'boundary', 'notBefore'),
  day: dayChoice,
  afterEnrolment: fc.integer({ min: 0, max: 240 * DAY }),
  boundaryDay: fc.nat(),
  boundaryInstant: fc.nat(),
  boundaryDelta: fc.constantFrom(-1, 0, 0, 0, 1),
});

type CompletionChoice = typeof completionChoice extends fc.Arbitrary<infer T> ? T : never;

export interface Scenario {
  protocol: Protocol;
  participant: Participant;
  completions: Completions;
}

export interface ScenarioOptions {
  zones?: readonly string[];
  statuses?: readonly ParticipantStatus[];
}

const iso = (ms: number) => new Date(ms).toISOString();

/**
 * A protocol, a participant under it and the completions so far. Completions are built in
 * protocol order, so a completion a later timepoint is anchored on is known when that timepoint's
 * boundary instants are computed; each is at or after enrolment.
 */
export function scenarioArbitrary(options: ScenarioOptions = {}): fc.Arbitrary<Scenario> {
  const zone = options.zones
    ? fc.constantFrom(...options.zones)
    : fc.oneof({ weight: 3, arbitrary: fc.constantFrom(...DST_ZONES) }, { weight: 2, arbitrary: fc.constantFrom(...OTHER_ZONES) });
  const status = options.statuses
    ? fc.constantFrom(...options.statuses)
    : fc.oneof({ weight: 12, arbitrary: fc.constant<ParticipantStatus>('active') }, fc.constantFrom<ParticipantStatus>('withdrawn', 'completed'));
  return zone.chain((zone) =>
    protocolArbitrary(zone).chain((protocol) =>
      fc
        .record({
          status,
          // Usually an arm some timepoint has; sometimes any, or one no timepoint has.
          arm: fc.oneof({ weight: 4, arbitrary: fc.constantFrom(...protocol.timepoints.flatMap((t) => t.arms)) }, fc.constantFrom(...ARMS, 'none')),
          enrolment: dayChoice,
          dates: fc.tuple(...DATE_FIELDS.map(() => fc.record({ present: fc.constantFrom(true, true, true, false), day: dayChoice, relative: fc.integer({ min: -60, max: 60 }) }))),
          completions: fc.tuple(...protocol.timepoints.map(() => completionChoice)),
        })
        .map((choice) => buildScenario(protocol, { ...choice, zone })),
    ),
  );
}

function buildScenario(
  protocol: Protocol,
  choice: {
    zone: string;
    status: ParticipantStatus;
    arm: string;
    enrolment: DayChoice;
    dates: Array<{ present: boolean; day: DayChoice; relative: number }>;
    completions: CompletionChoice[];
  },
): Scenario {
  const zone = choice.zone;
  const anchoredOn = (anchor: string) => protocol.timepoints.filter((t) => t.anchor === anchor).flatMap(interestingDays);
  const targetsOr = (targets: number[]) => (targets.length > 0 ? targets : protocol.timepoints.flatMap(interestingDays));

  const enrolmentDate = chooseDate(choice.enrolment, zone, targetsOr(anchoredOn('enrollment')), localDate(choice.enrolment.free, zone));
  const enrolled = choice.enrolment.mode === 'free' ? choice.enrolment.free : localInstant(enrolmentDate, choice.enrolment.msOfDay, zone);

  const dates: Record<string, string> = {};
  DATE_FIELDS.forEach((field, i) => {
    const c = choice.dates[i]!;
    if (c.present) dates[field] = chooseDate(c.day, zone, targetsOr(anchoredOn(`date:${field}`)), addDays(localDate(enrolled, zone), c.relative));
  });

  const participant: Participant = {
    studyId: 'demo',
    code: 'P-0001',
    arm: choice.arm,
    timezone: zone,
    status: choice.status,
    enrolledAt: iso(enrolled),
    protocolVersion: protocol.version,
    dates,
  };

  const completions: Completions = {};
  protocol.timepoints.forEach((t, i) => {
    const c = choice.completions[i]!;
    if (!c.present) return;
    const anchor = anchorReading(t, participant, completions);
    let at: number;
    if (c.mode === 'boundary' && anchor !== null) {
      // Exactly at (or a millisecond either side of) one of this timepoint's own send times.
      const days = [t.offsetDays, ...t.reminders.map((r) => t.offsetDays + r)];
      const { instants } = resolveWallClock(addDays(anchor.date, days[c.boundaryDay % days.length]!), t.sendAt, zone);
      at = instants[c.boundaryInstant % instants.length]! + c.boundaryDelta;
    } else if (c.mode === 'notBefore' && anchor !== null) {
      at = anchor.notBefore + c.boundaryDelta;
    } else if (c.mode === 'aimed') {
      at = localInstant(chooseDate({ ...c.day, mode: 'aimed' }, zone, targetsOr(anchoredOn(`${t.id}.completed`)), localDate(enrolled, zone)), c.day.msOfDay, zone);
    } else {
      at = enrolled + c.afterEnrolment;
    }
    completions[t.id] = iso(Math.max(at, enrolled));
  });

  return { protocol, participant, completions };
}

/** Instants at which the planner may run (for the clock-independence property). */
export const clockArbitrary = fc.integer({ min: Date.UTC(2025, 0, 1), max: Date.UTC(2029, 0, 1) });
