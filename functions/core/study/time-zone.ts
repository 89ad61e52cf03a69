/**
 * True for an IANA zone name such as Europe/London or UTC; fixed offsets like "+01:00" are refused.
 * Asks the runtime's own time-zone database (Intl), as luxon's IANAZone.isValidZone does, so that
 * validating a study does not load luxon: the participant Lambda reads studies on every request and
 * computes dates only when enrolling someone.
 */
export const isIanaZone = (zone: string): boolean => (zone === 'UTC' || zone.includes('/')) && knownZone(zone);

/** Zones found valid (a few hundred exist; names that are not zones are not kept, so input cannot grow it). */
const valid = new Set<string>();

function knownZone(zone: string): boolean {
  if (valid.has(zone)) return true;
  try {
    new Intl.DateTimeFormat('en-US', { timeZone: zone }).format();
  } catch {
    return false;
  }
  valid.add(zone);
  return true;
}
