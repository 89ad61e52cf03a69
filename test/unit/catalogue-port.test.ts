import { describe, expect, it } from 'vitest';
import { findInstrument, listInstruments } from '../../functions/adapters/bundled-catalogue/bundled-catalogue';
import { bundledCatalogue } from '../../functions/adapters/bundled-catalogue/catalogue-port';

describe('the bundled catalogue as the use cases reach it', () => {
  it('lists every bundled instrument, checked, in the order the bundle lists them', async () => {
    expect((await bundledCatalogue.list()).map((i) => `${i.id}@${i.version}`)).toEqual(listInstruments().map((i) => `${i.id}@${i.version}`));
  });

  it('finds an instrument by id and version, or by id alone, and nothing for a version or id not installed', async () => {
    expect((await bundledCatalogue.find('phq9', '1.0'))?.scoring.name).toBe(findInstrument('phq9', '1.0')!.scoring.name);
    expect((await bundledCatalogue.find('phq9'))?.version).toBe(findInstrument('phq9')!.version);
    expect(await bundledCatalogue.find('phq9', '7')).toBeUndefined();
    expect(await bundledCatalogue.find('nosuch')).toBeUndefined();
  });
});
