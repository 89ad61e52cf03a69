import { PutCommand } from '@aws-sdk/lib-dynamodb';
import type { AuditEntry } from '../../core/audit';
import type { AuditLog } from '../../core/ports';
import { conditionally, type Db } from './client';
import { keys } from './keys';
import { queryAll, withoutKeys } from './query';

/** Append-only: entries are only ever put under their own key, never updated or deleted. */
export function createAuditLog(db: Db): AuditLog {
  const TableName = db.tables.research;
  return {
    async append(entry) {
      // An entry's key holds its unique id, so a key already present is this same entry: put by an
      // earlier attempt whose answer was lost (the SDK repeats it), or by a retried request. Once is enough.
      await conditionally(() =>
        db.doc.send(
          new PutCommand({
            TableName,
            Item: { ...keys.audit(entry.scope, entry.at, entry.id), type: 'audit', ...entry },
            ConditionExpression: 'attribute_not_exists(pk)',
          }),
        ),
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
