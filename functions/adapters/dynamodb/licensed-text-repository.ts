import { GetCommand, PutCommand } from '@aws-sdk/lib-dynamodb';
import type { LicensedText } from '../../core/catalogue/licensed-text';
import type { LicensedTextRepository } from '../../core/ports';
import type { Db } from './client';
import { keys } from './keys';

export function createLicensedTextRepository(db: Db): LicensedTextRepository {
  const TableName = db.tables.research;
  return {
    async get(instrument, version) {
      const { Item } = await db.doc.send(new GetCommand({ TableName, Key: keys.licensedText(instrument, version) }));
      return (Item?.text as LicensedText | undefined) ?? null;
    },
    async put(text) {
      await db.doc.send(new PutCommand({ TableName, Item: { ...keys.licensedText(text.instrument, text.version), type: 'licensed-text', text } }));
    },
  };
}
