import { IANAZone } from 'luxon';
import { describe, expect, it } from 'vitest';
import { isIanaZone } from '../../functions/core/study/time-zone';

describe('a study time zone', () => {
  it('is an IANA name the runtime knows, or UTC', () => {
    for (const zone of ['Europe/London', 'UTC', 'America/Argentina/Buenos_Aires', 'Asia/Kolkata', 'Pacific/Chatham']) expect(isIanaZone(zone), zone).toBe(true);
  });

  it('is never a fixed offset, an abbreviation, a made-up or malformed name', () => {
    for (const zone of ['+01:00', 'GMT+1', 'CET', 'EST', 'Mars/Olympus_Mons', 'Europe/', '/London', 'Europe London', '', 'Europe/London\u0000']) expect(isIanaZone(zone), zone).toBe(false);
  });

  it("agrees with luxon's IANAZone, which the schedule computes with, on every zone the runtime lists and on near misses", () => {
    const zones = Intl.supportedValuesOf('timeZone');
    expect(zones.length).toBeGreaterThan(300);
    const candidates = [...zones, ...zones.slice(0, 50).map((z) => z.toLowerCase()), ...zones.slice(0, 50).map((z) => `${z}x`), 'Etc/GMT+5', 'Etc/UTC'];
    for (const zone of candidates) expect(isIanaZone(zone), zone).toBe((zone === 'UTC' || zone.includes('/')) && IANAZone.isValidZone(zone));
  });
});
