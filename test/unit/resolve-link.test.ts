import { describe, expect, it } from 'vitest';
import { tooManyRequests } from '../../functions/core/errors';
import type { Instance } from '../../functions/core/schedule/records';
import type { Participant, Study } from '../../functions/core/study/study';
import { demoStudy } from '../../functions/demo/demo-study';
import { resolveLink, type LinkProbe } from '../../functions/use-cases/participant-link';

const TOKEN = 'A'.repeat(43);
const participant = { studyId: 'demo', code: 'P-0001', arm: 'mbpm', timezone: 'Europe/London', status: 'active', enrolledAt: '2026-03-01T09:00:00.000Z' } as unknown as Participant;
const instance = {
  studyId: 'demo', code: 'P-0001', timepoint: 'baseline', status: 'open', instruments: [{ id: 'phq9', version: '1.0' }],
  opensAt: '2026-03-01T09:00:00.000Z', closesAt: '2026-03-08T09:00:00.000Z',
} as unknown as Instance;

/** In-memory ports: the link names P-0001's baseline; `reads` records which port each read went to. */
function fakes(options: { batched: boolean; link?: boolean }) {
  const reads: string[] = [];
  const deps = {
    links: { get: async () => (reads.push('link'), options.link === false ? null : { studyId: 'demo', code: 'P-0001', timepoint: 'baseline', epoch: 0 }) },
    studies: { get: async () => (reads.push('study'), demoStudy as Study) },
    participants: { get: async () => (reads.push('participant'), participant) },
    instances: { get: async () => (reads.push('instance'), instance) },
    ...(options.batched ? { linkTargets: { get: async () => (reads.push('targets'), { study: demoStudy as Study, participant, instance }) } } : {}),
    secrets: { hash: (s: string) => `hash:${s}` },
    clock: { now: () => new Date('2026-03-02T10:00:00.000Z') },
  };
  return { deps: deps as unknown as Parameters<typeof resolveLink>[0], reads };
}

/** A probe whose verdict the test settles, recording whether the request said its link resolved. */
function probe(verdict: 'admit' | 'refuse') {
  let resolvedCalls = 0;
  const admitted = verdict === 'admit' ? Promise.resolve() : Promise.reject(tooManyRequests('too many invalid links', 60));
  admitted.catch(() => {});
  const linkProbe: LinkProbe = { admitted, resolved: () => void resolvedCalls++ };
  return { linkProbe, resolvedCalls: () => resolvedCalls };
}

describe('resolving a participant link', () => {
  it('reads the study, participant and instance in one batch where the store has one, else in three reads, with the same result', async () => {
    const batched = fakes({ batched: true });
    const separate = fakes({ batched: false });
    const [a, b] = [await resolveLink(batched.deps, TOKEN), await resolveLink(separate.deps, TOKEN)];
    expect(a).toEqual(b);
    expect(a).toMatchObject({ status: 'open', linkEpoch: 0, instance: { code: 'P-0001' } });
    expect(batched.reads).toEqual(['link', 'targets']);
    expect(separate.reads.sort()).toEqual(['instance', 'link', 'participant', 'study']);
  });

  it('refuses a client the guessing limit refused even when the link is real, and reads nothing past the link', async () => {
    const { deps, reads } = fakes({ batched: true });
    const p = probe('refuse');
    await expect(resolveLink({ ...deps, linkProbe: p.linkProbe }, TOKEN)).rejects.toMatchObject({ status: 429 });
    expect(reads).toEqual(['link']);
    expect(p.resolvedCalls()).toBe(0);
  });

  it('refuses a refused client a malformed token too (429, not 404), looking nothing up', async () => {
    const { deps, reads } = fakes({ batched: true });
    await expect(resolveLink({ ...deps, linkProbe: probe('refuse').linkProbe }, 'short')).rejects.toMatchObject({ status: 429 });
    expect(reads).toEqual([]);
  });

  it('says the link resolved once it did, so its count can be given back; an unknown link is a 404 and says nothing', async () => {
    const found = probe('admit');
    await resolveLink({ ...fakes({ batched: true }).deps, linkProbe: found.linkProbe }, TOKEN);
    expect(found.resolvedCalls()).toBe(1);
    const unknown = probe('admit');
    await expect(resolveLink({ ...fakes({ batched: true, link: false }).deps, linkProbe: unknown.linkProbe }, TOKEN)).rejects.toMatchObject({ status: 404 });
    expect(unknown.resolvedCalls()).toBe(0);
  });
});
