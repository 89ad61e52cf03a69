import { GetCommand, PutCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import type { StudyRepository } from '../../core/ports';
import type { Protocol, Study } from '../../core/study/study';
import { conditionally, type Db } from './client';
import { keys } from './keys';

/**
 * Studies and their protocol versions. Each published version is its own item, written once
 * (`attribute_not_exists`); the study item carries the latest, so reading a study is one Get.
 */
export function createStudyRepository(db: Db): StudyRepository {
  const TableName = db.tables.research;
  const putVersion = (studyId: string, protocol: Protocol, at: string) =>
    conditionally(() =>
      db.doc.send(
        new PutCommand({
          TableName,
          Item: { ...keys.protocol(studyId, protocol.version), type: 'protocol', studyId, protocol, publishedAt: at },
          ConditionExpression: 'attribute_not_exists(pk)',
        }),
      ),
    );

  return {
    async get(studyId) {
      const { Item } = await db.doc.send(new GetCommand({ TableName, Key: keys.study(studyId), ConsistentRead: true }));
      return (Item?.study as Study | undefined) ?? null;
    },

    async createIfAbsent(study) {
      const created = await conditionally(() =>
        db.doc.send(
          new PutCommand({
            TableName,
            Item: { ...keys.study(study.id), type: 'study', study },
            ConditionExpression: 'attribute_not_exists(pk)',
          }),
        ),
      );
      // Idempotent: a crash between the two writes is healed by the next call (or by getProtocol's fallback).
      await putVersion(study.id, study.protocol, new Date(0).toISOString());
      return created;
    },

    async getProtocol(studyId, version) {
      const { Item } = await db.doc.send(new GetCommand({ TableName, Key: keys.protocol(studyId, version) }));
      if (Item) return Item.protocol as Protocol;
      const { Item: studyItem } = await db.doc.send(new GetCommand({ TableName, Key: keys.study(studyId) }));
      const study = (studyItem?.study as Study | undefined) ?? null;
      return study?.protocol.version === version ? study.protocol : null;
    },

    async publishProtocol(studyId, protocol, at) {
      if (!(await putVersion(studyId, protocol, at.toISOString()))) return false;
      // Only ever moves forward: an older version never replaces a newer current one.
      await conditionally(() =>
        db.doc.send(
          new UpdateCommand({
            TableName,
            Key: keys.study(studyId),
            UpdateExpression: 'SET study.protocol = :protocol',
            ConditionExpression: 'study.protocol.version < :version',
            ExpressionAttributeValues: { ':protocol': protocol, ':version': protocol.version },
          }),
        ),
      );
      return true;
    },
  };
}
