import { DateTime } from 'luxon';

/**
 * The UTC instant of a local wall-clock time on a local calendar date in an IANA zone.
 * Calendar arithmetic happens on local dates, so 09:00 stays 09:00 across daylight-saving
 * changes. A time inside a spring-forward gap moves forward by the gap, as clocks do.
 */
export function localToUtc(localDate: DateTime, hhmm: string, zone: string): DateTime {
  const [hour, minute] = hhmm.split(':').map(Number);
  return DateTime.fromObject(
    { year: localDate.year, month: localDate.month, day: localDate.day, hour, minute },
    { zone },
  ).toUTC();
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
