import { GetCommand, PutCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import type { StudyRepository } from '../../core/ports';
import type { Protocol, Study } from '../../core/study/study';
import { conditionally, type Db } from './client';
import { keys } from './keys';
import { queryAll } from './query';

/**
 * Studies and their protocol versions. Each published version is its own item, written once
 * (`attribute_not_exists`); the study item carries the latest, so reading a study is one Get.
 * A small index partition lists the studies without a Scan.
 */
export function createStudyRepository(db: Db): StudyRepository {
  const TableName = db.tables.research;

  const get = async (studyId: string): Promise<Study | null> => {
    const { Item } = await db.doc.send(new GetCommand({ TableName, Key: keys.study(studyId), ConsistentRead: true }));
    return (Item?.study as Study | undefined) ?? null;
  };

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
    get,

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
      // Idempotent follow-ups: a crash between these writes is healed by calling again (and getProtocol falls back).
      await putVersion(study.id, study.protocol, new Date(0).toISOString());
      await db.doc.send(new PutCommand({ TableName, Item: { ...keys.studyIndex(study.id), type: 'study-index', studyId: study.id } }));
      return created;
    },

    async getProtocol(studyId, version) {
      const { Item } = await db.doc.send(new GetCommand({ TableName, Key: keys.protocol(studyId, version) }));
      if (Item) return Item.protocol as Protocol;
      const study = await get(studyId);
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

    async updateSettings(study, protocolVersion) {
      return conditionally(() =>
        db.doc.send(
          new UpdateCommand({
            TableName,
            Key: keys.study(study.id),
            UpdateExpression: 'SET study = :study',
            ConditionExpression: 'study.protocol.version = :version',
            ExpressionAttributeValues: { ':study': study, ':version': protocolVersion },
          }),
        ),
      );
    },

    async list() {
      const entries = await queryAll<Record<string, unknown>>(db, {
        TableName,
        KeyConditionExpression: 'pk = :pk',
        ExpressionAttributeValues: { ':pk': keys.studyIndex().pk },
      });
      const studies = await Promise.all(entries.map((entry) => get(entry.studyId as string)));
      return studies.filter((s): s is Study => s !== null);
    },
  };
}
