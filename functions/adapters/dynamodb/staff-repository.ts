import { DeleteCommand, GetCommand, PutCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import type { StaffMember, StaffSession } from '../../core/auth/staff';
import type { StaffRepository } from '../../core/ports';
import { auditedWrite, updateExpression } from './audited-write';
import { conditionally, type Db } from './client';
import { keys } from './keys';
import { queryAll, withoutKeys } from './query';

const epochSeconds = (date: Date | string) => Math.floor(new Date(date).getTime() / 1000);

/** The account as the application sees it: no storage attributes, no tombstone. */
const toMember = (item: Record<string, unknown>): StaffMember => {
  const { removedAt: _r, ...member } = withoutKeys(item);
  return member as unknown as StaffMember;
};

/** Live (not removed) and, when `version` is given, still at it; legacy accounts without a version count as 0. */
const unchangedSince = (version: number | undefined) =>
  version === undefined
    ? 'attribute_exists(pk) AND attribute_not_exists(removedAt) AND attribute_not_exists(#version)'
    : 'attribute_not_exists(removedAt) AND #version = :expected';

export function createStaffRepository(db: Db): StaffRepository {
  const TableName = db.tables.research;
  const target = (email: string) => ({ table: 'research' as const, key: keys.staff(email) });
  const get = async (email: string): Promise<StaffMember | null> => {
    // Consistent: every request checks the account, and a demotion must hold from the moment it is answered.
    const { Item } = await db.doc.send(new GetCommand({ TableName, Key: keys.staff(email), ConsistentRead: true }));
    return Item && Item.removedAt === undefined ? toMember(Item) : null;
  };
  const putIndex = (email: string) =>
    db.doc.send(new PutCommand({ TableName, Item: { ...keys.staffIndex(email), type: 'staff-index', email: email.toLowerCase() } }));

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
      const { version: _v, sessionEpoch: _s, ...fields } = member;
      await putIndex(member.email);
      const values = { ...fields, type: 'staff', email: member.email.toLowerCase() };
      const names = Object.keys(values);
      await db.doc.send(
        new UpdateCommand({
          TableName,
          Key: keys.staff(member.email),
          UpdateExpression: updateExpression({
            set: [...names.map((n, i) => `#a${i} = :a${i}`), '#version = if_not_exists(#version, :zero) + :one'],
            remove: ['removedAt'],
          }),
          ExpressionAttributeNames: { ...Object.fromEntries(names.map((n, i) => [`#a${i}`, n])), '#version': 'version' },
          ExpressionAttributeValues: { ...Object.fromEntries(names.map((n, i) => [`:a${i}`, values[n as keyof typeof values]])), ':zero': 0, ':one': 1 },
        }),
      );
    },

    async create(member, audit, options = {}) {
      // The index entry first: an entry whose account never came to be lists nothing (list() reads each account).
      await putIndex(member.email);
      let created: StaffMember | null = null;
      const applied = await auditedWrite(db, audit, target(member.email), (mark) =>
        conditionally(async () => {
          const { Attributes } = await db.doc.send(
            new UpdateCommand({
              TableName,
              Key: keys.staff(member.email),
              // A removed account's tombstone keeps its session generation, so its old sessions stay dead.
              UpdateExpression: updateExpression({
                set: [
                  '#type = :type', 'email = :email', '#name = :name', '#role = :role', 'studies = :studies',
                  '#version = if_not_exists(#version, :zero) + :one', 'sessionEpoch = if_not_exists(sessionEpoch, :zero)',
                  ...(member.sessionsValidFrom ? ['sessionsValidFrom = :validFrom'] : []),
                ],
                remove: ['removedAt', ...(member.sessionsValidFrom ? [] : ['sessionsValidFrom'])],
                add: [mark.add],
              }),
              ConditionExpression: options.reviveRemoved === false ? 'attribute_not_exists(pk)' : 'attribute_not_exists(pk) OR attribute_exists(removedAt)',
              ExpressionAttributeNames: { '#type': 'type', '#name': 'name', '#role': 'role', '#version': 'version' },
              ExpressionAttributeValues: {
                ':type': 'staff',
                ':email': member.email.toLowerCase(),
                ':name': member.name,
                ':role': member.role,
                ':studies': member.studies,
                ':zero': 0,
                ':one': 1,
                ...(member.sessionsValidFrom ? { ':validFrom': member.sessionsValidFrom } : {}),
                ...mark.values,
              },
              ReturnValues: 'ALL_NEW',
            }),
          );
          created = Attributes ? toMember(Attributes) : null;
        }),
      );
      return applied ? (created ?? (await get(member.email))) : null;
    },

    async replace(expected, next, { endSessions, audit }) {
      let stored: StaffMember | null = null;
      const applied = await auditedWrite(db, audit, target(expected.email), (mark) =>
        conditionally(async () => {
          const { Attributes } = await db.doc.send(
            new UpdateCommand({
              TableName,
              Key: keys.staff(expected.email),
              UpdateExpression: updateExpression({
                set: ['#name = :name', '#role = :role', 'studies = :studies', '#version = if_not_exists(#version, :zero) + :one'],
                add: [endSessions ? 'sessionEpoch :one' : null, mark.add],
              }),
              ConditionExpression: unchangedSince(expected.version),
              ExpressionAttributeNames: { '#name': 'name', '#role': 'role', '#version': 'version' },
              ExpressionAttributeValues: {
                ':name': next.name,
                ':role': next.role,
                ':studies': next.studies,
                ':zero': 0,
                ':one': 1,
                ...(expected.version === undefined ? {} : { ':expected': expected.version }),
                ...mark.values,
              },
              ReturnValues: 'ALL_NEW',
            }),
          );
          stored = Attributes ? toMember(Attributes) : null;
        }),
      );
      return applied ? (stored ?? (await get(expected.email))) : null;
    },

    async remove(expected, at, audit) {
      const applied = await auditedWrite(db, audit, target(expected.email), (mark) =>
        conditionally(() =>
          db.doc.send(
            new UpdateCommand({
              TableName,
              Key: keys.staff(expected.email),
              // A tombstone, not a delete: a stale write conditioned on the account can never bring it back.
              UpdateExpression: updateExpression({
                set: ['removedAt = :at', '#version = if_not_exists(#version, :zero) + :one'],
                add: ['sessionEpoch :one', mark.add],
              }),
              ConditionExpression: unchangedSince(expected.version),
              ExpressionAttributeNames: { '#version': 'version' },
              ExpressionAttributeValues: {
                ':at': at.toISOString(),
                ':zero': 0,
                ':one': 1,
                ...(expected.version === undefined ? {} : { ':expected': expected.version }),
                ...mark.values,
              },
            }),
          ),
        ),
      );
      if (applied) await db.doc.send(new DeleteCommand({ TableName, Key: keys.staffIndex(expected.email) }));
      return applied;
    },

    async addStudy(email, studyId, audit) {
      return auditedWrite(db, audit, target(email), (mark) =>
        conditionally(() =>
          db.doc.send(
            new UpdateCommand({
              TableName,
              Key: keys.staff(email),
              // Only the list and the version: a role or removal written meanwhile stays as it is.
              UpdateExpression: updateExpression({
                set: ['studies = list_append(if_not_exists(studies, :none), :ids)', '#version = if_not_exists(#version, :zero) + :one'],
                add: [mark.add],
              }),
              ConditionExpression: 'attribute_exists(pk) AND attribute_not_exists(removedAt) AND #role = :coordinator AND NOT contains(studies, :id)',
              ExpressionAttributeNames: { '#role': 'role', '#version': 'version' },
              ExpressionAttributeValues: { ':ids': [studyId], ':none': [], ':id': studyId, ':coordinator': 'coordinator', ':zero': 0, ':one': 1, ...mark.values },
            }),
          ),
        ),
      );
    },

    async lockAdmins(holder, now, leaseMs) {
      // The guard exists only while held: nothing is left behind, whatever the change came to.
      return conditionally(() =>
        db.doc.send(
          new PutCommand({
            TableName,
            Item: { ...keys.adminGuard(), type: 'admin-guard', holder, leaseUntil: new Date(now.getTime() + leaseMs).toISOString() },
            ConditionExpression: 'attribute_not_exists(pk) OR leaseUntil < :now',
            ExpressionAttributeValues: { ':now': now.toISOString() },
          }),
        ),
      );
    },

    async unlockAdmins(holder) {
      await conditionally(() =>
        db.doc.send(
          new DeleteCommand({
            TableName,
            Key: keys.adminGuard(),
            ConditionExpression: 'holder = :holder',
            ExpressionAttributeValues: { ':holder': holder },
          }),
        ),
      );
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
      // From now on only this code counts for the address: consumeLoginCode compares.
      await db.doc.send(
        new PutCommand({
          TableName,
          Item: { ...keys.signInLatest(email), type: 'sign-in-latest', hash, expiresAtEpoch: epochSeconds(expiresAt) },
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
      if (email === null) return null;
      // Used up either way; it signs in only if no newer code was sent to the address since.
      const { Item } = await db.doc.send(new GetCommand({ TableName, Key: keys.signInLatest(email), ConsistentRead: true }));
      return Item === undefined || Item.hash === hash ? email : null;
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
