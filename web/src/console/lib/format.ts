/**
 * An instant as staff read it, always with its zone named: in `zone` (a participant's own zone, so
 * "09:00" reads as the participant's 09:00) or else in the browser's zone.
 */
export function dateTime(iso: string | null | undefined, zone?: string): string {
  if (!iso) return '—';
  const d = new Date(iso);
  if (Number.isNaN(d.getTime())) return iso;
  const options: Intl.DateTimeFormatOptions = { year: 'numeric', month: 'short', day: 'numeric', hour: '2-digit', minute: '2-digit', timeZoneName: 'short' };
  try {
    return d.toLocaleString(undefined, zone ? { ...options, timeZone: zone } : options);
  } catch {
    return d.toLocaleString(undefined, options);
  }
}

/**
 * The calendar date of an instant in `zone` (a participant's own zone: their enrolment day is the
 * day it was where they are, whatever the viewer's zone), else in the browser's.
 */
export function date(iso: string | null | undefined, zone?: string): string {
  if (!iso) return '—';
  const d = new Date(iso);
  if (Number.isNaN(d.getTime())) return iso;
  try {
    return d.toLocaleDateString(undefined, { dateStyle: 'medium', ...(zone ? { timeZone: zone } : {}) });
  } catch {
    return d.toLocaleDateString(undefined, { dateStyle: 'medium' });
  }
}

/** A statistic for a results table: fixed decimals, an em dash when not estimable. */
export function num(value: number | null | undefined, digits = 2): string {
  return value === null || value === undefined ? '—' : value.toFixed(digits);
}

export function percent(rate: number | null): string {
  return rate === null ? '—' : `${Math.round(rate * 100)}%`;
}

/** "staff:ana@example.org" → "ana@example.org"; other actors as they are. */
export const actorName = (actor: string) => actor.replace(/^staff:/, '');

export const plural = (n: number, one: string, many = `${one}s`) => `${n} ${n === 1 ? one : many}`;
