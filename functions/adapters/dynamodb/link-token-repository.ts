import { GetCommand, PutCommand } from '@aws-sdk/lib-dynamodb';
import type { LinkTokenRepository } from '../../core/ports';
import { batchPut } from './batch-write';
import type { Db } from './client';
import { keys } from './keys';

/** Participant and unsubscribe links, by token hash: a token itself is never stored. */
export function createLinkTokenRepository(db: Db): LinkTokenRepository {
  const TableName = db.tables.research;
  return {
    async put(hash, link) {
      await db.doc.send(
        new PutCommand({
          TableName,
          Item: { ...keys.link(hash), type: 'link', ...link },
          ConditionExpression: 'attribute_not_exists(pk)',
        }),
      );
    },
    async putMany(pairs) {
      await batchPut(
        db,
        TableName,
        pairs.flatMap((pair) => [
          { ...keys.link(pair.hash), type: 'link', ...pair.link },
          { ...keys.unsubscribe(pair.unsubscribeHash), type: 'unsubscribe-link', ...pair.unsubscribe },
        ]),
      );
    },
    async get(hash) {
      const { Item } = await db.doc.send(new GetCommand({ TableName, Key: keys.link(hash) }));
      // Links minted before generations existed belong to generation 0.
      return Item ? { studyId: Item.studyId as string, code: Item.code as string, timepoint: Item.timepoint as string, epoch: (Item.epoch as number | undefined) ?? 0 } : null;
    },
    async putUnsubscribe(hash, target) {
      await db.doc.send(
        new PutCommand({ TableName, Item: { ...keys.unsubscribe(hash), type: 'unsubscribe-link', ...target }, ConditionExpression: 'attribute_not_exists(pk)' }),
      );
    },
    async getUnsubscribe(hash) {
      const { Item } = await db.doc.send(new GetCommand({ TableName, Key: keys.unsubscribe(hash) }));
      return Item ? { studyId: Item.studyId as string, code: Item.code as string, epoch: (Item.epoch as number | undefined) ?? 0 } : null;
    },
  };
}
