import { DeleteCommand, GetCommand, PutCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import type { Contact, ContactRepository } from '../../core/ports';
import { auditedWrite } from './audited-write';
import { batchGet } from './batch-get';
import { conditionally, type Db } from './client';
import { queryAll } from './query';
import { keys } from './keys';

/** A contact item as the port's record. */
export const toContact = (item: Record<string, unknown>): Contact => ({
  email: item.email as string,
  ...(item.suppressed ? { suppressed: item.suppressed as { reason: string; at: string } } : {}),
  ...(item.unsubscribedAt ? { unsubscribedAt: item.unsubscribedAt as string } : {}),
});

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
      // One attribute-level write, not a read and a replace: an unsubscription recorded at the same
      // moment stays (it is about the person); a new address starts with no suppression.
      await db.doc.send(
        new UpdateCommand({
          TableName,
          Key: keys.contact(studyId, code),
          UpdateExpression: 'SET #type = :type, email = :email REMOVE suppressed',
          ExpressionAttributeNames: { '#type': 'type' },
          ExpressionAttributeValues: { ':type': 'contact', ':email': email },
        }),
      );
    },

    async get(studyId, code) {
      // Consistent: the dispatcher checks suppression and unsubscription here just before sending.
      const { Item } = await db.doc.send(new GetCommand({ TableName, Key: keys.contact(studyId, code), ConsistentRead: true }));
      return Item ? toContact(Item) : null;
    },

    async suppress(studyId, code, reason, at) {
      await conditionally(() =>
        db.doc.send(
          new UpdateCommand({
            TableName,
            Key: keys.contact(studyId, code),
            UpdateExpression: 'SET suppressed = if_not_exists(suppressed, :s)',
            ConditionExpression: 'attribute_exists(pk)',
            ExpressionAttributeValues: { ':s': { reason, at: at.toISOString() } },
          }),
        ),
      );
    },

    async heldBy(studyId, email) {
      const { Item } = await db.doc.send(new GetCommand({ TableName, Key: keys.emailReservation(studyId, email), ConsistentRead: true }));
      return (Item?.code as string | undefined) ?? null;
    },

    async heldByMany(studyId, emails) {
      const bySortKey = new Map(emails.map((email) => [keys.emailReservation(studyId, email).sk, email]));
      const items = await batchGet(db, TableName, emails.map((email) => keys.emailReservation(studyId, email)));
      return new Map(items.map((item) => [bySortKey.get(item.sk as string)!, item.code as string]));
    },

    async listStatuses(studyId) {
      // Projected: the addresses never leave the table here.
      const items = await queryAll<Record<string, unknown>>(db, {
        TableName,
        KeyConditionExpression: 'pk = :pk AND begins_with(sk, :prefix)',
        ExpressionAttributeValues: { ':pk': keys.study(studyId).pk, ':prefix': 'CONTACT#' },
        ProjectionExpression: 'sk, suppressed, unsubscribedAt',
      });
      return items.map((item) => ({
        code: (item.sk as string).slice('CONTACT#'.length),
        ...(item.suppressed ? { suppressed: item.suppressed as { reason: string; at: string } } : {}),
        ...(item.unsubscribedAt ? { unsubscribedAt: item.unsubscribedAt as string } : {}),
      }));
    },

    async erase(studyId, code) {
      const Key = keys.contact(studyId, code);
      const { Item } = await db.doc.send(new GetCommand({ TableName, Key, ConsistentRead: true }));
      if (!Item) return false;
      // The reservation first: while the contact item exists, a retry after a crash can still find the address to release.
      await conditionally(() =>
        db.doc.send(
          new DeleteCommand({
            TableName,
            Key: keys.emailReservation(studyId, Item.email as string),
            ConditionExpression: 'code = :code',
            ExpressionAttributeValues: { ':code': code },
          }),
        ),
      );
      await db.doc.send(new DeleteCommand({ TableName, Key }));
      return true;
    },

    async unsubscribe(studyId, code, at, audit) {
      await auditedWrite(db, audit, { table: 'contacts', key: keys.contact(studyId, code) }, (mark) =>
        conditionally(() =>
          db.doc.send(
            new UpdateCommand({
              TableName,
              Key: keys.contact(studyId, code),
              UpdateExpression: 'SET unsubscribedAt = if_not_exists(unsubscribedAt, :at)' + (mark.add ? ` ADD ${mark.add}` : ''),
              // Once: a second click changes nothing and leaves no second entry.
              ConditionExpression: audit ? 'attribute_exists(pk) AND attribute_not_exists(unsubscribedAt)' : 'attribute_exists(pk)',
              ExpressionAttributeValues: { ':at': at.toISOString(), ...mark.values },
            }),
          ),
        ),
      );
    },
  };
}
