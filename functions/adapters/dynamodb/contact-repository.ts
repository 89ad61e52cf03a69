import { DeleteCommand, GetCommand, PutCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import type { ContactRepository } from '../../core/ports';
import { conditionally, type Db } from './client';
import { keys } from './keys';

/** Contact details live in their own table: the only place an email address is stored. */
export function createContactRepository(db: Db): ContactRepository {
  const TableName = db.tables.contacts;
  return {
    async reserveEmail(studyId, email, code, now) {
      const Key = keys.emailReservation(studyId, email);
      const reserved = await conditionally(() =>
        db.doc.send(
          new PutCommand({
            TableName,
            Item: { ...Key, type: 'email-reservation', code, reservedAt: now.toISOString() },
            ConditionExpression: 'attribute_not_exists(pk)',
          }),
        ),
      );
      if (reserved) return { ok: true };
      const { Item } = await db.doc.send(new GetCommand({ TableName, Key, ConsistentRead: true }));
      return { ok: false, heldBy: Item?.code as string, reservedAt: Item?.reservedAt as string };
    },

    async takeOverEmail(studyId, email, fromCode, toCode, now) {
      return conditionally(() =>
        db.doc.send(
          new UpdateCommand({
            TableName,
            Key: keys.emailReservation(studyId, email),
            UpdateExpression: 'SET code = :to, reservedAt = :now',
            ConditionExpression: 'code = :from',
            ExpressionAttributeValues: { ':to': toCode, ':from': fromCode, ':now': now.toISOString() },
          }),
        ),
      );
    },

    async releaseEmail(studyId, email, code) {
      await conditionally(() =>
        db.doc.send(
          new DeleteCommand({
            TableName,
            Key: keys.emailReservation(studyId, email),
            ConditionExpression: 'code = :code',
            ExpressionAttributeValues: { ':code': code },
          }),
        ),
      );
    },

    async putContact(studyId, code, email) {
      await db.doc.send(new PutCommand({ TableName, Item: { ...keys.contact(studyId, code), type: 'contact', email } }));
    },

    async getEmail(studyId, code) {
      const { Item } = await db.doc.send(new GetCommand({ TableName, Key: keys.contact(studyId, code) }));
      return (Item?.email as string | undefined) ?? null;
    },
  };
}
