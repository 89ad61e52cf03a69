import type { LinkTargetReader } from '../../core/ports';
import type { Study } from '../../core/study/study';
import { batchGet } from './batch-get';
import type { Db } from './client';
import { toInstance } from './instance-repository';
import { keys } from './keys';
import { toParticipant } from './participant-repository';

/**
 * The access pattern of every participant request: the study, participant and instance a link
 * names, as one strongly consistent BatchGetItem of their three keys (the same items, and the
 * same consistency, as the three repositories' own reads).
 */
export function createLinkTargetReader(db: Db): LinkTargetReader {
  const TableName = db.tables.research;
  return {
    async get(studyId, code, timepoint) {
      const want = { study: keys.study(studyId), participant: keys.participant(studyId, code), instance: keys.instance(studyId, code, timepoint) };
      const items = await batchGet(db, TableName, Object.values(want));
      const find = (key: { pk: string; sk: string }) => items.find((item) => item.pk === key.pk && item.sk === key.sk);
      const [study, participant, instance] = [find(want.study), find(want.participant), find(want.instance)];
      return {
        study: (study?.study as Study | undefined) ?? null,
        participant: participant ? toParticipant(participant) : null,
        instance: instance ? toInstance(instance) : null,
      };
    },
  };
}
