import type { InstanceRepository, LinkTargetReader, ParticipantRepository, StudyRepository } from '../../core/ports';

/**
 * The link's study, participant and instance, read from the memory repositories: what DynamoDB's
 * BatchGetItem answers, with the same nulls for what is absent.
 */
export function createMemoryLinkTargetReader(stores: { studies: StudyRepository; participants: ParticipantRepository; instances: InstanceRepository }): LinkTargetReader {
  return {
    async get(studyId, code, timepoint) {
      const [study, participant, instance] = await Promise.all([
        stores.studies.get(studyId),
        stores.participants.get(studyId, code),
        stores.instances.get(studyId, code, timepoint),
      ]);
      return { study, participant, instance };
    },
  };
}
