import { describe, expect, it } from 'vitest';
import { instanceGroups, participantGroups } from '../../functions/core/export/participant-groups';
import type { Instance } from '../../functions/core/schedule/records';
import type { Participant } from '../../functions/core/study/study';

const instance = (code: string, timepoint: string): Instance =>
  ({ studyId: 'demo', code, timepoint, arm: 'mbpm', status: 'scheduled', dueAt: '', opensAt: '', closesAt: '', instruments: [] }) as Instance;
const participant = (code: string) => ({ studyId: 'demo', code, arm: 'mbpm', status: 'active' }) as Participant;

/** Pages as the table returns them: sort-key order, split wherever the page size falls. */
async function* pages(...list: Instance[][]): AsyncGenerator<Instance[]> {
  for (const page of list) yield page;
}
const collect = async <T>(items: AsyncIterable<T>) => {
  const out: T[] = [];
  for await (const item of items) out.push(item);
  return out;
};
const summary = (groups: Array<{ code: string; instances: Instance[]; participant?: Participant }>) =>
  groups.map((g) => `${g.code}${'participant' in g && g.participant === undefined ? '(orphan)' : ''}:${g.instances.map((i) => i.timepoint).join(',')}`);

describe('grouping instance pages by participant', () => {
  it('keeps a participant together across page boundaries', async () => {
    const groups = await collect(
      instanceGroups(pages([instance('P-0001', 'baseline')], [instance('P-0001', 'week8'), instance('P-0002', 'baseline')], [instance('P-0002', 'week8')])),
    );
    expect(summary(groups)).toEqual(['P-0001:baseline,week8', 'P-0002:baseline,week8']);
  });

  it('refuses pages out of key order rather than splitting a participant', async () => {
    const run = collect(instanceGroups(pages([instance('P-0002', 'baseline'), instance('P-0001', 'baseline')])));
    await expect(run).rejects.toThrow('instances out of order: P-0001 after P-0002');
  });

  it('yields nothing for no pages', async () => {
    expect(await collect(instanceGroups(pages()))).toEqual([]);
  });
});

describe('joining participants with their instances', () => {
  it('gives every participant, in code order, an empty group when nothing is planned yet, and keeps orphans', async () => {
    const groups = await collect(
      participantGroups(
        [participant('P-0004'), participant('P-0001'), participant('P-0002')],
        pages([instance('P-0002', 'baseline'), instance('P-0003', 'baseline')]),
      ),
    );
    expect(summary(groups)).toEqual(['P-0001:', 'P-0002:baseline', 'P-0003(orphan):baseline', 'P-0004:']);
    expect(groups[1]!.participant?.code).toBe('P-0002');
  });

  it('orders codes by code unit (the table’s order), not by locale', async () => {
    const groups = await collect(participantGroups([participant('b-1'), participant('B-2'), participant('A-3')], pages()));
    expect(groups.map((g) => g.code)).toEqual(['A-3', 'B-2', 'b-1']);
  });
});
