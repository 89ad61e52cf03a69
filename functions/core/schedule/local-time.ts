import { DateTime, IANAZone } from 'luxon';

/**
 * The UTC instant of a local wall-clock time on a local calendar date in an IANA zone.
 * Calendar arithmetic happens on local dates, so 09:00 stays 09:00 across daylight-saving
 * changes. Resolved deterministically, whatever the date today (luxon alone would pick by the
 * zone's offset now):
 * - a time that occurs twice (the repeated hour when clocks go back) is the earlier one;
 * - a time that does not occur (skipped when clocks go forward) moves forward by the gap.
 * This is Temporal's "compatible" disambiguation.
 */
export function localToUtc(localDate: DateTime, hhmm: string, zone: string): DateTime {
  const [hour, minute] = hhmm.split(':').map(Number);
  const wall = { year: localDate.year, month: localDate.month, day: localDate.day, hour, minute };
  const asIfUtc = DateTime.fromObject(wall, { zone: 'utc' });
  const tz = IANAZone.create(zone);
  // The zone's offsets (minutes) a day either side bracket any change on this date.
  const before = tz.offset(asIfUtc.minus({ days: 1 }).toMillis());
  const after = tz.offset(asIfUtc.plus({ days: 1 }).toMillis());
  const matches = [...new Set([before, after])]
    .map((offset) => asIfUtc.minus({ minutes: offset }))
    .filter((instant) => {
      const local = instant.setZone(zone);
      return local.hour === hour && local.minute === minute && local.day === wall.day;
    })
    .sort((a, b) => a.toMillis() - b.toMillis());
  return matches[0] ?? asIfUtc.minus({ minutes: before });
}

/** The local calendar date (at midnight, in `zone`) on which an instant falls. */
export function localDateOf(instantIso: string, zone: string): DateTime {
  return DateTime.fromISO(instantIso, { zone }).startOf('day');
}

/** A yyyy-mm-dd date read as a local calendar date in `zone`. */
export function localDateFromIsoDate(date: string, zone: string): DateTime {
  return DateTime.fromISO(date, { zone }).startOf('day');
}

export const toIso = (instant: DateTime): string => {
  const iso = instant.toUTC().toISO({ suppressMilliseconds: false });
  if (iso === null) throw new Error(`invalid instant: ${instant.invalidExplanation ?? 'unknown'}`);
  return iso;
};
