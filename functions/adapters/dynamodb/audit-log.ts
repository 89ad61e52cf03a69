import { PutCommand } from '@aws-sdk/lib-dynamodb';
import type { AuditEntry } from '../../core/audit';
import type { AuditLog } from '../../core/ports';
import type { Db } from './client';
import { keys } from './keys';
import { queryAll, withoutKeys } from './query';

/** Append-only: entries are only ever put under a fresh key, never updated or deleted. */
export function createAuditLog(db: Db): AuditLog {
  const TableName = db.tables.research;
  return {
    async append(entry) {
      await db.doc.send(
        new PutCommand({
          TableName,
          Item: { ...keys.audit(entry.scope, entry.at, entry.id), type: 'audit', ...entry },
          ConditionExpression: 'attribute_not_exists(pk)',
        }),
      );
    },
    async list(scope) {
      const items = await queryAll<Record<string, unknown>>(db, {
        TableName,
        KeyConditionExpression: 'pk = :pk',
        ExpressionAttributeValues: { ':pk': keys.auditPartition(scope) },
      });
      return items.map((item) => withoutKeys(item) as unknown as AuditEntry);
    },
  };
}
