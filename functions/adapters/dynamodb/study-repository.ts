import { GetCommand, PutCommand } from '@aws-sdk/lib-dynamodb';
import type { StudyRepository } from '../../core/ports';
import type { Study } from '../../core/study/study';
import { conditionally, type Db } from './client';
import { keys } from './keys';

export function createStudyRepository(db: Db): StudyRepository {
  return {
    async get(studyId) {
      const { Item } = await db.doc.send(new GetCommand({ TableName: db.tables.research, Key: keys.study(studyId) }));
      return (Item?.study as Study | undefined) ?? null;
    },
    async createIfAbsent(study) {
      return conditionally(() =>
        db.doc.send(
          new PutCommand({
            TableName: db.tables.research,
            Item: { ...keys.study(study.id), type: 'study', study },
            ConditionExpression: 'attribute_not_exists(pk)',
          }),
        ),
      );
    },
  };
}
