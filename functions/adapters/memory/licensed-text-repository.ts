import type { LicensedText } from '../../core/catalogue/licensed-text';
import type { LicensedTextRepository } from '../../core/ports';
import { MemoryTable } from './store';

export function createMemoryLicensedTextRepository(): LicensedTextRepository {
  const texts = new MemoryTable<LicensedText>();
  return {
    get: async (instrument, version) => texts.get(`${instrument}@${version}`),
    put: async (text) => texts.set(`${text.instrument}@${text.version}`, text),
  };
}
