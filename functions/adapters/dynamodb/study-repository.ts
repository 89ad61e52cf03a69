import { GetCommand, PutCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import type { StudyRepository } from '../../core/ports';
import type { Protocol, Study } from '../../core/study/study';
import { auditedWrite, updateExpression } from './audited-write';
import { conditionally, type Db } from './client';
import { keys } from './keys';
import { queryAll } from './query';

/**
 * Studies and their protocol versions. Each published version is its own item, written once
 * (`attribute_not_exists`); the study item carries the latest, so reading a study is one Get.
 * The study item's `rev` rises with every settings change and publish: a settings change is
 * conditioned on the one it read. A small index partition lists the studies without a Scan.
 */
export function createStudyRepository(db: Db): StudyRepository {
  const TableName = db.tables.research;

  const read = async (studyId: string) => {
    const { Item } = await db.doc.send(new GetCommand({ TableName, Key: keys.study(studyId), ConsistentRead: true }));
    return Item?.study === undefined ? null : { study: Item.study as Study, revision: (Item.rev as number | undefined) ?? 0 };
  };
  const get = async (studyId: string): Promise<Study | null> => (await read(studyId))?.study ?? null;

  const putVersion = (studyId: string, protocol: Protocol, at: string, audit?: Parameters<StudyRepository['publishProtocol']>[3]) =>
    auditedWrite(db, audit, { table: 'research', key: keys.protocol(studyId, protocol.version) }, (mark) =>
      conditionally(() =>
        db.doc.send(
          new PutCommand({
            TableName,
            Item: { ...keys.protocol(studyId, protocol.version), type: 'protocol', studyId, protocol, publishedAt: at, ...mark.item },
            ConditionExpression: 'attribute_not_exists(pk)',
          }),
        ),
      ),
    );

  /** Makes `protocol` the study's current one, unless a newer one already is (only ever forward). */
  const advance = (studyId: string, protocol: Protocol) =>
    conditionally(() =>
      db.doc.send(
        new UpdateCommand({
          TableName,
          Key: keys.study(studyId),
          UpdateExpression: 'SET study.protocol = :protocol, rev = if_not_exists(rev, :zero) + :one',
          ConditionExpression: 'study.protocol.version < :version',
          ExpressionAttributeValues: { ':protocol': protocol, ':version': protocol.version, ':zero': 0, ':one': 1 },
        }),
      ),
    );

  return {
    get,
    read,

    async createIfAbsent(study, audit) {
      const created = await auditedWrite(db, audit, { table: 'research', key: keys.study(study.id) }, (mark) =>
        conditionally(() =>
          db.doc.send(
            new PutCommand({
              TableName,
              Item: { ...keys.study(study.id), type: 'study', study, rev: 1, ...mark.item },
              ConditionExpression: 'attribute_not_exists(pk)',
            }),
          ),
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

    async publishProtocol(studyId, protocol, at, audit) {
      if (!(await putVersion(studyId, protocol, at.toISOString(), audit))) {
        // Taken: by someone else, or by a publish that died before moving the study on to it (which
        // would otherwise block every later publish). Either way the stored version is the published one.
        const { Item } = await db.doc.send(new GetCommand({ TableName, Key: keys.protocol(studyId, protocol.version), ConsistentRead: true }));
        if (Item) await advance(studyId, Item.protocol as Protocol);
        return false;
      }
      await advance(studyId, protocol);
      return true;
    },

    async updateSettings(study, revision, audit) {
      return auditedWrite(db, audit, { table: 'research', key: keys.study(study.id) }, (mark) =>
        conditionally(() =>
          db.doc.send(
            new UpdateCommand({
              TableName,
              Key: keys.study(study.id),
              UpdateExpression: updateExpression({ set: ['study = :study', 'rev = :next'], add: [mark.add] }),
              // Studies stored before revisions existed count as revision 0.
              ConditionExpression: revision === 0 ? 'attribute_exists(pk) AND attribute_not_exists(rev)' : 'rev = :rev',
              ExpressionAttributeValues: { ':study': study, ':next': revision + 1, ...(revision === 0 ? {} : { ':rev': revision }), ...mark.values },
            }),
          ),
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
