import { DateTime } from 'luxon';
import { describe, expect, it } from 'vitest';
import { languages, localeOf, type Language } from '../../functions/core/i18n/language';
import { formatClosingTime, INVALID_DATE_TIME } from '../../functions/core/i18n/local-date-time';
import { isIanaZone } from '../../functions/core/study/time-zone';

/** How the emails formatted a deadline with luxon, before they used the runtime's formatter directly. */
const withLuxon = (iso: string, zone: string, language: Language) =>
  DateTime.fromISO(iso, { zone }).setLocale(localeOf[language]).toLocaleString({ weekday: 'long', day: 'numeric', month: 'long', hour: '2-digit', minute: '2-digit' });

/** Every zone a study may hold: the runtime's list, and UTC. */
const studyZones = [...Intl.supportedValuesOf('timeZone'), 'UTC'].filter(isIanaZone);

/**
 * Instants that catch a wrong zone or a wrong clock: both sides of the European, North American and
 * southern-hemisphere clock changes, the half-hour and 45-minute zones' edges, the turn of a year,
 * a leap day, midnight and the last minute of a day, and a year in fortnightly steps at a different hour each.
 */
const instants = [
  '2026-03-29T00:59:00.000Z', '2026-03-29T01:00:00.000Z', '2026-10-25T00:30:00.000Z', '2026-10-25T01:30:00.000Z',
  '2026-03-08T07:59:00.000Z', '2026-03-08T08:00:00.000Z', '2026-11-01T06:30:00.000Z', '2026-11-01T07:30:00.000Z',
  '2026-04-05T15:59:00.000Z', '2026-10-04T16:00:00.000Z', '2026-12-31T23:59:59.999Z', '2027-01-01T00:00:00.000Z',
  '2028-02-29T12:00:00.000Z', '2026-06-15T00:00:00.000Z', '2026-06-15T23:59:00.000Z', '2026-03-09T09:00:00+05:30',
  ...Array.from({ length: 27 }, (_, n) => new Date(Date.UTC(2026, 0, 1, 9, 17) + n * 14 * 86_400_000 + n * 3_600_000).toISOString()),
];

describe("an email's deadline, written without luxon", () => {
  it('is what luxon wrote, for every zone a study may hold, in every language participants read', () => {
    expect(studyZones.length).toBeGreaterThan(300);
    const differences: string[] = [];
    for (const zone of studyZones) {
      for (const language of languages) {
        for (const iso of instants) {
          const expected = withLuxon(iso, zone, language);
          const actual = formatClosingTime(iso, zone, language);
          if (actual !== expected) differences.push(`${iso} ${zone} ${language}: ${actual} ≠ ${expected}`);
        }
      }
    }
    // The first few are enough to see what went wrong.
    expect(differences.slice(0, 10), `${differences.length} differences`).toEqual([]);
  });

  it('names the day and the time a clock in the zone shows', () => {
    expect(formatClosingTime('2026-03-09T09:00:00.000Z', 'Europe/London', 'en')).toBe('Monday 9 March at 09:00');
    expect(formatClosingTime('2026-10-25T01:30:00.000Z', 'Europe/Paris', 'fr')).toBe('dimanche 25 octobre à 02:30');
    expect(formatClosingTime('2026-03-08T08:15:00.000Z', 'America/Chicago', 'en')).toBe('Sunday 8 March at 03:15');
  });

  it('reads "Invalid DateTime", as luxon did, for an instant it cannot read or a zone the runtime does not know', () => {
    for (const [iso, zone] of [
      ['', 'Europe/London'],
      ['2026-02-30T09:00:00.000Z', 'Europe/London'],
      ['2026-13-01T09:00:00.000Z', 'Europe/London'],
      ['tomorrow', 'Europe/London'],
      ['2026-03-09T09:00:00.000Z', 'Mars/Olympus_Mons'],
    ] as const) {
      expect(withLuxon(iso, zone, 'en'), `${iso} ${zone}`).toBe(INVALID_DATE_TIME);
      expect(formatClosingTime(iso, zone, 'en'), `${iso} ${zone}`).toBe(INVALID_DATE_TIME);
    }
  });
});
