import { conflict } from '../core/errors';
import type { ConsentRecord } from '../core/ports';
import type { Study } from '../core/study/study';
import type { Deps } from './deps';

/**
 * The signed consent as a PDF, from the stored record and the version's stored text, after
 * checking that text still has the hash the participant agreed to. The PDF library is loaded
 * here, on first use: only the dispatcher (the emailed copy) and this staff download need it,
 * never the participant's page.
 */
export async function signedConsentPdf(deps: Pick<Deps, 'consents'>, study: Pick<Study, 'id' | 'name'>, record: ConsentRecord, timezone: string): Promise<{ filename: string; bytes: Uint8Array }> {
  const version = await deps.consents.getVersion(study.id, record.version);
  const text = version?.text[record.language];
  const [{ consentPdf }, { consentTextHash }] = await Promise.all([import('../core/consent/consent-pdf'), import('../core/consent/consent-text')]);
  if (text === undefined || consentTextHash(text) !== record.textHash) {
    throw conflict(`the stored text of consent version ${record.version} (${record.language}) does not match the text ${record.code} agreed to`);
  }
  const bytes = await consentPdf({ study, code: record.code, version: record.version, language: record.language, text, textHash: record.textHash, name: record.name, agreedAt: record.agreedAt, via: record.via, timezone });
  return { filename: `${study.id}-${record.code}-consent-v${record.version}.pdf`, bytes };
}
