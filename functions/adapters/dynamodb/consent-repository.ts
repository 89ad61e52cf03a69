import { GetCommand, PutCommand } from '@aws-sdk/lib-dynamodb';
import { isDeepStrictEqual } from 'node:util';
import type { ConsentRecord, ConsentRepository, ConsentVersion } from '../../core/ports';
import { conditionally, type Db } from './client';
import { keys } from './keys';
import { queryAll, withoutKeys } from './query';

/**
 * Consent texts and signed consents. A published version's text lives in the research table
 * (it is the study's document, not anyone's data); each signed consent, holding the typed
 * name, lives in the contacts table with the other personal data. Both are written once.
 */
export function createConsentRepository(db: Db): ConsentRepository {
  const research = db.tables.research;
  const contacts = db.tables.contacts;

  const getVersion = async (studyId: string, version: string): Promise<ConsentVersion | null> => {
    const { Item } = await db.doc.send(new GetCommand({ TableName: research, Key: keys.consentVersion(studyId, version), ConsistentRead: true }));
    return Item ? (withoutKeys(Item) as unknown as ConsentVersion) : null;
  };
  const getRecord = async (studyId: string, code: string, version: string): Promise<ConsentRecord | null> => {
    const { Item } = await db.doc.send(new GetCommand({ TableName: contacts, Key: keys.consentRecord(studyId, code, version), ConsistentRead: true }));
    return Item ? (withoutKeys(Item) as unknown as ConsentRecord) : null;
  };

  return {
    async publishVersion(version) {
      const written = await conditionally(() =>
        db.doc.send(
          new PutCommand({
            TableName: research,
            Item: { ...keys.consentVersion(version.studyId, version.version), type: 'consent-version', ...version },
            ConditionExpression: 'attribute_not_exists(pk)',
          }),
        ),
      );
      if (written) return true;
      // Published before: the same text again is a repeat (a retried request), a different one is refused.
      const existing = await getVersion(version.studyId, version.version);
      return existing !== null && isDeepStrictEqual(existing.text, version.text);
    },

    getVersion,

    async putRecord(record) {
      const written = await conditionally(() =>
        db.doc.send(
          new PutCommand({
            TableName: contacts,
            Item: { ...keys.consentRecord(record.studyId, record.code, record.version), type: 'consent', ...record },
            ConditionExpression: 'attribute_not_exists(pk)',
          }),
        ),
      );
      return written ? record : ((await getRecord(record.studyId, record.code, record.version)) ?? record);
    },

    getRecord,

    async listRecords(studyId, code) {
      const items = await queryAll<Record<string, unknown>>(db, {
        TableName: contacts,
        KeyConditionExpression: 'pk = :pk AND begins_with(sk, :prefix)',
        ExpressionAttributeValues: { ':pk': keys.study(studyId).pk, ':prefix': keys.consentRecordPrefix(code) },
        ConsistentRead: true,
      });
      return items.map((item) => withoutKeys(item) as unknown as ConsentRecord).sort((a, b) => a.agreedAt.localeCompare(b.agreedAt));
    },
  };
}
