import type { ContactRepository, InstanceRepository, ParticipantRepository, SendTargetReader } from '../../core/ports';

/**
 * A batch's participants, instances and contacts, read from the memory repositories: what
 * DynamoDB's BatchGetItem calls answer, with the same nulls for what is absent.
 */
export function createMemorySendTargetReader(stores: { participants: ParticipantRepository; instances: InstanceRepository; contacts: ContactRepository }): SendTargetReader {
  return {
    async read(targets) {
      const found = new Map<string, unknown>();
      await Promise.all(
        targets.map(async ({ studyId, code, timepoint }) => {
          const [participant, contact, instance] = await Promise.all([
            stores.participants.get(studyId, code),
            stores.contacts.get(studyId, code),
            timepoint === undefined ? null : stores.instances.get(studyId, code, timepoint),
          ]);
          found.set(`p|${studyId}|${code}`, participant);
          found.set(`c|${studyId}|${code}`, contact);
          if (timepoint !== undefined) found.set(`i|${studyId}|${code}|${timepoint}`, instance);
        }),
      );
      const get = <T>(key: string) => (found.get(key) as T | null | undefined) ?? null;
      return {
        participant: (studyId, code) => get(`p|${studyId}|${code}`),
        instance: (studyId, code, timepoint) => get(`i|${studyId}|${code}|${timepoint}`),
        contact: (studyId, code) => get(`c|${studyId}|${code}`),
      };
    },
  };
}
