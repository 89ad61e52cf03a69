import { localeOf, type Language } from './language';

/**
 * How a participant's email says when their window closes ("Monday 9 March at 09:00"): the
 * weekday, day and month in words, and the time on a 24-hour clock where the language uses one.
 */
const closingOptions: Intl.DateTimeFormatOptions = { weekday: 'long', day: 'numeric', month: 'long', hour: '2-digit', minute: '2-digit' };

/** What luxon answers for a date it cannot read; kept so that an email reads exactly as it did when luxon formatted it. */
export const INVALID_DATE_TIME = 'Invalid DateTime';

/** An instant as stored (ISO 8601 with its offset: `2026-03-09T09:00:00.000Z`). */
const instantPattern = /^(\d{4})-(\d{2})-(\d{2})T\d{2}:\d{2}(:\d{2}(\.\d+)?)?(Z|[+-]\d{2}:\d{2})$/;

/** The instant's milliseconds, or NaN: `Date.parse` alone would roll 30 February over into March. */
function parseInstant(instant: string): number {
  const match = instantPattern.exec(instant);
  if (match === null) return Number.NaN;
  const [year, month, day] = [Number(match[1]), Number(match[2]), Number(match[3])];
  const calendar = new Date(Date.UTC(year, month - 1, day));
  if (calendar.getUTCMonth() !== month - 1 || calendar.getUTCDate() !== day) return Number.NaN;
  return Date.parse(instant);
}

/**
 * One formatter per language and zone: building one costs far more than using it. Only zones
 * the runtime knows are kept (an unknown one throws before it is stored), so input cannot grow
 * this beyond the runtime's few hundred zones times the languages.
 */
const formatters = new Map<string, Intl.DateTimeFormat>();

/**
 * An instant written in `language` as a clock in `zone` shows it, in the words of the emails'
 * deadlines. The runtime's own formatter (Intl), with exactly the options luxon was given, so
 * that rendering an email loads no luxon: the staff sign-in check imports the email templates,
 * and every staff API cold start would otherwise compile luxon (bench/README.md#cold-start).
 * Held to luxon's output over every zone and language by test/unit/local-date-time.test.ts.
 * An instant it cannot read, or a zone the runtime does not know, reads `Invalid DateTime`,
 * as it did with luxon.
 */
export function formatClosingTime(instant: string, zone: string, language: Language): string {
  const at = parseInstant(instant);
  if (Number.isNaN(at)) return INVALID_DATE_TIME;
  const key = `${language} ${zone}`;
  let formatter = formatters.get(key);
  if (formatter === undefined) {
    try {
      formatter = new Intl.DateTimeFormat(localeOf[language], { ...closingOptions, timeZone: zone });
    } catch {
      return INVALID_DATE_TIME;
    }
    formatters.set(key, formatter);
  }
  return formatter.format(at);
}
