import { DeleteCommand, GetCommand, PutCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import type { StaffMember, StaffSession } from '../../core/auth/staff';
import type { StaffRepository } from '../../core/ports';
import { conditionally, type Db } from './client';
import { keys } from './keys';
import { queryAll, withoutKeys } from './query';

const epochSeconds = (date: Date | string) => Math.floor(new Date(date).getTime() / 1000);

export function createStaffRepository(db: Db): StaffRepository {
  const TableName = db.tables.research;
  const get = async (email: string): Promise<StaffMember | null> => {
    const { Item } = await db.doc.send(new GetCommand({ TableName, Key: keys.staff(email) }));
    return Item ? (withoutKeys(Item) as unknown as StaffMember) : null;
  };
  return {
    get,

    async list() {
      // Staff accounts are few and sit under their own partitions: one index partition lists them.
      const entries = await queryAll<Record<string, unknown>>(db, {
        TableName,
        KeyConditionExpression: 'pk = :pk',
        ExpressionAttributeValues: { ':pk': keys.staffIndex().pk },
      });
      const members = await Promise.all(entries.map((e) => get(e.email as string)));
      return members.filter((m): m is StaffMember => m !== null);
    },

    async put(member) {
      await db.doc.send(new PutCommand({ TableName, Item: { ...keys.staffIndex(member.email), type: 'staff-index', email: member.email.toLowerCase() } }));
      await db.doc.send(
        new PutCommand({ TableName, Item: { ...keys.staff(member.email), type: 'staff', ...member, email: member.email.toLowerCase() } }),
      );
    },

    async remove(email) {
      // The account first: that is what every request checks, so access ends with this write.
      await db.doc.send(new DeleteCommand({ TableName, Key: keys.staff(email) }));
      await db.doc.send(new DeleteCommand({ TableName, Key: keys.staffIndex(email) }));
    },

    async putLoginCode(hash, email, expiresAt) {
      await db.doc.send(
        new PutCommand({
          TableName,
          Item: {
            ...keys.signInCode(hash),
            type: 'sign-in-code',
            email,
            used: false,
            expiresAt: expiresAt.toISOString(),
            expiresAtEpoch: epochSeconds(expiresAt),
          },
          ConditionExpression: 'attribute_not_exists(pk)',
        }),
      );
    },

    async consumeLoginCode(hash, now) {
      let email: string | null = null;
      await conditionally(async () => {
        const { Attributes } = await db.doc.send(
          new UpdateCommand({
            TableName,
            Key: keys.signInCode(hash),
            UpdateExpression: 'SET used = :true, usedAt = :now',
            ConditionExpression: 'used = :false AND expiresAt > :now',
            ExpressionAttributeValues: { ':true': true, ':false': false, ':now': now.toISOString() },
            ReturnValues: 'ALL_NEW',
          }),
        );
        email = (Attributes?.email as string | undefined) ?? null;
      });
      return email;
    },

    async putSession(hash, session) {
      await db.doc.send(
        new PutCommand({
          TableName,
          Item: { ...keys.session(hash), type: 'session', ...session, expiresAtEpoch: epochSeconds(session.expiresAt) },
        }),
      );
    },

    async deleteSession(hash) {
      await db.doc.send(new DeleteCommand({ TableName, Key: keys.session(hash) }));
    },

    async getSession(hash) {
      const { Item } = await db.doc.send(new GetCommand({ TableName, Key: keys.session(hash) }));
      if (!Item) return null;
      const { expiresAtEpoch: _e, ...session } = withoutKeys(Item);
      return session as unknown as StaffSession;
    },
  };
}
