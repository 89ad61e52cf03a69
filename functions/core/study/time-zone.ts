import { IANAZone } from 'luxon';

/** True for an IANA zone name such as Europe/London or UTC; fixed offsets like "+01:00" are refused. */
export const isIanaZone = (zone: string): boolean =>
  (zone === 'UTC' || zone.includes('/')) && IANAZone.isValidZone(zone);
