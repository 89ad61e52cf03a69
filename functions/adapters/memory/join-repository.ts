import type { JoinRepository, JoinRequest } from '../../core/ports';
import { conditionFailed, MemoryTable } from './store';

/** Self-enrolment requests by token hash, and screening counts per study. */
export function createMemoryJoinRepository(): JoinRepository {
  const requests = new MemoryTable<JoinRequest>();
  const counts = new Map<string, { eligible: number; ineligible: number }>();
  const existing = (hash: string) => {
    const request = requests.peek(hash);
    if (request === undefined) throw conditionFailed('no such join request');
    return request;
  };
  return {
    async put(hash, request) {
      if (requests.peek(hash) !== undefined) throw conditionFailed('the join request exists');
      requests.set(hash, request);
    },
    get: async (hash) => requests.get(hash),
    async markVerified(hash, at) {
      const request = requests.peek(hash);
      if (request !== undefined) requests.set(hash, { ...request, verifiedAt: request.verifiedAt ?? at.toISOString() });
    },
    async assignCode(hash, code) {
      const request = existing(hash);
      const held = request.code ?? code;
      requests.set(hash, { ...request, code: held });
      return held;
    },
    async complete(hash, at) {
      const request = requests.peek(hash);
      if (request === undefined) return;
      // Enrolled: the address and answers leave the request.
      const { email: _e, answers: _a, ...rest } = request;
      requests.set(hash, { ...(rest as JoinRequest), enrolledAt: request.enrolledAt ?? at.toISOString() });
    },
    async count(studyId, outcome) {
      const current = counts.get(studyId) ?? { eligible: 0, ineligible: 0 };
      counts.set(studyId, { ...current, [outcome]: current[outcome] + 1 });
    },
    counts: async (studyId) => ({ ...(counts.get(studyId) ?? { eligible: 0, ineligible: 0 }) }),
  };
}
